//! Errors that say what to fix (issue 13, finding 8): a query parameter is
//! named with the rule it breaks, one the operation does not take is refused,
//! 405 says which methods the path has, HEAD answers wherever GET does, and a
//! long list of invalid fields is cut short with a count of the rest.

use std::collections::BTreeSet;

use serde_json::json;

use crate::app_test;

app_test!(
    a_badly_typed_query_parameter_is_named_with_its_rule,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        // Before: 400 "Query deserialize error: invalid digit found in string".
        let r = app.get_as(&admin, "/api/v1/centres?limit=ten").await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["limit"]);
        assert_eq!(r.error_rules(), ["type"]);
        let r = app
            .get_as(
                &admin,
                "/api/v1/centres/sundsvall/rooms?include_inactive=maybe",
            )
            .await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["include_inactive"]);
        // A required parameter left out is named too.
        let r = app
            .get_as(&admin, "/api/v1/centres/sundsvall/calendar/at")
            .await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["time"]);
        assert_eq!(r.error_rules(), ["required"]);
    }
);

app_test!(
    an_unknown_query_parameter_is_refused_and_named,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        // Before: ignored, and the whole list came back.
        let r = app
            .get_as(&admin, "/api/v1/exam-requests?stauts=approved")
            .await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["stauts"]);
        assert_eq!(r.error_rules(), ["unknown_field"]);
        let message = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("status"), "{message}");
        let r = app
            .get_as(&admin, "/api/v1/exam-requests?status=approved&limit=5")
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        // The page parameters of a list that has its own filters too.
        let r = app
            .get_as(
                &admin,
                "/api/v1/centres/sundsvall/rooms?include_inactive=true&limit=1&colour=red",
            )
            .await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["colour"]);
        // Where an operation takes no query parameters, a cache buster is harmless.
        let css = app.get("/static/site.css?v=2").await;
        assert_eq!(css.status(), 200);
    }
);

fn allowed(res: &reqwest::Response) -> BTreeSet<String> {
    res.headers()
        .get("allow")
        .expect("a 405 carries Allow")
        .to_str()
        .unwrap()
        .split(',')
        .map(|m| m.trim().to_string())
        .collect()
}

app_test!(a_405_names_the_methods_of_the_path, |app| async move {
    let res = app
        .client
        .put(app.url("/api/v1/centres"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(
        allowed(&res),
        BTreeSet::from(["GET", "HEAD", "POST"].map(String::from))
    );
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(
        allowed(&res),
        BTreeSet::from(["GET", "HEAD"].map(String::from))
    );
    let res = app
        .client
        .get(app.url("/api/v1/exam-sittings/x/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(allowed(&res), BTreeSet::from(["POST".to_string()]));
});

/// `path` with every `{placeholder}` filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "x" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

app_test!(head_answers_wherever_get_does, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let get = app
        .client
        .get(app.url("/api/v1/centres"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let head = app
        .client
        .head(app.url("/api/v1/centres"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-type"],
        get.headers()["content-type"]
    );
    assert!(head.bytes().await.unwrap().is_empty(), "HEAD has no body");
    assert!(!get.bytes().await.unwrap().is_empty());

    // Every GET route, with the same status as its GET.
    let mut wrong = Vec::new();
    for (method, path) in skrivsal::web::routes::route_list() {
        if method != actix_web::http::Method::GET {
            continue;
        }
        let url = app.url(&concrete(&path));
        let get = app
            .client
            .get(&url)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        let head = app
            .client
            .head(&url)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        if head.status() != get.status() {
            wrong.push(format!(
                "{path}: GET {} HEAD {}",
                get.status(),
                head.status()
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
});

app_test!(
    a_long_list_of_invalid_fields_is_cut_with_a_count,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        // Three invalid fields an entry: 60 in all.
        let bad = json!({"weekday": "someday", "opens": "late", "closes": "later"});
        let entries = vec![bad; 10];
        let r = app
            .put_as(
                &admin,
                "/api/v1/centres/sundsvall/hours",
                json!({"opening": entries, "access_card": entries}),
            )
            .await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields().len(), 50);
        assert_eq!(r.error_fields()[0], "opening[0].weekday");
        assert_eq!(r.body["more_errors"], 10);
        let detail = r.body["detail"].as_str().unwrap();
        assert!(
            detail.contains("60 invalid") && detail.contains("10 more"),
            "{detail}"
        );
        // A short list is whole, without the count.
        let r = app
            .put_as(
                &admin,
                "/api/v1/centres/sundsvall/hours",
                json!({"opening": [{"weekday": "mon", "opens": "09:00", "closes": "08:00"}]}),
            )
            .await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["opening[0].closes"]);
        assert!(r.body.get("more_errors").is_none(), "{r:?}");
    }
);

// Requests the generated tests found answered with statuses (or content
// types) the OpenAPI document did not describe: each answer must now be one
// the document describes for its operation.
app_test!(
    answers_found_by_generated_requests_are_described,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
        let cases = [
            ("/api/v1/tokens", "/api/v1/tokens?limit=0"),
            (
                "/api/v1/centres/{centre}/rooms",
                "/api/v1/centres/sundsvall/rooms?limit=0",
            ),
            (
                "/api/v1/centres/{centre}/closures",
                "/api/v1/centres/sundsvall/closures?limit=0",
            ),
            (
                "/api/v1/centres/{centre}/invigilators",
                "/api/v1/centres/sundsvall/invigilators?limit=0",
            ),
            (
                "/api/v1/centres/{centre}/access-cards",
                "/api/v1/centres/sundsvall/access-cards?limit=x",
            ),
            ("/api/v1/exam-requests", "/api/v1/exam-requests?centre="),
            ("/api/v1/exam-requests", "/api/v1/exam-requests?limit=0"),
            ("/api/v1/me", "/api/v1/me"),
            ("/auth/link", "/auth/link"),
            ("/api/docs/{file}", "/api/docs/swagger-ui.css"),
            ("/api/docs/{file}", "/api/docs/swagger-ui-bundle.js"),
            ("/api/docs/{file}", "/api/docs/favicon-32x32.png"),
        ];
        for (template, path) in cases {
            let res = app
                .client
                .get(app.url(path))
                .bearer_auth(&admin)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            assert!(status != 200 || !path.contains('?'), "{path}: {status}");
            let op = &doc["paths"][template]["get"];
            let mut response = &op["responses"][status.to_string()];
            assert!(response.is_object(), "{path}: {status} is not described");
            if let Some(name) = response["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
                response = &doc["components"]["responses"][name];
            }
            let content_type = res.headers()["content-type"].to_str().unwrap();
            let media = content_type.split(';').next().unwrap().trim();
            assert!(
                response["content"].get(media).is_some(),
                "{path}: {status} {media} is not described: {response}"
            );
        }
    }
);
