//! Errors that say what to fix (issue 13, finding 8): a query parameter is
//! named with the rule it breaks, one the operation does not take is refused,
//! 405 says which methods the path has, HEAD answers wherever GET does, and a
//! long list of invalid fields is cut short with a count of the rest.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::json;

use crate::app_test;
use crate::helpers::TestApp;

/// GETs `path` as `token`, which must be refused with 422: the fields and
/// rules its `errors` name.
async fn refused(app: &TestApp, token: &str, path: &str) -> (Vec<String>, Vec<String>) {
    let r = app.get_as(token, path).await;
    assert_eq!(r.status, 422, "{path}: {r:?}");
    (r.error_fields(), r.error_rules())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

app_test!(
    a_badly_typed_query_parameter_is_named_with_its_rule,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        // Before: 400 "Query deserialize error: invalid digit found in string".
        let (fields, rules) = refused(&app, &admin, "/api/v1/centres?limit=ten").await;
        assert_eq!((fields, rules), (strings(&["limit"]), strings(&["type"])));
        let path = "/api/v1/centres/sundsvall/rooms?include_inactive=maybe";
        let (fields, _) = refused(&app, &admin, path).await;
        assert_eq!(fields, ["include_inactive"]);
        // A required parameter left out is named too.
        let path = "/api/v1/centres/sundsvall/calendar/at";
        let (fields, rules) = refused(&app, &admin, path).await;
        assert_eq!(
            (fields, rules),
            (strings(&["time"]), strings(&["required"]))
        );
    }
);

app_test!(
    an_unknown_query_parameter_is_refused_and_named,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        // Before: ignored, and the whole list came back.
        let path = "/api/v1/exam-requests?stauts=approved";
        let r = app.get_as(&admin, path).await;
        let (fields, rules) = refused(&app, &admin, path).await;
        assert_eq!(
            (fields, rules),
            (strings(&["stauts"]), strings(&["unknown_field"]))
        );
        let message = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("status"), "{message}");
        let path = "/api/v1/exam-requests?status=approved&limit=5";
        assert_eq!(app.get_as(&admin, path).await.status, 200);
        // The page parameters of a list that has its own filters too.
        let path = "/api/v1/centres/sundsvall/rooms?include_inactive=true&limit=1&colour=red";
        let (fields, _) = refused(&app, &admin, path).await;
        assert_eq!(fields, ["colour"]);
        // Where an operation takes no query parameters, a cache buster is harmless.
        let css = app.get("/static/site.css?v=2").await;
        assert_eq!(css.status(), 200);
    }
);

/// `method path`, with `token` if given.
async fn send(app: &TestApp, method: Method, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request failed")
}

/// `method path` must be 405: the methods its `Allow` names.
async fn allowed(app: &TestApp, method: Method, path: &str) -> BTreeSet<String> {
    let res = send(app, method, path, None).await;
    assert_eq!(res.status(), 405, "{path}");
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let allow = res.headers().get("allow").expect("a 405 carries Allow");
    let allow = allow.to_str().unwrap().split(',');
    allow.map(|m| m.trim().to_string()).collect()
}

fn set(methods: &[&str]) -> BTreeSet<String> {
    methods.iter().map(|m| m.to_string()).collect()
}

app_test!(a_405_names_the_methods_of_the_path, |app| async move {
    let centres = allowed(&app, Method::PUT, "/api/v1/centres").await;
    assert_eq!(centres, set(&["GET", "HEAD", "POST"]));
    let health = allowed(&app, Method::DELETE, "/healthz").await;
    assert_eq!(health, set(&["GET", "HEAD"]));
    let approve = allowed(&app, Method::GET, "/api/v1/exam-sittings/x/approve").await;
    assert_eq!(approve, set(&["POST"]));
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
    let get = send(&app, Method::GET, "/api/v1/centres", Some(&admin)).await;
    let head = send(&app, Method::HEAD, "/api/v1/centres", Some(&admin)).await;
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
        let url = concrete(&path);
        let get = send(&app, Method::GET, &url, Some(&admin)).await.status();
        let head = send(&app, Method::HEAD, &url, Some(&admin)).await.status();
        if head != get {
            wrong.push(format!("{path}: GET {get} HEAD {head}"));
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
            let res = send(&app, Method::GET, path, Some(&admin)).await;
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
