//! The sign-in throttle: keyed as the sign-in reads the address, one attempt
//! a minute after the burst, shared by every server process on the database,
//! and per client behind a trusted proxy.

use serde_json::json;

use super::*;
use crate::app_test;
use crate::helpers::another_server;

/// One password sign-in at `base`, with extra headers; the status.
async fn attempt(
    app: &TestApp,
    base: &str,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> u16 {
    let mut req = app
        .client
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": email, "password": password}));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap().status().as_u16()
}

app_test!(
    another_spelling_of_the_address_is_the_same_bucket,
    |app| async move {
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        for attempt in 1..=10 {
            assert_eq!(
                sign_in(&app, "ops@example.se", "wrong password!").await.0,
                401,
                "attempt {attempt}"
            );
        }
        for spelling in [
            " ops@example.se",
            "ops@example.se ",
            "\tops@example.se",
            "OPS@Example.SE",
        ] {
            assert_eq!(
                sign_in(&app, spelling, "wrong password!").await.0,
                429,
                "{spelling:?}"
            );
            assert_eq!(
                sign_in(&app, spelling, PASSWORD).await.0,
                429,
                "{spelling:?}"
            );
        }
    }
);

app_test!(
    after_the_burst_one_attempt_a_minute_is_allowed,
    |app| async move {
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        // The clock runs on from each instant set: the margins below leave
        // half a minute for a slow machine.
        app.at("2026-03-02T08:00:00Z");
        for _ in 0..10 {
            assert_eq!(
                sign_in(&app, "ops@example.se", "wrong password!").await.0,
                401
            );
        }
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 429);
        // Ninety seconds later: one attempt, not another burst.
        app.at("2026-03-02T08:01:30Z");
        assert_eq!(
            sign_in(&app, "ops@example.se", "wrong password!").await.0,
            401
        );
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 429);
        app.at("2026-03-02T08:02:40Z");
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 200);
        // Long after, the bucket is full again.
        app.at("2026-03-02T09:00:00Z");
        for _ in 0..10 {
            assert_eq!(
                sign_in(&app, "ops@example.se", "wrong password!").await.0,
                401
            );
        }
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 429);
    }
);

app_test!(
    every_server_process_counts_the_same_attempts,
    |app| async move {
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        let (other, other_base) = another_server(&app, &[]);
        let bases = [app.address.clone(), other_base];
        for i in 0..10 {
            let base = &bases[i % 2];
            assert_eq!(
                attempt(&app, base, "ops@example.se", "wrong password!", &[]).await,
                401,
                "attempt {i} at {base}"
            );
        }
        for base in &bases {
            assert_eq!(
                attempt(&app, base, "ops@example.se", PASSWORD, &[]).await,
                429,
                "{base}"
            );
        }
        other.stop(true).await;
    }
);

app_test!(
    behind_a_trusted_proxy_each_client_has_its_own_bucket,
    |app| async move {
        let limit = ("SKRIVSAL__AUTH__ATTEMPTS_PER_IP_PER_MINUTE", "3");
        let (proxied, proxied_base) = another_server(
            &app,
            &[("SKRIVSAL__SERVER__TRUSTED_PROXIES", "127.0.0.1"), limit],
        );
        let (direct, direct_base) = another_server(&app, &[limit]);
        // Each attempt names another account, so only the IP limit can stop
        // it: (server, account, X-Forwarded-For, status).
        let cases = [
            // Behind our proxy, three from one client, then 429.
            (&proxied_base, "a0", "203.0.113.5", 401),
            (&proxied_base, "a1", "203.0.113.5", 401),
            (&proxied_base, "a2", "203.0.113.5", 401),
            (&proxied_base, "a3", "203.0.113.5", 429),
            // Whatever the client writes to the left of it, the right-most
            // address our proxy did not write decides.
            (&proxied_base, "a4", "198.51.100.1, 203.0.113.5", 429),
            // Another client behind the same proxy has its own bucket.
            (&proxied_base, "b0", "203.0.113.6", 401),
            // From a peer that is not a trusted proxy the header is not
            // believed: every invented address shares the peer's bucket.
            (&direct_base, "c0", "192.0.2.1", 401),
            (&direct_base, "c1", "192.0.2.2", 401),
            (&direct_base, "c2", "192.0.2.3", 401),
            (&direct_base, "c3", "192.0.2.4", 429),
        ];
        for (base, account, forwarded, expected) in cases {
            let email = format!("{account}@example.se");
            let headers = [("x-forwarded-for", forwarded)];
            let status = attempt(&app, base, &email, "x", &headers).await;
            assert_eq!(status, expected, "{account} via {forwarded}");
        }
        proxied.stop(true).await;
        direct.stop(true).await;
    }
);

app_test!(
    concurrent_sign_ins_are_never_a_server_error,
    |app| async move {
        // Forty clients at once, each its own account: every one is judged
        // (401) and none fails on the throttle's shared table, on SQLite too.
        let attempts = (0..40).map(|i| {
            let email = format!("crowd{i}@example.se");
            let app = &app;
            async move { attempt(app, &app.address, &email, "wrong password!", &[]).await }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    }
);

diesel::table! {
    auth_throttle (key) {
        key -> Text,
        tat_ms -> BigInt,
    }
}

app_test!(
    buckets_that_filled_up_again_are_forgotten,
    |app| async move {
        use diesel::prelude::*;
        app.at("2026-03-02T08:00:00Z");
        for i in 0..5 {
            let email = format!("gone{i}@example.se");
            assert_eq!(attempt(&app, &app.address, &email, "x", &[]).await, 401);
        }
        let keys = || {
            let mut conn = app.db.get().unwrap();
            let mut keys: Vec<String> = auth_throttle::table
                .select(auth_throttle::key)
                .load(&mut *conn)
                .unwrap();
            keys.sort();
            keys
        };
        assert_eq!(keys().len(), 6, "{:?}", keys());
        // Two hours on every one of those buckets is full again: the next
        // request clears them away instead of keeping every address seen.
        app.at("2026-03-02T10:00:00Z");
        assert_eq!(
            attempt(&app, &app.address, "late@example.se", "x", &[]).await,
            401
        );
        assert_eq!(keys(), ["account:late@example.se", "ip:127.0.0.1"]);
    }
);
