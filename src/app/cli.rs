//! The command line of API.md "Operating it".

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::accounts::users::{self as accounts, NewAccount};
use crate::app::config::Settings;
use crate::db::Database;
use crate::domain::{Email, Language, Role};
use crate::{app::demo, app::startup, app::telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "skrivsal",
    version,
    about = "Exam service and room booking for learning centres"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (applies pending migrations first).
    Serve {
        /// Address to listen on; overrides server.bind.
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo region if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo region into an empty database and exit.
    Demo,
    /// Run only the mail delivery worker (serve runs one too, unless
    /// mail.worker_in_serve is false).
    MailWorker {
        /// Deliver what is due now and exit instead of running on.
        #[arg(long)]
        once: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Re-plan a centre over a date range with the optimising scheduler:
    /// prints what would change; --apply writes it.
    Plan(PlanArgs),
    /// The ITC 2007 examination timetabling benchmark (Track 1).
    Itc2007 {
        #[command(subcommand)]
        command: ItcCommand,
    },
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The centre's slug.
    #[arg(long)]
    pub centre: String,
    /// First local date, YYYY-MM-DD.
    #[arg(long)]
    pub from: String,
    /// Last local date (inclusive), YYYY-MM-DD.
    #[arg(long)]
    pub to: String,
    /// Write the plan (default: only show it).
    #[arg(long)]
    pub apply: bool,
    /// Let confirmed sittings move and rebuild the range's invigilators.
    #[arg(long)]
    pub allow_moves: bool,
    /// Seconds the optimiser may search.
    #[arg(long, default_value_t = 10)]
    pub time_limit: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum ItcCommand {
    /// Score a solution: distance to feasibility, each hard count, each soft term, total.
    Score {
        instance: std::path::PathBuf,
        solution: std::path::PathBuf,
    },
    /// Solve an instance and write the solution in the official format.
    Solve {
        instance: std::path::PathBuf,
        /// Seconds to search.
        #[arg(long, default_value_t = 60)]
        time_limit: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after this many improvement steps: with it, a seed reproduces
        /// the same solution on any machine.
        #[arg(long)]
        iterations: Option<u64>,
        #[arg(short = 'o', long)]
        output: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Create(UserCreate),
}

#[derive(Debug, Args)]
pub struct UserCreate {
    #[arg(long)]
    pub email: String,
    /// system_admin, centre_admin, invigilator, institution or student.
    #[arg(long)]
    pub role: String,
    /// Centre (slug) a centre admin or invigilator belongs to; repeatable.
    #[arg(long = "centre")]
    pub centres: Vec<String>,
    /// Institution (slug) of an institution user.
    #[arg(long)]
    pub institution: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// sv or en.
    #[arg(long, default_value = "sv")]
    pub language: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token; prints only the token on standard output.
    Create {
        /// E-mail of the user the token acts as.
        #[arg(long)]
        user: String,
        /// A label to tell tokens apart.
        #[arg(long, default_value = "api")]
        name: String,
    },
}

/// Parses the command line and runs it; every failure is a message on
/// standard error and a non-zero exit, never a panic.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    match run(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let db = Database::open(&settings.database)?;
    let applied = db.migrate()?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), versions = ?applied, "applied migrations");
    }
    Ok(db)
}

fn itc2007(command: ItcCommand) -> anyhow::Result<()> {
    use crate::itc2007::{evaluate, solve_with_progress, Instance, Solution, SolveOptions};
    match command {
        ItcCommand::Score { instance, solution } => {
            let instance = Instance::from_file(&instance)
                .with_context(|| format!("reading {}", instance.display()))?;
            let path = solution;
            let (solution, skipped) = Solution::from_file_noting(&path, &instance)
                .with_context(|| format!("reading {}", path.display()))?;
            for line in skipped {
                eprintln!("warning: {}: {line}", path.display());
            }
            println!("{}", evaluate(&instance, &solution)?);
            Ok(())
        }
        ItcCommand::Solve {
            instance: path,
            time_limit,
            seed,
            iterations,
            output,
        } => {
            let instance = Instance::from_file(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let options = SolveOptions {
                time_limit: std::time::Duration::from_secs(time_limit),
                seed,
                max_iterations: iterations,
                ..SolveOptions::default()
            };
            let mut report = |p: &crate::itc2007::Progress| {
                eprintln!(
                    "{:>6.1}s  {:?}  unplaced {:>4}  best {}",
                    p.elapsed.as_secs_f64(),
                    p.phase,
                    p.unassigned_exams,
                    p.best_penalty.map_or("-".to_string(), |b| b.to_string())
                );
            };
            let result = solve_with_progress(&instance, options, Some(&mut report));
            std::fs::write(&output, result.solution.to_sln_string())
                .with_context(|| format!("writing {}", output.display()))?;
            // The independent scorer has the last word on what was written.
            let score = evaluate(&instance, &result.solution)?;
            println!("{score}");
            // An infeasible timetable is no answer to the problem: say so and
            // fail, so that a script never takes it for one. It is still
            // written, for inspection.
            if !score.is_feasible() {
                anyhow::bail!(
                    "no feasible solution found within {time_limit} s (distance to \
                     feasibility {}); {} breaks hard constraints: give the solver \
                     more --time-limit",
                    score.distance_to_feasibility(),
                    output.display()
                );
            }
            if score.soft_total() != result.penalty {
                anyhow::bail!(
                    "solver penalty {} differs from the scorer's {}",
                    result.penalty,
                    score.soft_total()
                );
            }
            Ok(())
        }
    }
}

fn run(command: Command, mut settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Itc2007 { command } => itc2007(command),
        Command::Plan(args) => {
            let db = open_database(&settings)?;
            plan(&db, &mail_host(&settings), args)
        }
        Command::Serve { bind, demo } => {
            if let Some(bind) = bind {
                let at = bind.parse().with_context(|| {
                    format!("--bind: `{bind}` is not an address like 127.0.0.1:8080")
                })?;
                settings.server.rebind(at);
            }
            let db = open_database(&settings)?;
            if demo {
                load_demo(&db)?;
            }
            serve(db, settings)
        }
        Command::Migrate => {
            let db = Database::open(&settings.database)?;
            let applied = db.migrate()?;
            if applied.is_empty() {
                println!("{}: up to date, no migration to apply", db.url());
            } else {
                println!(
                    "{}: applied {} migration(s): {}",
                    db.url(),
                    applied.len(),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::Demo => {
            let db = open_database(&settings)?;
            load_demo(&db)
        }
        Command::MailWorker { once } => {
            let db = open_database(&settings)?;
            let mailer = crate::mail::Mailer::from_settings(&settings.mail)?;
            let host = mail_host(&settings);
            if once {
                crate::mail::reminders::queue_due(&db, &host, settings.mail.reminder_hours)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let n = crate::mail::drain(&db, &mailer, &settings.mail)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("{n} message(s) attempted");
                return Ok(());
            }
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let flag = stop.clone();
            // SIGINT/SIGTERM end the loop after the current batch.
            actix_web::rt::System::new().block_on(async move {
                let worker = std::thread::spawn(move || {
                    crate::mail::run_worker(db, mailer, settings.mail, host, flag)
                });
                shutdown_signal().await;
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                let _ = worker.join();
            });
            Ok(())
        }
        Command::User {
            command: UserCommand::Create(args),
        } => {
            let db = open_database(&settings)?;
            let new = parse_user_create(args)?;
            let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
            let user = accounts::create_user(&mut conn, new, "cli")?;
            println!("created {} {} ({})", user.role, user.email, user.id);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { user, name },
        } => {
            let email = Email::parse(&user).map_err(|e| anyhow::anyhow!("--user: {e}"))?;
            let db = open_database(&settings)?;
            let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
            let issued = crate::accounts::tokens::create_token(&mut conn, &email, &name, "cli")?;
            // Only the token on stdout, so that scripts can capture it.
            println!("{}", issued.secret);
            Ok(())
        }
    }
}

fn parse_user_create(args: UserCreate) -> anyhow::Result<NewAccount> {
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role: Role = args
        .role
        .parse()
        .map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let language = match args.language.as_str() {
        "sv" => Language::Sv,
        "en" => Language::En,
        other => anyhow::bail!("--language: `{other}` is neither sv nor en"),
    };
    let password = if args.password_stdin {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprint!("password: ");
        }
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("--password-stdin: reading standard input")?;
        let pw = line.trim_end_matches(['\r', '\n']).to_string();
        if pw.is_empty() {
            anyhow::bail!("--password-stdin: standard input held no password");
        }
        Some(pw)
    } else {
        None
    };
    let name = args.name.unwrap_or_else(|| email.local_part().to_string());
    Ok(NewAccount {
        email,
        role,
        name,
        centres: args.centres,
        institution: args.institution,
        password,
        language,
    })
}

fn load_demo(db: &Database) -> anyhow::Result<()> {
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    match demo::load(&mut conn)? {
        Some(summary) => {
            println!("{summary}");
        }
        None => println!("the database already holds data; demo data not loaded"),
    }
    Ok(())
}

/// The host named in links and Message-IDs.
fn mail_host(settings: &Settings) -> String {
    settings
        .server
        .public_url
        .host_str()
        .unwrap_or("skrivsal.localhost")
        .to_string()
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {},
                    _ = tokio::signal::ctrl_c() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn serve(db: Database, settings: Settings) -> anyhow::Result<()> {
    let listener = TcpListener::bind(settings.server.bind)
        .with_context(|| format!("server.bind: cannot listen on {}", settings.server.bind))?;
    let local = listener.local_addr()?;
    let database = db.url().to_string();
    let settings = Arc::new(settings);
    let public = settings.server.public_url.clone();
    // The mail worker runs beside the server and stops with it.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let worker = if settings.mail.worker_in_serve {
        let mailer = crate::mail::Mailer::from_settings(&settings.mail)?;
        let (db, mail, host, flag) = (
            db.clone(),
            settings.mail.clone(),
            mail_host(&settings),
            stop.clone(),
        );
        Some(std::thread::spawn(move || {
            crate::mail::run_worker(db, mailer, mail, host, flag)
        }))
    } else {
        None
    };
    let stop_after = stop.clone();
    actix_web::rt::System::new().block_on(async move {
        let server = startup::run(listener, db, settings)?;
        println!("skrivsal is running with {database}");
        println!("open http://{local}/ in a browser (public URL: {public})");
        tracing::info!(%local, "listening");
        let result = server.await;
        stop_after.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    })?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(worker) = worker {
        let _ = worker.join();
    }
    tracing::info!("stopped");
    Ok(())
}

/// An API error as a command-line message: each field and rule, each conflict.
fn api_error(e: crate::error::Error) -> anyhow::Error {
    use crate::error::Error;
    match e {
        Error::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!(
                    "--{}: {} ({})",
                    f.field.replace('_', "-"),
                    f.message,
                    f.rule
                ))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Error::NotFound => anyhow::anyhow!("no such centre"),
        Error::Conflict { detail, conflicts } => anyhow::anyhow!(
            "{detail}{}",
            conflicts
                .iter()
                .map(|c| format!("\n  {}: {}", c.rule, c.message))
                .collect::<String>()
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

fn plan(db: &Database, host: &str, args: PlanArgs) -> anyhow::Result<()> {
    let input = crate::exams::replan::PlanInput {
        from: args.from,
        to: args.to,
        dry_run: !args.apply,
        allow_moves: args.allow_moves,
        seed: Some(args.seed),
        time_limit_ms: Some(args.time_limit.saturating_mul(1000)),
    };
    let limit_ms = args.time_limit.saturating_mul(1000).max(1);
    let bar = indicatif::ProgressBar::new(limit_ms);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} [{bar:30}] {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let mut on_progress = |p: &crate::scheduler::Progress| {
        bar.set_position((started.elapsed().as_millis() as u64).min(limit_ms));
        bar.set_message(format!(
            "{}: {} unplaced, {:.1} invigilator hours, {} rooms opened",
            p.phase,
            p.cost.unplaced,
            p.cost.invigilator_minutes as f64 / 60.0,
            p.cost.rooms_opened
        ));
    };
    let mut conn = db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let result = crate::exams::replan::run(
        &mut conn,
        crate::accounts::actor::Actor::Operator,
        host,
        &args.centre,
        &input,
        &mut on_progress,
    );
    bar.finish_and_clear();
    let out = result.map_err(api_error)?;
    let hm = |t: &chrono::DateTime<chrono::FixedOffset>| t.format("%Y-%m-%d %H:%M").to_string();
    println!(
        "Plan for {} {} to {}{}",
        args.centre,
        out.from,
        out.to,
        if out.dry_run {
            " (dry run: nothing written; --apply writes it)"
        } else {
            " (written)"
        }
    );
    for p in &out.placed {
        println!(
            "  placed    {}  {}  {} to {}",
            p.booking_code,
            p.at.room_name,
            hm(&p.at.starts_at),
            p.at.ends_at.format("%H:%M")
        );
    }
    for m in &out.moved {
        println!(
            "  moved     {}  {} {}  ->  {} {}",
            m.booking_code,
            m.from.room_name,
            hm(&m.from.starts_at),
            m.to.room_name,
            hm(&m.to.starts_at)
        );
    }
    for u in &out.unplaced {
        let why: Vec<String> = u
            .conflicts
            .iter()
            .map(|c| format!("{}: {}", c.rule, c.message))
            .collect();
        println!("  unplaced  {}  {}", u.booking_code, why.join("; "));
    }
    println!(
        "  invigilators: {} assignment(s) added, {} removed",
        out.assignments_added.len(),
        out.assignments_removed.len()
    );
    println!(
        "  cost: {} unplaced, {} moved, {:.1} invigilator hours, {} rooms opened, {} unmet preferences",
        out.cost.unplaced,
        out.cost.moves,
        out.cost.invigilator_minutes as f64 / 60.0,
        out.cost.rooms_opened,
        out.cost.unmet_preferences
    );
    Ok(())
}
