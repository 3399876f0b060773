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
