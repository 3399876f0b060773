//! The authorization matrix: every route of the app, for every kind of
//! caller, own tenant and other tenant, with the status it must answer.
//!
//! The table must name every route `skrivsal::web::routes::route_list()` knows, so
//! a new endpoint cannot be added without deciding who may use it.

use std::collections::BTreeSet;

use serde_json::json;

use crate::app_test;

mod fixture;
mod matrix;

use fixture::Fixture;
use matrix::cases;

/// Callers, in the order of the expectation arrays.
const CALLERS: [&str; 9] = [
    "anonymous",
    "system_admin",
    "centre_admin (own centre)",
    "centre_admin (other centre)",
    "invigilator (own centre)",
    "invigilator (other centre)",
    "institution (own)",
    "institution (other)",
    "student",
];

struct Case {
    method: &'static str,
    /// The path as registered; placeholders are filled by `Fixture::resolve`.
    path: &'static str,
    expect: [u16; 9],
}

const fn case(method: &'static str, path: &'static str, expect: [u16; 9]) -> Case {
    Case {
        method,
        path,
        expect,
    }
}

app_test!(
    every_route_answers_every_caller_as_the_matrix_says,
    |app| async move {
        let table = cases();
        // Completeness: the table and the app list the same routes.
        let app_routes: BTreeSet<(String, String)> = skrivsal::web::routes::route_list()
            .into_iter()
            .map(|(m, p)| (m.to_string(), p))
            .collect();
        let table_routes: BTreeSet<(String, String)> = table
            .iter()
            .map(|c| (c.method.to_string(), c.path.to_string()))
            .collect();
        let missing: Vec<_> = app_routes.difference(&table_routes).collect();
        let stale: Vec<_> = table_routes.difference(&app_routes).collect();
        assert!(
            missing.is_empty(),
            "routes missing from the authorization matrix: {missing:?}"
        );
        assert!(
            stale.is_empty(),
            "matrix rows for routes the app does not have: {stale:?}"
        );

        let fixture = Fixture::new(&app).await;
        let open = app
            .post_as(
                &fixture.institution,
                "/api/v1/exam-requests",
                fixture.request(0, true),
            )
            .await;
        assert_eq!(open.status, 201, "{open:?}");
        *fixture.open_request.borrow_mut() = open.body["id"].as_str().unwrap().to_string();
        let rooms = app
            .get_as(&fixture.admin, "/api/v1/centres/alpha/rooms?limit=500")
            .await;
        let hall = rooms.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Big hall")
            .unwrap();
        *fixture.big_hall.borrow_mut() = hall["id"].as_str().unwrap().to_string();
        let mut failures = Vec::new();
        for c in &table {
            for (who, expected) in c.expect.iter().enumerate() {
                let path = fixture.resolve(&app, c.method, c.path).await;
                let body = fixture.body(c.method, c.path);
                let method = reqwest::Method::from_bytes(c.method.as_bytes()).unwrap();
                let r = app
                    .call(method, &path, fixture.tokens[who].as_deref(), body)
                    .await;
                if r.status != *expected {
                    failures.push(format!(
                        "{} {} as {}: expected {expected}, got {r:?}",
                        c.method, c.path, CALLERS[who]
                    ));
                }
                // Undo a centre deactivation so the next callers see the same world.
                if c.method == "DELETE" && c.path == "/api/v1/centres/{centre}" && r.status == 204 {
                    let back = app
                        .patch_as(
                            &fixture.admin,
                            "/api/v1/centres/alpha",
                            json!({"active": true}),
                        )
                        .await;
                    assert_eq!(back.status, 200);
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} authorization mismatch(es):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);
