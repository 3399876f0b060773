//! The generated OpenAPI description: served, complete (every route of the
//! app, with its method), and specific enough to be useful (request and
//! response schemas, problem+json errors); and Swagger UI served beside it.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::app_test;
use crate::helpers::TestApp;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn document(app: &TestApp) -> Value {
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).expect("the description is JSON")
}

/// (method, path, operation) of every operation in the document.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

/// A response, with a `$ref` to `#/components/responses/…` followed.
fn resolve<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str() {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/responses/")
                .unwrap_or_else(|| panic!("response $ref {r} is not a component response"));
            &doc["components"]["responses"][name]
        }
        None => response,
    }
}

fn has_schema(response: &Value) -> bool {
    response["content"]
        .as_object()
        .is_some_and(|c| !c.is_empty() && c.values().all(|m| m.get("schema").is_some()))
}

app_test!(the_description_is_openapi_3_1_json, |app| async move {
    let doc = document(&app).await;
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1"), "openapi: {version}");
    assert_eq!(doc["info"]["title"], "skrivsal");
    for scheme in ["bearer", "cookie", "csrf"] {
        assert!(
            doc["components"]["securitySchemes"][scheme].is_object(),
            "security scheme {scheme} missing"
        );
    }
});

app_test!(
    every_route_of_the_app_is_described_and_nothing_else,
    |app| async move {
        let doc = document(&app).await;
        let described: BTreeSet<(String, String)> = operations(&doc)
            .into_iter()
            .map(|(m, p, _)| (m, p))
            .collect();
        // actix's `{name}` placeholders are OpenAPI's path template syntax already.
        let routes: BTreeSet<(String, String)> = skrivsal::web::routes::route_list()
            .into_iter()
            .map(|(m, p)| (m.to_string(), p))
            .collect();
        let missing: Vec<_> = routes.difference(&described).collect();
        let stale: Vec<_> = described.difference(&routes).collect();
        assert!(
            missing.is_empty(),
            "routes missing from /api/openapi.json (add #[utoipa::path] to the handler and \
             list it in openapi::ApiDoc): {missing:?}"
        );
        assert!(
            stale.is_empty(),
            "/api/openapi.json describes operations the app does not have: {stale:?}"
        );
    }
);

app_test!(
    api_operations_declare_their_schemas_and_problems,
    |app| async move {
        let doc = document(&app).await;
        let mut failures = Vec::new();
        let mut operation_ids: HashMap<String, String> = HashMap::new();
        for (method, path, op) in operations(&doc) {
            let name = format!("{method} {path}");
            if let Some(id) = op["operationId"].as_str() {
                if let Some(other) = operation_ids.insert(id.to_string(), name.clone()) {
                    failures.push(format!("{name}: operationId {id} also used by {other}"));
                }
            }
            let responses = op["responses"].as_object().cloned().unwrap_or_default();
            // Every problem answer anywhere is problem+json with the Problem schema.
            for (status, response) in &responses {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let response = resolve(&doc, response);
                let schema = &response["content"]["application/problem+json"]["schema"];
                if schema["$ref"] != "#/components/schemas/Problem" {
                    failures.push(format!(
                        "{name}: {status} is not application/problem+json with the Problem schema"
                    ));
                }
            }
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let success = responses.iter().any(|(status, response)| {
                let response = resolve(&doc, response);
                (status.starts_with('2') && has_schema(response))
                    || (status == "204" && response.get("content").is_none())
            });
            if !success {
                failures.push(format!(
                    "{name}: no 2xx response with a schema, nor a 204 without content"
                ));
            }
            if !responses.contains_key("401") {
                failures.push(format!("{name}: does not declare 401"));
            }
            if op["security"].as_array().is_none_or(|s| s.is_empty()) {
                failures.push(format!("{name}: declares no security requirement"));
            }
            if let Some(body) = op.get("requestBody") {
                if !has_schema(body) {
                    failures.push(format!("{name}: request body without a schema"));
                }
            }
            let declared: BTreeSet<String> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .map(|p| p["name"].as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default();
            let templated: BTreeSet<String> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(str::to_string)
                .collect();
            if declared != templated {
                failures.push(format!(
                    "{name}: path parameters {declared:?}, path template {templated:?}"
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} problem(s) in /api/openapi.json:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

app_test!(every_reference_resolves, |app| async move {
    let doc = document(&app).await;
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    let dangling: BTreeSet<&str> = all
        .into_iter()
        .filter(|r| {
            let pointer = r.strip_prefix('#').unwrap_or("<not local>");
            doc.pointer(pointer).is_none()
        })
        .collect();
    assert!(dangling.is_empty(), "dangling $refs: {dangling:?}");
});

app_test!(swagger_ui_is_served_under_the_app_csp, |app| async move {
    let app_csp = app.get("/").await.headers()["content-security-policy"].clone();

    let res = app.get("/api/docs/").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    // No relaxation for the docs: the page must work under the app's policy.
    assert_eq!(res.headers()["content-security-policy"], app_csp);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // The CSP allows scripts from our origin only, so every script must be a file.
    for tag in html.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or_default();
        assert!(
            open.contains("src="),
            "inline script in /api/docs/: <script{open}>"
        );
    }

    let init = app.get("/api/docs/swagger-initializer.js").await;
    assert_eq!(init.status(), 200);
    let init = init.text().await.unwrap();
    assert!(init.contains("/api/openapi.json"), "{init}");
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");

    for asset in ["swagger-ui.css", "swagger-ui-bundle.js"] {
        let res = app.get(&format!("/api/docs/{asset}")).await;
        assert_eq!(res.status(), 200, "{asset}");
    }
    let missing = app.get("/api/docs/no-such-file.js").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );

    let bare = app
        .client
        .get(app.url("/api/docs"))
        .send()
        .await
        .expect("request failed");
    assert_eq!(bare.url().path(), "/api/docs/", "follows the redirect");
    assert_eq!(bare.status(), 200);
});

app_test!(
    operations_with_query_parameters_can_refuse_them,
    |app| async move {
        // `extract::Query` answers 422 for a wrongly typed or unknown query
        // parameter, and lists take `limit`, which 0 breaks.
        let doc = document(&app).await;
        let mut failures = Vec::new();
        for (method, path, op) in operations(&doc) {
            let query: Vec<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "query")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let responses = &op["responses"];
            if !query.is_empty() && responses.get("422").is_none() {
                failures.push(format!("{method} {path}: query parameters but no 422"));
            }
            if query.contains(&"limit") && responses.get("400").is_none() {
                failures.push(format!("{method} {path}: `limit` but no 400"));
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
        let filter = &doc["paths"]["/api/v1/exam-requests"]["get"]["responses"];
        assert!(
            filter.get("404").is_some(),
            "an unknown `centre` filter is 404"
        );
        let problem = &doc["components"]["schemas"]["Problem"]["properties"];
        assert!(problem.get("more_errors").is_some(), "{problem}");
    }
);
