//! Structured logging with tracing. RUST_LOG, when set, wins over log.filter.

use tracing_subscriber::EnvFilter;

use crate::app::config::LogSettings;

pub fn init(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // try_init: a second call (tests) keeps the first subscriber.
    let _ = if settings.json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Where an address's path carries a secret: the segment right after each
/// prefix is the credential itself (a calendar feed, a coordinator link).
const SECRET_SEGMENT_AFTER: [&str; 3] = ["/feeds/", "/coordinator/", "/api/v1/coordinator/"];

/// Query parameters that hold a secret (e-mailed sign-in and reset links).
const SECRET_PARAMETERS: [&str; 1] = ["token"];

const REDACTED: &str = "[redacted]";

/// Extensions that stay visible after a redacted segment.
const KEPT_EXTENSIONS: [&str; 1] = [".ics"];

/// A request's path (and query, if given) as it may be written to a log: the
/// secret of every secret-bearing address replaced by `[redacted]`, keeping a
/// file extension (`/feeds/[redacted].ics`) so the line still says what was
/// asked for. Anyone who can read the logs could otherwise use the address.
pub fn redact_secrets(path_and_query: &str) -> std::borrow::Cow<'_, str> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let secret_path = SECRET_SEGMENT_AFTER
        .iter()
        .find_map(|prefix| Some((*prefix, path.strip_prefix(prefix)?)))
        .filter(|(_, rest)| !rest.is_empty());
    let secret_query = query.is_some_and(|q| {
        q.split('&')
            .any(|pair| SECRET_PARAMETERS.contains(&pair.split('=').next().unwrap_or_default()))
    });
    if secret_path.is_none() && !secret_query {
        return std::borrow::Cow::Borrowed(path_and_query);
    }
    let mut out = match secret_path {
        Some((prefix, rest)) => {
            let (segment, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            // Only a known extension: a signed token may itself contain dots.
            let extension = KEPT_EXTENSIONS
                .iter()
                .find(|e| segment.ends_with(*e))
                .copied()
                .unwrap_or("");
            format!("{prefix}{REDACTED}{extension}{tail}")
        }
        None => path.to_string(),
    };
    if let Some(q) = query {
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if SECRET_PARAMETERS.contains(&k) => format!("{k}={REDACTED}"),
                _ => pair.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::redact_secrets;

    #[test]
    fn secrets_in_addresses_are_redacted() {
        for (raw, logged) in [
            ("/feeds/s3cr3tT0ken.ics", "/feeds/[redacted].ics"),
            ("/coordinator/payload.signature", "/coordinator/[redacted]"),
            ("/coordinator/abc/paper", "/coordinator/[redacted]/paper"),
            ("/api/v1/coordinator/abc", "/api/v1/coordinator/[redacted]"),
            ("/auth/link?token=abc", "/auth/link?token=[redacted]"),
            (
                "/auth/password-reset?lang=sv&token=abc",
                "/auth/password-reset?lang=sv&token=[redacted]",
            ),
            ("/api/v1/feeds", "/api/v1/feeds"),
            ("/api/v1/feeds/0190-id", "/api/v1/feeds/0190-id"),
            (
                "/centres/x/calendar?from=2026-01-01",
                "/centres/x/calendar?from=2026-01-01",
            ),
        ] {
            assert_eq!(redact_secrets(raw), logged, "{raw}");
        }
    }
}
