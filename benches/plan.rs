//! Plan time and quality of the centre scheduler on generated workloads:
//! one centre for one week, and the 19 centres of the region for a term.
//! `cargo bench --bench plan` prints Markdown rows for docs/benchmarks.md;
//! `cargo bench --bench plan -- TEXT` runs only the rows whose label contains
//! TEXT (e.g. `"term, 0 steps per sitting, 1 thread"`, the one to profile).
//! Every plan is checked by the conflict checker before its numbers count.

use std::time::{Duration, Instant};

use skrivsal::conflicts;
use skrivsal::scheduler::generate::{generate, CentreWorkload, Spec};
use skrivsal::scheduler::{plan, Cost, Options, Plan, Problem};

fn solve(centre: &CentreWorkload, seed: u64, iterations: u64) -> (Plan, Duration) {
    let problem = Problem {
        snapshot: &centre.snapshot,
        tasks: centre.tasks.clone(),
        allow_moves: false,
        restaff: None,
        accessible_rooms: centre.accessible_rooms.clone(),
        within: None,
    };
    let options = Options {
        seed,
        time_limit: Duration::from_secs(600),
        max_iterations: iterations,
    };
    let started = Instant::now();
    let plan = plan(&problem, &options, &mut |_| {});
    let took = started.elapsed();
    let mut n = 0;
    let changes = plan.changes(|| {
        n += 1;
        format!("a{n}")
    });
    assert!(
        conflicts::check(&centre.snapshot, &changes).is_ok() && plan.corrections == 0,
        "{}: the checker refuses the plan",
        centre.name
    );
    (plan, took)
}

fn add(a: Cost, b: Cost) -> Cost {
    Cost {
        unplaced: a.unplaced + b.unplaced,
        moves: a.moves + b.moves,
        invigilator_minutes: a.invigilator_minutes + b.invigilator_minutes,
        rooms_opened: a.rooms_opened + b.rooms_opened,
        unmet_preferences: a.unmet_preferences + b.unmet_preferences,
    }
}

/// Whether the row labelled `label` was asked for (every row without a filter).
fn wanted(label: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    filters.is_empty() || filters.iter().any(|f| label.contains(f.as_str()))
}

fn row(label: &str, sittings: usize, cost: Cost, took: Duration) {
    println!(
        "| {label} | {sittings} | {:.2} s | {} | {:.1} | {} | {} |",
        took.as_secs_f64(),
        cost.unplaced,
        cost.invigilator_minutes as f64 / 60.0,
        cost.rooms_opened,
        cost.unmet_preferences
    );
}

/// How often each rule blocks an unplaced sitting's best candidate.
fn reasons(plans: &[Plan]) -> String {
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for u in plans.iter().flat_map(|p| &p.unplaced) {
        for v in &u.violations {
            *count.entry(v.rule.code()).or_default() += 1;
        }
    }
    count
        .iter()
        .map(|(rule, n)| format!("{rule} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn region(
    workload: &[CentreWorkload],
    iterations_per_sitting: u64,
    threads: usize,
) -> (Cost, Duration, String) {
    let started = Instant::now();
    let chunks: Vec<&[CentreWorkload]> =
        workload.chunks(workload.len().div_ceil(threads)).collect();
    let plans: Vec<Plan> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|c| solve(c, 1, iterations_per_sitting * c.tasks.len() as u64).0)
                        .collect::<Vec<Plan>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let took = started.elapsed();
    let cost = plans.iter().map(|p| p.cost).fold(Cost::default(), add);
    (cost, took, reasons(&plans))
}

fn main() {
    // `cargo test` runs benches with --bench absent; keep that instant.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!("| workload | sittings | plan time | unplaced | invigilator hours | rooms opened | unmet preferences |");
    println!("|---|---|---|---|---|---|---|");
    let mut week_plans = Vec::new();
    for seed in 1..=5 {
        let week = generate(&Spec::week(seed));
        let centre = &week[0];
        let n = centre.tasks.len();
        let label = format!("1 centre × 1 week, seed {seed}, construction only");
        if wanted(&label) {
            let (built, t0) = solve(centre, seed, 0);
            row(&label, n, built.cost, t0);
        }
        let label = format!("1 centre × 1 week, seed {seed}, + {} steps", 200 * n);
        if wanted(&label) {
            let (best, t1) = solve(centre, seed, 200 * n as u64);
            row(&label, n, best.cost, t1);
            week_plans.push(best);
        }
    }
    println!();
    println!(
        "Rules blocking the unplaced sittings of the weeks: {}",
        reasons(&week_plans)
    );
    println!();
    let term = generate(&Spec::term(1));
    let n: usize = term.iter().map(|c| c.tasks.len()).sum();
    let mut why = Vec::new();
    for (steps, threads) in [(0u64, 1usize), (0, 2), (10, 2), (20, 2)] {
        let label = format!("19 centres × 1 term, {steps} steps per sitting, {threads} thread(s)");
        if !wanted(&label) {
            continue;
        }
        let (cost, took, reasons) = region(&term, steps, threads);
        row(&label, n, cost, took);
        why.push(format!("{steps} steps: {reasons}"));
    }
    println!();
    println!(
        "Rules blocking the unplaced sittings of the term: {}",
        why.join("; ")
    );
}
