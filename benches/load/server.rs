//! The release server as a child process, its command line, and what
//! `/proc` says about it.

use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_skrivsal");
const START_TIMEOUT: Duration = Duration::from_secs(60);
const CLI_TIMEOUT: Duration = Duration::from_secs(120);

/// Where one backend's run keeps its files, and the database every process
/// of it shares.
pub struct Setup {
    pub dir: PathBuf,
    pub database_url: String,
}

impl Setup {
    /// The service with its built-in defaults only: no `config/local.toml`
    /// (the working directory is the run's own folder), no `SKRIVSAL__*` or
    /// `RUST_LOG` from the caller's shell. Mail goes to `.eml` files there.
    fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.database_url)
            .env("SKRIVSAL__MAIL__DIR", self.dir.join("mail"))
            .current_dir(&self.dir);
        cmd
    }

    /// Runs `skrivsal ARGS` to the end; its standard output, or why it failed.
    pub fn cli(&self, args: &[&str]) -> Result<String, String> {
        let out_path = self.dir.join(format!("cli-{}.out", args.join("-")));
        let err_path = out_path.with_extension("err");
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::null())
            .stdout(file(&out_path)?)
            .stderr(file(&err_path)?)
            .spawn()
            .map_err(|e| format!("cannot run {BIN}: {e}"))?;
        let status = wait_for(&mut child, CLI_TIMEOUT);
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        match status {
            Some(s) if s.success() => Ok(stdout),
            other => Err(format!(
                "`skrivsal {}` {}:\n{}",
                args.join(" "),
                other.map_or("did not finish in time".to_string(), |s| s.to_string()),
                std::fs::read_to_string(&err_path).unwrap_or_default()
            )),
        }
    }
}

fn file(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The exit status, or `None` (and the child killed) after `limit`.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// One `skrivsal serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    log: PathBuf,
}

impl Server {
    /// Starts `serve` on a free loopback port and waits until `/readyz`
    /// answers 200; a server that exits or never gets ready is an error
    /// carrying its log.
    pub async fn start(setup: &Setup, n: usize) -> Result<Server, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let log = setup.dir.join(format!("serve-{n}.log"));
        let child = setup
            .command()
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(file(&log)?)
            .stderr(file(&log.with_extension("err"))?)
            .spawn()
            .map_err(|e| format!("cannot start {BIN}: {e}"))?;
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| e.to_string())?;
        let until = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("server {n} exited ({status}):\n{}", server.log()));
            }
            let ready = client.get(format!("{}/readyz", server.base)).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return Ok(server);
            }
            if Instant::now() > until {
                return Err(format!(
                    "server {n} not ready after {START_TIMEOUT:?}:\n{}",
                    server.log()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The end of what the server wrote to standard error.
    pub fn log(&self) -> String {
        let text = std::fs::read_to_string(self.log.with_extension("err")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// User plus system CPU time the process has used.
    pub fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the parenthesised name; utime and stime are the 14th
        // and 15th of the whole line.
        let rest = stat.rsplit(')').next().unwrap_or("");
        let ticks: u64 = rest
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|f| f.parse::<u64>().ok())
            .sum();
        Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
    }

    /// A `/proc/<pid>/status` memory line (`VmRSS`, `VmHWM`), in bytes.
    pub fn memory(&self, key: &str) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sysconf(_SC_CLK_TCK)`, the unit of `/proc/<pid>/stat`'s times.
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
            .unwrap_or(100)
    })
}

/// A fresh PostgreSQL database on the server at `base` (any database URL
/// there), dropped with this value.
pub struct PgDatabase {
    base: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(base: &str) -> Result<PgDatabase, String> {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let name = format!(
            "skrivsal_load_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
        );
        let mut conn = diesel::PgConnection::establish(base).map_err(|e| format!("{base}: {e}"))?;
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| format!("CREATE DATABASE: {e}"))?;
        let mut url = url::Url::parse(base).map_err(|e| format!("{base}: {e}"))?;
        url.set_path(&name);
        Ok(PgDatabase {
            base: base.to_string(),
            name,
            url: url.to_string(),
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.base) {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// `perf record` of the server processes while a test runs (`LOAD_PERF`):
/// CPU-clock samples with DWARF call stacks, since a release build keeps no
/// frame pointers.
pub struct Perf(Child);

impl Perf {
    pub fn record(pids: &[u32], out: &Path) -> Result<Perf, String> {
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
        let child = Command::new("perf")
            .args([
                "record",
                "-e",
                "cpu-clock",
                "-F",
                "499",
                "--call-graph",
                "dwarf,32768",
                "-o",
            ])
            .arg(out)
            .args(["-p", &pids.join(",")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run perf: {e}"))?;
        // perf needs a moment to attach before the load starts.
        std::thread::sleep(Duration::from_millis(300));
        Ok(Perf(child))
    }

    /// Ends the recording as Ctrl-C would, so that perf writes its file.
    pub fn stop(mut self) -> Result<(), String> {
        Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status()
            .map_err(|e| e.to_string())?;
        match wait_for(&mut self.0, Duration::from_secs(60)) {
            Some(_) => Ok(()),
            None => Err("perf did not stop".into()),
        }
    }
}

/// Writes `text` to `path`, creating its folder.
pub fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    File::create(path)?.write_all(text.as_bytes())
}
