//! skrivsal under load, measured from outside (issue 15's table).
//!
//! `cargo bench --bench load` starts the release server itself on loopback
//! and drives it with keep-alive HTTP/1.1 connections, on SQLite (one
//! `serve` on a fresh file) and on PostgreSQL (a fresh database with two
//! `serve` processes, connections spread over both) when a server answers.
//! Each test runs for a fixed time; every answer other than 2xx or 304 is
//! counted and shown. Beside it, in the same run, the raw commit rate of
//! the same database at the same durability. The table is printed and also
//! written to `target/load-report.md`.
//!
//! Environment:
//! - `LOAD_SECS`: seconds per test (default 5);
//! - `SKRIVSAL_BENCH_PG`: a PostgreSQL URL (any database on the server;
//!   the run creates and drops its own), or `off`; by default
//!   `postgres://postgres@127.0.0.1:5432/postgres` if it answers;
//! - `LOAD_BACKENDS`: `sqlite`, `postgres` or both (default);
//! - `LOAD_CLIENT_THREADS`: OS threads of the load generator (default 2);
//! - `LOAD_ONLY`: a comma-separated list of tests to run (`schedule-16`,
//!   `schedule-64`, `print-16`, `schedule-etag-16`, `print-etag-16`,
//!   `pdf-1`, `book-1`, `book-16`, `raw-1`, `raw-16`; `book` is both
//!   booking tests);
//! - `LOAD_PERF`: a folder to write a `perf record` of the servers per test
//!   into (`benches/profile.sh` uses it).

#[path = "load/commit.rs"]
mod commit;
#[path = "load/drive.rs"]
mod drive;
#[path = "load/seed.rs"]
mod seed;
#[path = "load/server.rs"]
mod server;

use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use commit::Probe;
use drive::{Outcome, Request};
use seed::{Api, World, SLUG};
use server::{PgDatabase, Server, Setup};

const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const MIB: f64 = 1024.0 * 1024.0;

struct Opts {
    time: Duration,
    threads: usize,
    sqlite: bool,
    postgres: Option<String>,
    postgres_wanted: bool,
    /// Test slugs to run (all when empty).
    only: Vec<String>,
    /// Record each test's server CPU with `perf` into this folder.
    perf: Option<std::path::PathBuf>,
}

impl Opts {
    fn wants(&self, t: Test) -> bool {
        // `book` names book-1 and book-16; `book-1` only itself.
        self.only.is_empty()
            || self
                .only
                .iter()
                .any(|o| t.slug() == o || t.slug().starts_with(&format!("{o}-")))
    }
}

impl Opts {
    fn from_env() -> Opts {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let secs: f64 = var("LOAD_SECS").and_then(|s| s.parse().ok()).unwrap_or(5.0);
        let backends = var("LOAD_BACKENDS").unwrap_or_else(|| "sqlite,postgres".into());
        let postgres_wanted = backends.contains("postgres");
        let postgres = match var("SKRIVSAL_BENCH_PG").as_deref() {
            _ if !postgres_wanted => None,
            Some("off") => None,
            Some(url) => Some(url.to_string()),
            None => {
                use diesel::Connection;
                diesel::PgConnection::establish(DEFAULT_PG)
                    .ok()
                    .map(|_| DEFAULT_PG.to_string())
            }
        };
        Opts {
            time: Duration::from_secs_f64(secs.max(0.5)),
            threads: var("LOAD_CLIENT_THREADS")
                .and_then(|s| s.parse().ok())
                .unwrap_or(2),
            sqlite: backends.contains("sqlite"),
            postgres,
            postgres_wanted,
            only: var("LOAD_ONLY")
                .map(|s| s.split(',').map(|t| t.trim().to_string()).collect())
                .unwrap_or_default(),
            perf: var("LOAD_PERF").map(std::path::PathBuf::from),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Test {
    BookOne,
    BookMany,
    Schedule16,
    Schedule64,
    Print16,
    ScheduleConditional16,
    PrintConditional16,
    Pdf1,
    Raw1,
    Raw16,
}

impl Test {
    /// A name for files and for `LOAD_ONLY`.
    fn slug(self) -> &'static str {
        match self {
            Test::BookOne => "book-1",
            Test::BookMany => "book-16",
            Test::Schedule16 => "schedule-16",
            Test::Schedule64 => "schedule-64",
            Test::Print16 => "print-16",
            Test::ScheduleConditional16 => "schedule-etag-16",
            Test::PrintConditional16 => "print-etag-16",
            Test::Pdf1 => "pdf-1",
            Test::Raw1 => "raw-1",
            Test::Raw16 => "raw-16",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Test::BookOne => "study bookings created, 1 client",
            Test::BookMany => "study bookings created, 16 clients",
            Test::Schedule16 => "day schedule JSON (200 sittings), 16 connections",
            Test::Schedule64 => "day schedule JSON (200 sittings), 64 connections",
            Test::Print16 => "print view HTML, 16 connections",
            Test::ScheduleConditional16 => "day schedule JSON, If-None-Match, 16 connections",
            Test::PrintConditional16 => "print view HTML, If-None-Match, 16 connections",
            Test::Pdf1 => "print view PDF, 1 connection",
            Test::Raw1 => "raw commit rate, 1 writer",
            Test::Raw16 => "raw commit rate, 16 writers",
        }
    }
}

struct BackendReport {
    name: &'static str,
    processes: usize,
    results: Vec<(Test, Outcome)>,
    /// Conditional tests not run because the server sent no ETag.
    no_etag: Vec<Test>,
    idle_rss: Vec<u64>,
    peak_rss: Vec<u64>,
}

impl BackendReport {
    fn get(&self, t: Test) -> Option<&Outcome> {
        self.results.iter().find(|(x, _)| *x == t).map(|(_, o)| o)
    }
}

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

fn main() -> ExitCode {
    let opts = Opts::from_env();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let load_at_start = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    let mut backends = Vec::new();
    if opts.sqlite {
        backends.push(Backend::Sqlite);
    }
    match &opts.postgres {
        Some(_) => backends.push(Backend::Postgres),
        None if opts.postgres_wanted => {
            eprintln!("PostgreSQL: no server (set SKRIVSAL_BENCH_PG to a URL); skipped")
        }
        None => {}
    }
    for backend in backends {
        match run_backend(&rt, backend, &opts, target) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("error: {e}");
                failures.push(e);
            }
        }
    }
    let report = render(&reports, &opts, load_at_start.trim());
    println!("{report}");
    let path = target.parent().unwrap_or(target).join("load-report.md");
    match server::write_file(&path, &report) {
        Ok(()) => eprintln!("written to {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_backend(
    rt: &tokio::runtime::Runtime,
    backend: Backend,
    opts: &Opts,
    target: &std::path::Path,
) -> Result<BackendReport, String> {
    let dir = tempfile::Builder::new()
        .prefix("load-")
        .tempdir_in(target)
        .map_err(|e| format!("temp dir: {e}"))?;
    // Dropped after the servers (declared first, dropped last).
    let pg;
    let (name, processes, database_url, probe) = match backend {
        Backend::Sqlite => (
            "SQLite",
            1,
            format!("sqlite://{}", dir.path().join("skrivsal.db").display()),
            Probe::Sqlite(dir.path().join("commit-probe.db")),
        ),
        Backend::Postgres => {
            let base = opts.postgres.as_deref().unwrap_or(DEFAULT_PG);
            pg = PgDatabase::create(base)?;
            (
                "PostgreSQL",
                2,
                pg.url.clone(),
                Probe::Postgres(pg.url.clone()),
            )
        }
    };
    let mut results = Vec::new();
    if opts.wants(Test::Raw1) || opts.wants(Test::Raw16) {
        eprintln!("{name}: raw commit rate");
        probe.create()?;
        for (test, writers) in [(Test::Raw1, 1), (Test::Raw16, 16)] {
            results.push((test, probe.run(writers, opts.time)?));
        }
        probe.drop_table();
    }

    let setup = Setup {
        dir: dir.path().to_path_buf(),
        database_url,
    };
    setup.cli(&["migrate"])?;
    setup.cli(&[
        "user",
        "create",
        "--email",
        "root@lasthuset.se",
        "--role",
        "system_admin",
        "--name",
        "Root",
    ])?;
    let admin = setup
        .cli(&["token", "create", "--user", "root@lasthuset.se"])?
        .trim()
        .to_string();
    let mut servers: Vec<Server> = Vec::new();
    for n in 0..processes {
        // One after the other, so that only one of them migrates.
        servers.push(rt.block_on(Server::start(&setup, n))?);
    }
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = servers.iter().map(|s| s.memory("VmRSS")).collect();
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();

    eprintln!("{name}: seeding");
    let api = Api::new(&bases[0]);
    let world = Arc::new(
        rt.block_on(seed::seed(&api, &admin))
            .map_err(|e| with_logs(name, &servers, e))?,
    );

    let mut no_etag = Vec::new();
    let pids: Vec<u32> = servers.iter().map(Server::pid).collect();
    let run = |test: Test, conns: usize, requests: drive::Requests| {
        eprintln!("{name}: {}", test.label());
        let perf = opts.perf.as_ref().map(|dir| {
            let file = dir.join(format!("{}-{}.perf.data", name.to_lowercase(), test.slug()));
            server::Perf::record(&pids, &file)
        });
        let o = drive::run(&bases, conns, opts.threads, opts.time, requests);
        if let Some(p) = perf {
            p.and_then(server::Perf::stop)
                .unwrap_or_else(|e| eprintln!("perf: {e}"));
        }
        if o.server_errors() > 0 {
            eprintln!(
                "{name}: {} answered 5xx: {:?}",
                o.server_errors(),
                o.samples
            );
        }
        o
    };
    let day = world.exam_day;
    let schedule = format!("/api/v1/centres/{SLUG}/schedule?date={day}");
    let print = format!("/print/centres/{SLUG}/schedule?date={day}");
    let pdf = format!("/print/centres/{SLUG}/schedule.pdf?date={day}");
    let cpu = |s: &[Server]| s.iter().map(Server::cpu).sum::<Duration>();
    // Reads first: bookings leave mail in the outbox, which the worker
    // delivers while the next test runs.
    for (test, conns) in [
        (Test::Schedule16, 16),
        (Test::Schedule64, 64),
        (Test::Print16, 16),
        (Test::ScheduleConditional16, 16),
        (Test::PrintConditional16, 16),
        (Test::Pdf1, 1),
        (Test::BookOne, 1),
        (Test::BookMany, 16),
    ] {
        if !opts.wants(test) {
            continue;
        }
        rt.block_on(seed::settle(&api, &admin));
        let requests = match test {
            Test::BookOne | Test::BookMany => bookings(&world),
            Test::Schedule16 | Test::Schedule64 => gets(&world, &schedule, None),
            Test::Print16 => gets(&world, &print, None),
            Test::ScheduleConditional16 | Test::PrintConditional16 => {
                let path = if test == Test::PrintConditional16 {
                    &print
                } else {
                    &schedule
                };
                match rt.block_on(etag(&bases[0], &world.staff, path))? {
                    Some(tag) => gets(&world, path, Some(tag)),
                    None => {
                        no_etag.push(test);
                        continue;
                    }
                }
            }
            Test::Pdf1 => gets(&world, &pdf, None),
            Test::Raw1 | Test::Raw16 => continue,
        };
        let before = cpu(&servers);
        let mut o = run(test, conns, requests);
        o.server_cpu = Some(cpu(&servers).saturating_sub(before));
        results.push((test, o));
    }
    let peak_rss = servers.iter().map(|s| s.memory("VmHWM")).collect();
    if let Some(i) = servers.iter_mut().position(|s| !s.alive()) {
        let e = format!("server {i} died during the run");
        return Err(with_logs(name, &servers, e));
    }
    drop(servers);
    Ok(BackendReport {
        name,
        processes,
        results,
        no_etag,
        idle_rss,
        peak_rss,
    })
}

/// `e` with the end of every server's log.
fn with_logs(name: &str, servers: &[Server], e: String) -> String {
    let logs: Vec<String> = servers
        .iter()
        .enumerate()
        .map(|(i, s)| format!("--- server {i} stderr (end) ---\n{}", s.log()))
        .collect();
    format!("{name}: {e}\n{}", logs.join("\n"))
}

/// Study bookings, each on a distinct (student, day, hour).
fn bookings(world: &Arc<World>) -> drive::Requests {
    let world = world.clone();
    Arc::new(move |_| {
        let (student, body) = world.next_booking()?;
        Some(Request {
            method: reqwest::Method::POST,
            path: "/api/v1/study-bookings".into(),
            token: world.students[student].clone(),
            if_none_match: None,
            body: Some(body),
        })
    })
}

/// The centre admin reading `path`, conditionally if `tag` is given.
fn gets(world: &Arc<World>, path: &str, tag: Option<String>) -> drive::Requests {
    let (token, path) = (world.staff.clone(), path.to_string());
    Arc::new(move |_| {
        Some(Request {
            method: reqwest::Method::GET,
            path: path.clone(),
            token: token.clone(),
            if_none_match: tag.clone(),
            body: None,
        })
    })
}

/// The ETag the server sends for `path`, if any.
async fn etag(base: &str, token: &str, path: &str) -> Result<Option<String>, String> {
    let res = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .header("accept-language", "en")
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| format!("GET {path}: {e}"))?;
    if res.status() != 200 {
        return Err(format!("GET {path}: {}", res.status()));
    }
    Ok(res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string))
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

fn rate(o: &Outcome) -> String {
    let r = o.rate();
    if r >= 100.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// The summary cell of `row` for one backend.
fn cell(r: &BackendReport, row: usize) -> String {
    let get = |t| r.get(t);
    let conditional = |t: Test| match get(t) {
        Some(o) => {
            let share = 100.0 * o.not_modified as f64 / (o.ok + o.not_modified).max(1) as f64;
            format!("{} req/s ({share:.0} % 304)", rate(o))
        }
        None if r.no_etag.contains(&t) => "no ETag".into(),
        None => "–".into(),
    };
    let pct = |a: Test, b: Test| match (get(a), get(b)) {
        (Some(a), Some(b)) if b.rate() > 0.0 => format!("{:.1} %", 100.0 * a.rate() / b.rate()),
        _ => "–".into(),
    };
    let or_dash = |t: Test, f: &dyn Fn(&Outcome) -> String| get(t).map_or("–".into(), f);
    match row {
        0 => or_dash(Test::Schedule16, &|o| format!("{} req/s", rate(o))),
        1 => or_dash(Test::Schedule64, &|o| {
            format!("{} ({} req/s)", ms(o.latency(0.99)), rate(o))
        }),
        2 => or_dash(Test::Print16, &|o| format!("{} req/s", rate(o))),
        3 => conditional(Test::ScheduleConditional16),
        4 => conditional(Test::PrintConditional16),
        5 => or_dash(Test::Pdf1, &|o| {
            let cpu = o.cpu_each().map_or("?".into(), ms);
            format!("{} req/s ({cpu} CPU each)", rate(o))
        }),
        6 => format!(
            "{} / {} per s",
            or_dash(Test::BookOne, &rate),
            or_dash(Test::BookMany, &rate)
        ),
        7 => format!(
            "{} / {} per s",
            or_dash(Test::Raw1, &rate),
            or_dash(Test::Raw16, &rate)
        ),
        8 => format!(
            "{} / {}",
            pct(Test::BookOne, Test::Raw1),
            pct(Test::BookMany, Test::Raw16)
        ),
        9 => or_dash(Test::BookMany, &|o| {
            format!("{} / {}", ms(o.latency(0.99)), ms(o.latency(1.0)))
        }),
        10 => {
            let mib = |v: &[u64]| {
                v.iter()
                    .map(|b| format!("{:.0}", *b as f64 / MIB))
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            format!("{} MiB / {} MiB", mib(&r.idle_rss), mib(&r.peak_rss))
        }
        _ => {
            let bad: u64 = r.results.iter().map(|(_, o)| o.bad()).sum();
            let fives: u64 = r.results.iter().map(|(_, o)| o.server_errors()).sum();
            format!("{bad} ({fives} 5xx)")
        }
    }
}

const SUMMARY: [&str; 12] = [
    "day schedule of 200 sittings, JSON, 16 connections",
    "same, 64 connections: p99",
    "print view HTML, 16 connections",
    "day schedule JSON, conditional GET (If-None-Match), 16 connections",
    "print view HTML, conditional GET, 16 connections",
    "print view PDF, 1 connection",
    "study bookings created, 1 client / 16 clients",
    "raw commit rate at the same durability, 1 / 16 writers",
    "bookings as % of the raw commit rate, 1 / 16",
    "study bookings at 16 clients: p99 / slowest",
    "server RSS: idle after start / peak (VmHWM) after the run",
    "answers other than 2xx/304 over the run (of them 5xx)",
];

fn render(reports: &[BackendReport], opts: &Opts, load: &str) -> String {
    let mut s = String::new();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "skrivsal load, {} at {}, {} s per test, {} client threads, {} cores, load average at start {load}\n",
        chrono::Local::now().format("%Y-%m-%d %H:%M"),
        commit.trim(),
        opts.time.as_secs_f64(),
        opts.threads,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let _ = write!(s, "| test |");
    for r in reports {
        let _ = write!(
            s,
            " {} ({} server process{}) |",
            r.name,
            r.processes,
            if r.processes == 1 { "" } else { "es" }
        );
    }
    let _ = write!(s, "\n|---|");
    for _ in reports {
        let _ = write!(s, "---|");
    }
    for (i, label) in SUMMARY.iter().enumerate() {
        let _ = write!(s, "\n| {label} |");
        for r in reports {
            let _ = write!(s, " {} |", cell(r, i));
        }
    }
    let _ = writeln!(
        s,
        "\n\n| backend | test | conns | answered 2xx/304 | per s | p50 | p99 | max | server CPU each | other answers |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|");
    for r in reports {
        for (t, o) in &r.results {
            let mut other: Vec<String> = o
                .failed
                .iter()
                .map(|(k, v)| format!("{v}× {k}"))
                .chain(o.errors.iter().map(|(k, v)| format!("{v}× {k}")))
                .collect();
            if other.is_empty() {
                other.push("none".into());
            }
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.name,
                t.label(),
                o.conns,
                o.ok + o.not_modified,
                rate(o),
                ms(o.latency(0.5)),
                ms(o.latency(0.99)),
                ms(o.latency(1.0)),
                o.cpu_each().map_or("–".into(), ms),
                other.join(", ")
            );
        }
    }
    for r in reports {
        for (t, o) in &r.results {
            if !o.refusals.is_empty() {
                let _ = writeln!(
                    s,
                    "\n{}, {}: refused (409) by rule: {:?}",
                    r.name,
                    t.label(),
                    o.refusals
                );
            }
            for sample in &o.samples {
                let _ = writeln!(s, "\n{}, {}: {sample}", r.name, t.label());
            }
        }
    }
    s
}
