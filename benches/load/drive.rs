//! The load: N keep-alive HTTP/1.1 connections for a fixed time, each
//! sending its next request as soon as the last one's body is in.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest one request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// 5xx answers whose body is kept to print.
const SAMPLES: usize = 3;

pub struct Request {
    pub method: reqwest::Method,
    pub path: String,
    pub token: String,
    pub if_none_match: Option<String>,
    /// JSON.
    pub body: Option<String>,
}

/// The `k`-th request of a phase (numbered across its connections), or
/// `None` when there is nothing more to ask.
pub type Requests = Arc<dyn Fn(u64) -> Option<Request> + Send + Sync>;

/// What a phase did. Latencies are of every answered request.
#[derive(Default)]
pub struct Outcome {
    pub conns: usize,
    pub elapsed: Duration,
    pub latencies_us: Vec<u32>,
    /// 2xx.
    pub ok: u64,
    /// 304 (answers to a conditional GET).
    pub not_modified: u64,
    /// Every other status, by status.
    pub failed: BTreeMap<u16, u64>,
    /// No answer: connection errors and timeouts.
    pub errors: BTreeMap<String, u64>,
    /// 409s by the first rule their `conflicts` name.
    pub refusals: BTreeMap<String, u64>,
    pub samples: Vec<String>,
    /// CPU time the server processes spent during the test (not the
    /// database's, on PostgreSQL).
    pub server_cpu: Option<Duration>,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        self.not_modified += other.not_modified;
        for (k, v) in other.failed {
            *self.failed.entry(k).or_default() += v;
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (k, v) in other.refusals {
            *self.refusals.entry(k).or_default() += v;
        }
        self.samples.extend(other.samples);
        self.samples.truncate(SAMPLES);
    }

    /// Successful answers (2xx and 304) per second.
    pub fn rate(&self) -> f64 {
        (self.ok + self.not_modified) as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile (nearest rank) of the latencies.
    pub fn latency(&self, q: f64) -> Duration {
        let mut l = self.latencies_us.clone();
        l.sort_unstable();
        if l.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * l.len() as f64).ceil() as usize).clamp(1, l.len());
        Duration::from_micros(u64::from(l[rank - 1]))
    }

    /// Server CPU time per answered request.
    pub fn cpu_each(&self) -> Option<Duration> {
        let answered = self.ok + self.not_modified + self.failed.values().sum::<u64>();
        Some(self.server_cpu? / u32::try_from(answered).ok().filter(|n| *n > 0)?)
    }

    pub fn server_errors(&self) -> u64 {
        self.failed
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum()
    }

    /// Answers that were neither 2xx nor 304, and requests never answered.
    pub fn bad(&self) -> u64 {
        self.failed.values().sum::<u64>() + self.errors.values().sum::<u64>()
    }
}

/// Runs `conns` connections for `time`, connection `i` to `bases[i % len]`,
/// spread over `threads` OS threads with a single-threaded runtime each.
pub fn run(
    bases: &[String],
    conns: usize,
    threads: usize,
    time: Duration,
    requests: Requests,
) -> Outcome {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let until = started + time;
    let threads = threads.clamp(1, conns.max(1));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let mine: Vec<String> = (t..conns)
                .step_by(threads)
                .map(|i| bases[i % bases.len()].clone())
                .collect();
            let (next, requests) = (next.clone(), requests.clone());
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                rt.block_on(async move {
                    let tasks = mine
                        .into_iter()
                        .map(|base| connection(base, until, next.clone(), requests.clone()));
                    futures_util::future::join_all(tasks).await
                })
            })
        })
        .collect();
    let mut all = Outcome {
        conns,
        ..Outcome::default()
    };
    for h in handles {
        for o in h.join().expect("a client thread") {
            all.merge(o);
        }
    }
    all.elapsed = started.elapsed();
    all
}

/// One keep-alive connection: its own client with a single pooled
/// connection, so `conns` clients are `conns` connections.
async fn connection(
    base: String,
    until: Instant,
    next: Arc<AtomicU64>,
    requests: Requests,
) -> Outcome {
    let mut out = Outcome::default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("an HTTP client");
    while Instant::now() < until {
        let Some(r) = requests(next.fetch_add(1, Ordering::Relaxed)) else {
            break;
        };
        let mut req = client
            .request(r.method, format!("{base}{}", r.path))
            .bearer_auth(&r.token)
            .header("accept-language", "en");
        if let Some(tag) = r.if_none_match {
            req = req.header("if-none-match", tag);
        }
        if let Some(body) = r.body {
            req = req.header("content-type", "application/json").body(body);
        }
        let sent = Instant::now();
        let answer = match req.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                res.bytes().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let took = sent.elapsed();
        match answer {
            Ok((status, body)) => {
                out.latencies_us
                    .push(took.as_micros().min(u128::from(u32::MAX)) as u32);
                match status {
                    200..=299 => out.ok += 1,
                    304 => out.not_modified += 1,
                    _ => {
                        *out.failed.entry(status).or_default() += 1;
                        let text = String::from_utf8_lossy(&body);
                        if status == 409 {
                            *out.refusals.entry(first_rule(&text)).or_default() += 1;
                        }
                        if status >= 500 && out.samples.len() < SAMPLES {
                            out.samples.push(format!(
                                "{status}: {}",
                                text.chars().take(300).collect::<String>()
                            ));
                        }
                    }
                }
            }
            Err(e) => {
                let kind = if e.is_timeout() {
                    "timeout".to_string()
                } else if e.is_connect() {
                    "connect".to_string()
                } else {
                    format!("{e}").chars().take(80).collect()
                };
                *out.errors.entry(kind).or_default() += 1;
            }
        }
    }
    out
}

/// The first conflict rule of a problem body, or its title.
fn first_rule(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    v["conflicts"][0]["rule"]
        .as_str()
        .or_else(|| v["title"].as_str())
        .unwrap_or("unknown")
        .to_string()
}
