//! The command line as operators use it: the real binary, real processes.

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use skrivsal::db::Backend;

use crate::helpers::{fresh_database, skipped};

fn skrivsal(dir: &Path, database_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skrivsal"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env("DATABASE_URL", database_url)
        .env("SKRIVSAL__LOG__FILTER", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run skrivsal");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait for skrivsal")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn unsupported_scheme_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["serve"][..], &["migrate"][..]] {
        let out = skrivsal(dir.path(), "mysql://x", args, None);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(
            err.contains("database.url") && err.contains("`mysql`"),
            "{err}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files were created: {left:?}");
}

#[test]
fn bad_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skrivsal"));
    let out = cmd
        .arg("migrate")
        .current_dir(dir.path())
        .env("SKRIVSAL__SERVER__BIND", "not-an-address")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("server.bind"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unreachable_postgres_names_host_and_database_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on loopback: nothing listens there, so the refusal is immediate.
    let out = skrivsal(
        dir.path(),
        "postgres://skriv:hemligt@127.0.0.1:1/skrivsal_prod",
        &["migrate"],
        None,
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(err.contains("skrivsal_prod"), "{err}");
    assert!(!err.contains("hemligt"), "password leaked: {err}");
}

/// Migrate, create accounts and tokens, migrate again (nothing to do), then
/// serve and answer /readyz: the operator's path on a fresh install.
fn operator_path(backend: Backend) {
    let Some(guard) = fresh_database(backend) else {
        return skipped("cli::operator_path", backend);
    };
    let dir = tempfile::tempdir().unwrap();
    let url = guard.url.as_str();

    let first = skrivsal(dir.path(), url, &["migrate"], None);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("applied 6 migration"),
        "{}",
        text(&first.stdout)
    );

    let again = skrivsal(dir.path(), url, &["migrate"], None);
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains("up to date"),
        "{}",
        text(&again.stdout)
    );

    let created = skrivsal(
        dir.path(),
        url,
        &[
            "user",
            "create",
            "--email",
            "Ops@Example.se",
            "--role",
            "system_admin",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(!text(&created.stdout).contains("long enough"));

    let dup = skrivsal(
        dir.path(),
        url,
        &[
            "user",
            "create",
            "--email",
            "ops@example.se",
            "--role",
            "student",
        ],
        None,
    );
    assert!(!dup.status.success());
    assert!(
        text(&dup.stderr).contains("already exists"),
        "{}",
        text(&dup.stderr)
    );

    let no_centre = skrivsal(
        dir.path(),
        url,
        &[
            "user",
            "create",
            "--email",
            "ca@example.se",
            "--role",
            "centre_admin",
            "--centre",
            "nowhere",
        ],
        None,
    );
    assert!(!no_centre.status.success());
    assert!(
        text(&no_centre.stderr).contains("nowhere"),
        "{}",
        text(&no_centre.stderr)
    );

    let bad_role = skrivsal(
        dir.path(),
        url,
        &[
            "user",
            "create",
            "--email",
            "x@example.se",
            "--role",
            "king",
        ],
        None,
    );
    assert!(!bad_role.status.success());
    assert!(
        text(&bad_role.stderr).contains("--role"),
        "{}",
        text(&bad_role.stderr)
    );

    let short_pw = skrivsal(
        dir.path(),
        url,
        &[
            "user",
            "create",
            "--email",
            "y@example.se",
            "--role",
            "student",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!short_pw.status.success());
    assert!(
        text(&short_pw.stderr).contains("at least"),
        "{}",
        text(&short_pw.stderr)
    );

    let token = skrivsal(
        dir.path(),
        url,
        &[
            "token",
            "create",
            "--user",
            "ops@example.se",
            "--name",
            "ci",
        ],
        None,
    );
    assert!(token.status.success(), "{}", text(&token.stderr));
    let stdout = text(&token.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "token create prints only the token: {stdout:?}"
    );
    assert!(
        lines[0].starts_with("sks_") && lines[0].len() > 40,
        "{stdout}"
    );

    let unknown = skrivsal(
        dir.path(),
        url,
        &["token", "create", "--user", "ghost@example.se"],
        None,
    );
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("ghost@example.se"));

    // Serve on a free port and wait for /readyz.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_skrivsal"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env("DATABASE_URL", url)
        .env("SKRIVSAL__LOG__FILTER", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        match http_get(port, "/readyz") {
            Some(status) => break status,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            None => break 0,
        }
    };
    // SIGTERM: graceful shutdown, exit status 0.
    let pid = server.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let exit = server.wait().unwrap();
    assert_eq!(status, 200, "/readyz on {}", backend.name());
    assert!(exit.success(), "server exit after SIGTERM: {exit:?}");

    // The data survived the restart and nothing was migrated twice.
    let token2 = skrivsal(
        dir.path(),
        url,
        &["token", "create", "--user", "ops@example.se"],
        None,
    );
    assert!(token2.status.success());
    assert_ne!(text(&token2.stdout), stdout, "tokens are unique");
}

/// A minimal HTTP/1.0 GET returning the status code, None if not listening.
fn http_get(port: u16, path: &str) -> Option<u16> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn operator_path_sqlite() {
    operator_path(Backend::Sqlite);
}

#[test]
fn operator_path_postgres() {
    operator_path(Backend::Postgres);
}

/// The public ITC 2007 data (`ITC2007_DATA`, else `shared/data/itc2007` beside the
/// repository), if it is there.
fn itc_data() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("ITC2007_DATA").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/itc2007"),
        std::path::PathBuf::from,
    );
    dir.join("exam_comp_set1.exam").is_file().then_some(dir)
}

/// The small generated instance the ITC 2007 crate ships, always there.
fn itc_small() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/skrivsal-itc2007/tests/data/small.exam")
}

#[test]
fn itc2007_score_reproduces_a_published_solution() {
    let Some(data) = itc_data() else {
        eprintln!("skipped: the public ITC 2007 data is not present (set ITC2007_DATA)");
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_skrivsal"))
        .args(["itc2007", "score"])
        .arg(data.join("exam_comp_set1.exam"))
        .arg(data.join("solutions/cma-run1/set1.sln"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    // golden_scores.csv: cMA run 1, set 1: feasible, soft 6207.
    assert!(report.contains("Distance to feasibility: 0"), "{report}");
    assert!(report.contains("Soft penalty: 6207"), "{report}");
}

#[test]
fn itc2007_solve_writes_a_feasible_solution_the_scorer_agrees_with() {
    let instance = itc_small();
    let dir = tempfile::tempdir().unwrap();
    let sln = dir.path().join("small.sln");
    let out = Command::new(env!("CARGO_BIN_EXE_skrivsal"))
        .args(["itc2007", "solve"])
        .arg(&instance)
        .args([
            "--time-limit",
            "5",
            "--seed",
            "7",
            "--iterations",
            "20000",
            "-o",
        ])
        .arg(&sln)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Distance to feasibility: 0"));
    let rescored = Command::new(env!("CARGO_BIN_EXE_skrivsal"))
        .args(["itc2007", "score"])
        .arg(&instance)
        .arg(&sln)
        .output()
        .unwrap();
    assert_eq!(
        text(&rescored.stdout),
        text(&out.stdout),
        "the written file scores as reported"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_skrivsal"))
        .args(["itc2007", "score", "/no/such/file.exam", "/no/such.sln"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("/no/such/file.exam"));
}

/// Issue 13, finding 10: a solve that ends without a feasible timetable says
/// so and fails, however the time ran out. Two exams share a student and
/// there is one period: no timetable is feasible.
#[test]
fn itc2007_solve_without_a_feasible_solution_fails_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let instance = dir.path().join("clash.exam");
    std::fs::write(
        &instance,
        "[Exams:2]\r\n60, 1, 2\r\n60, 1\r\n[Periods:1]\r\n04:05:2026, 09:00:00, 180, 0\r\n\
         [Rooms:1]\r\n10, 0\r\n[PeriodHardConstraints]\r\n[RoomHardConstraints]\r\n\
         [InstitutionalWeightings]\r\nTWOINAROW, 7\r\nTWOINADAY, 5\r\nPERIODSPREAD, 3\r\n\
         NONMIXEDDURATIONS, 10\r\nFRONTLOAD, 1, 1, 5\r\n",
    )
    .unwrap();
    let sln = dir.path().join("clash.sln");
    let out = Command::new(env!("CARGO_BIN_EXE_skrivsal"))
        .args(["itc2007", "solve"])
        .arg(&instance)
        .args(["--time-limit", "1", "--iterations", "100", "-o"])
        .arg(&sln)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "an infeasible result exits 0: {stderr}"
    );
    assert!(stderr.contains("no feasible solution"), "{stderr}");
    assert!(!text(&out.stdout).contains("Distance to feasibility: 0"));
}

/// Issue 13, finding 10: published solution files carry text around the
/// assignment lines; the scorer skips those lines with a warning each and
/// scores the assignments as if the text were not there.
#[test]
fn itc2007_score_skips_text_lines_around_the_assignments() {
    let instance = itc_small();
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("bare.sln");
    let wrapped = dir.path().join("wrapped.sln");
    let body: String = (0..40)
        .map(|e| format!("{}, {}\r\n", e % 12, e % 3))
        .collect();
    std::fs::write(&bare, &body).unwrap();
    std::fs::write(
        &wrapped,
        format!("Solution to small.exam, by hand\r\n{body}Total penalty: see above\r\n"),
    )
    .unwrap();
    let score = |sln: &Path| {
        Command::new(env!("CARGO_BIN_EXE_skrivsal"))
            .args(["itc2007", "score"])
            .arg(&instance)
            .arg(sln)
            .output()
            .unwrap()
    };
    let (a, b) = (score(&bare), score(&wrapped));
    assert!(a.status.success(), "{}", text(&a.stderr));
    assert!(b.status.success(), "{}", text(&b.stderr));
    assert_eq!(text(&a.stdout), text(&b.stdout));
    let warnings = text(&b.stderr);
    assert_eq!(warnings.matches("warning:").count(), 2, "{warnings}");
    assert!(
        warnings.contains("line 1") && warnings.contains("line 42"),
        "{warnings}"
    );
    assert!(!text(&a.stderr).contains("warning:"));
}

#[test]
fn plan_from_the_command_line() {
    let Some(guard) = fresh_database(Backend::Sqlite) else {
        return skipped("cli::plan_from_the_command_line", Backend::Sqlite);
    };
    let dir = tempfile::tempdir().unwrap();
    let url = guard.url.as_str();
    let demo = skrivsal(dir.path(), url, &["demo"], None);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        today.to_string(),
        (today + chrono::Duration::days(30)).to_string(),
    );
    let args = |centre: &'static str, from: &str, to: &str| -> Vec<String> {
        [
            "plan",
            "--centre",
            centre,
            "--from",
            from,
            "--to",
            to,
            "--time-limit",
            "1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        skrivsal(dir.path(), url, &a, None)
    };
    let out = run(args("sundsvall", &from, &to));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("Plan for sundsvall {from} to {to} (dry run"))
            && stdout.contains("cost: 0 unplaced, 0 moved"),
        "{stdout}"
    );

    let bad = run(args("sundsvall", "2027-02-30", &to));
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("--from"),
        "{}",
        text(&bad.stderr)
    );
    let nowhere = run(args("nowhere", &from, &to));
    assert!(!nowhere.status.success());
    assert!(
        text(&nowhere.stderr).contains("no such centre"),
        "{}",
        text(&nowhere.stderr)
    );
}
