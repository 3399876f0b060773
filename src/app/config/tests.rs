use super::*;
use secrecy::ExposeSecret;

fn load(env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    Settings::load_from(Sources {
        local_file: None,
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    })
}

#[test]
fn defaults_are_valid_and_use_sqlite() {
    let s = load(&[]).unwrap();
    assert_eq!(s.server.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(
        s.database.url,
        DatabaseUrl::Sqlite {
            path: "data/skrivsal.db".into()
        }
    );
    assert!(s.mail.smtp_url.is_none());
}

#[test]
fn environment_overrides_nested_keys() {
    let s = load(&[
        ("SKRIVSAL__SERVER__BIND", "0.0.0.0:9000"),
        ("SKRIVSAL__DATABASE__POOL_SIZE", "3"),
        ("SKRIVSAL__MAIL__SMTP_URL", "smtp://127.0.0.1:2525"),
    ])
    .unwrap();
    assert_eq!(s.server.bind.port(), 9000);
    assert_eq!(s.database.pool_size, 3);
    assert_eq!(
        s.mail.smtp_url.as_ref().map(ExposeSecret::expose_secret),
        Some("smtp://127.0.0.1:2525")
    );
}

#[test]
fn debug_of_the_settings_shows_no_secret() {
    let s = load(&[
        (
            "SKRIVSAL__MAIL__SMTP_URL",
            "smtp://relayuser:hunter2@relay.example:25",
        ),
        ("DATABASE_URL", "postgres://u:s3cret-pw@db.example:5433/sk"),
    ])
    .unwrap();
    let shown = format!("{s:?}");
    for secret in ["hunter2", "relayuser", "s3cret-pw"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("REDACTED"), "{shown}");
    assert_eq!(
        s.mail.smtp_url.as_ref().map(ExposeSecret::expose_secret),
        Some("smtp://relayuser:hunter2@relay.example:25")
    );
}

#[test]
fn database_url_env_wins_over_prefixed_key() {
    let s = load(&[
        ("SKRIVSAL__DATABASE__URL", "sqlite://a.db"),
        ("DATABASE_URL", "postgres://u:secret@db.example:5433/sk"),
    ])
    .unwrap();
    assert_eq!(s.database.url.backend_name(), "postgres");
    let shown = s.database.url.to_string();
    assert!(!shown.contains("secret"), "{shown}");
    assert!(shown.contains("***"));
    assert_eq!(
        s.database.url.describe_target(),
        "PostgreSQL database `sk` on db.example:5433"
    );
}

#[test]
fn bad_values_name_their_key() {
    let cases = [
        ("SKRIVSAL__SERVER__BIND", "nonsense", "server.bind"),
        (
            "SKRIVSAL__SERVER__PUBLIC_URL",
            "ftp://x",
            "server.public_url",
        ),
        ("SKRIVSAL__SERVER__WORKERS", "lots", "server.workers"),
        ("SKRIVSAL__DATABASE__POOL_SIZE", "0", "database.pool_size"),
        ("SKRIVSAL__DATABASE__URL", "mysql://x", "database.url"),
        ("SKRIVSAL__MAIL__SMTP_URL", "http://x", "mail.smtp_url"),
        ("SKRIVSAL__LOG__FORMAT", "xml", "log.format"),
    ];
    for (var, value, key) in cases {
        let err = load(&[(var, value)]).unwrap_err();
        assert_eq!(err.key, key, "{var}={value}: {err}");
    }
}

#[test]
fn unknown_key_is_refused() {
    let err = load(&[("SKRIVSAL__SERVER__BINDD", "x")]).unwrap_err();
    assert!(err.to_string().contains("bindd"), "{err}");
}

#[test]
fn database_url_schemes() {
    assert_eq!(
        DatabaseUrl::parse("mysql://x"),
        Err(DatabaseUrlError::UnsupportedScheme("mysql".into()))
    );
    assert_eq!(
        DatabaseUrl::parse("postgress://x"),
        Err(DatabaseUrlError::UnsupportedScheme("postgress".into()))
    );
    assert_eq!(
        DatabaseUrl::parse("data/x.db"),
        Err(DatabaseUrlError::NoScheme)
    );
    assert_eq!(
        DatabaseUrl::parse("sqlite://"),
        Err(DatabaseUrlError::EmptySqlitePath)
    );
    assert_eq!(
        DatabaseUrl::parse("sqlite:///tmp/a.db").unwrap(),
        DatabaseUrl::Sqlite {
            path: "/tmp/a.db".into()
        }
    );
    assert_eq!(
        DatabaseUrl::parse("postgresql://h/db")
            .unwrap()
            .backend_name(),
        "postgres"
    );
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    assert!(load(&[]).unwrap().server.trusted_proxies.is_empty());
    let s = load(&[("SKRIVSAL__SERVER__TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]).unwrap();
    let nets: Vec<String> = s
        .server
        .trusted_proxies
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(nets, ["10.0.0.0/8", "127.0.0.1/32"]);
    let err = load(&[("SKRIVSAL__SERVER__TRUSTED_PROXIES", "10.0.0.0/8,proxy")]).unwrap_err();
    assert_eq!(err.key, "server.trusted_proxies");
    assert!(err.message.contains("`proxy`"), "{err}");
}

#[test]
fn an_unset_public_address_follows_the_bind_address() {
    let mut s = load(&[]).unwrap();
    assert_eq!(s.server.public_url.as_str(), "http://127.0.0.1:8080/");
    // `serve --bind` on another port: the links in e-mail go there too.
    s.server.rebind("127.0.0.1:9123".parse().unwrap());
    assert_eq!(s.server.public_url.as_str(), "http://127.0.0.1:9123/");
    // Every interface is reached at loopback on this machine.
    let s = load(&[("SKRIVSAL__SERVER__BIND", "0.0.0.0:9000")]).unwrap();
    assert_eq!(s.server.public_url.as_str(), "http://127.0.0.1:9000/");
    let s = load(&[("SKRIVSAL__SERVER__BIND", "[::]:9000")]).unwrap();
    assert_eq!(s.server.public_url.as_str(), "http://[::1]:9000/");
}

#[test]
fn a_configured_public_address_stays_whatever_the_bind() {
    let mut s = load(&[(
        "SKRIVSAL__SERVER__PUBLIC_URL",
        "https://skrivsal.example.se",
    )])
    .unwrap();
    s.server.rebind("127.0.0.1:9123".parse().unwrap());
    assert_eq!(s.server.public_url.as_str(), "https://skrivsal.example.se/");
}
