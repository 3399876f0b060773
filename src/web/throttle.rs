//! Throttling of sign-in attempts and e-mailed links, per account and per
//! client IP, so that passwords cannot be guessed quickly and nobody's inbox
//! can be flooded. Limits live in this process (governor's GCRA): with several
//! server processes each enforces them on its own share of the traffic.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::app::config::AuthSettings;
use crate::web::problem::ApiError;

pub struct Throttle {
    sign_in_per_account: DefaultKeyedRateLimiter<String>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    links_per_account: DefaultKeyedRateLimiter<String>,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Throttle {
    pub fn new(s: &AuthSettings) -> Throttle {
        Throttle {
            sign_in_per_account: RateLimiter::keyed(Quota::per_minute(nz(
                s.attempts_per_account_per_minute
            ))),
            per_ip: RateLimiter::keyed(Quota::per_minute(nz(s.attempts_per_ip_per_minute))),
            links_per_account: RateLimiter::keyed(Quota::per_hour(
                nz(s.links_per_account_per_hour),
            )),
        }
    }

    fn check<K: std::hash::Hash + Eq + Clone>(
        limiter: &DefaultKeyedRateLimiter<K>,
        key: &K,
    ) -> Result<(), ApiError> {
        limiter.check_key(key).map_err(|not_until| {
            let wait: Duration = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }

    /// Every password attempt counts, so the 11th within a minute is refused
    /// whether or not earlier ones succeeded.
    pub fn sign_in(&self, email: &str, ip: Option<IpAddr>) -> Result<(), ApiError> {
        if let Some(ip) = ip {
            Self::check(&self.per_ip, &ip)?;
        }
        Self::check(&self.sign_in_per_account, &email.to_lowercase())
    }

    pub fn link(&self, email: &str, ip: Option<IpAddr>) -> Result<(), ApiError> {
        if let Some(ip) = ip {
            Self::check(&self.per_ip, &ip)?;
        }
        Self::check(&self.links_per_account, &email.to_lowercase())
    }

    /// Consuming a link is guessing a 256-bit secret: only the IP limit applies.
    pub fn by_ip(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        match ip {
            Some(ip) => Self::check(&self.per_ip, &ip),
            None => Ok(()),
        }
    }
}
