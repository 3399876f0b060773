//! Throttling of sign-in attempts and e-mailed links, per account and per
//! client IP, so that passwords cannot be guessed quickly and nobody's inbox
//! can be flooded.
//!
//! The buckets live in the database (`accounts::throttle`), so every server
//! process on one database enforces the same limits, and nothing grows in
//! memory: a bucket that has filled up again is deleted. An account is keyed
//! by the address the sign-in itself looks up (trimmed, lower-cased), so
//! spelling it differently is the same bucket. The client's IP is the
//! connection's, or, behind a configured trusted proxy, the right-most
//! address of `X-Forwarded-For` that is not one of our proxies.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};

use actix_web::HttpRequest;

use crate::accounts::throttle::{self as store, Rate};
use crate::app::config::{AuthSettings, ServerSettings};
use crate::db::Database;
use crate::domain::Email;
use crate::web::problem::ApiError;

const MINUTE_MS: i64 = 60_000;

/// What an account's request spends.
#[derive(Debug, Clone, Copy)]
pub enum Account<'a> {
    /// A password attempt, for this address.
    SignIn(&'a str),
    /// An e-mailed link (sign-in or password reset), to this address.
    Link(&'a str),
}

pub struct Throttle {
    /// A burst, then one attempt a minute.
    sign_in_per_account: Rate,
    /// A burst, refilled at the same number a minute.
    per_ip: Rate,
    /// A burst, refilled at the same number an hour.
    links_per_account: Rate,
    trusted_proxies: Vec<ipnet::IpNet>,
    /// When this process last deleted full buckets.
    pruned_at_ms: AtomicI64,
}

impl Throttle {
    pub fn new(server: &ServerSettings, s: &AuthSettings) -> Throttle {
        let per = |n: u32, window_ms: i64| Rate {
            burst: n.max(1),
            interval_ms: (window_ms / i64::from(n.max(1))).max(1),
        };
        Throttle {
            sign_in_per_account: Rate {
                burst: s.attempts_per_account_per_minute.max(1),
                interval_ms: MINUTE_MS,
            },
            per_ip: per(s.attempts_per_ip_per_minute, MINUTE_MS),
            links_per_account: per(s.links_per_account_per_hour, 60 * MINUTE_MS),
            trusted_proxies: server.trusted_proxies.clone(),
            pruned_at_ms: AtomicI64::new(0),
        }
    }

    /// The client's address: the TCP peer, unless the peer is a trusted
    /// proxy (see `client_ip`).
    pub fn client_ip(&self, req: &HttpRequest) -> Option<IpAddr> {
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        client_ip(
            req.peer_addr().map(|a| a.ip()),
            &forwarded,
            &self.trusted_proxies,
        )
    }

    /// Counts one request from `ip` and, if it names one, for an account:
    /// `Ok` or 429 with how long to wait. Every password attempt counts, so
    /// the 11th within a minute is refused whether or not earlier ones
    /// succeeded. Consuming a link is guessing a 256-bit secret: there only
    /// the IP limit applies (`account` is `None`).
    pub async fn check(
        &self,
        db: &Database,
        now_ms: i64,
        ip: Option<IpAddr>,
        account: Option<Account<'_>>,
    ) -> Result<(), ApiError> {
        // The IP's bucket first, then the account's; the first refusal is the
        // answer.
        let mut buckets: Vec<(String, Rate)> = Vec::with_capacity(2);
        if let Some(ip) = ip {
            buckets.push((format!("ip:{ip}"), self.per_ip));
        }
        buckets.extend(account.map(|a| match a {
            Account::SignIn(email) => (
                format!("account:{}", account_key(email)),
                self.sign_in_per_account,
            ),
            Account::Link(email) => (
                format!("link:{}", account_key(email)),
                self.links_per_account,
            ),
        }));
        // At most once a minute per process, whoever happens to come by.
        let last = self.pruned_at_ms.load(Ordering::Relaxed);
        let prune = now_ms - last >= MINUTE_MS
            && self
                .pruned_at_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        let wait_ms = db
            .run(move |conn| {
                if prune {
                    store::prune(conn, now_ms)?;
                }
                for (key, rate) in &buckets {
                    if let Some(wait) = store::take(conn, key, *rate, now_ms)? {
                        return Ok(Some(wait));
                    }
                }
                Ok(None)
            })
            .await?;
        match wait_ms {
            None => Ok(()),
            Some(ms) => Err(ApiError::TooManyRequests {
                retry_after_secs: (ms as u64).div_ceil(1000).max(1),
            }),
        }
    }
}

/// The account an address signs in to: what `Email::parse` makes of it (the
/// sign-in looks that up), or, for what is no address at all, the same
/// trimming and lower-casing.
fn account_key(email: &str) -> String {
    Email::parse(email)
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|_| email.trim().to_lowercase())
}

/// Whom a request comes from. `X-Forwarded-For` is believed only when the
/// connection comes from a trusted proxy, and then only as far as our own
/// proxies wrote it: read from the right, the first address that is not a
/// trusted proxy is the client (anything left of it the client could have
/// sent itself). A header of nothing but proxies names the left-most.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
    trusted: &[ipnet::IpNet],
) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect();
    hops.iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or_else(|| hops.first())
        .copied()
        .or(Some(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // Not a proxy of ours: the header is the client's own invention.
        assert_eq!(
            client_ip(ip("198.51.100.7"), &["203.0.113.5"], &trusted),
            ip("198.51.100.7")
        );
        // Our proxy: the right-most address that is not ours.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                &["1.1.1.1, 203.0.113.5, 10.0.0.9"],
                &trusted
            ),
            ip("203.0.113.5")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["1.1.1.1", "203.0.113.5"], &trusted),
            ip("203.0.113.5")
        );
        // Nothing usable in the header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["unknown"], &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(client_ip(None, &["203.0.113.5"], &trusted), None);
    }

    #[test]
    fn an_account_is_keyed_by_the_address_sign_in_uses() {
        let key = account_key("ops@example.se");
        for spelling in [" ops@example.se", "ops@example.se ", "\tOPS@example.se"] {
            assert_eq!(account_key(spelling), key, "{spelling:?}");
        }
    }
}
