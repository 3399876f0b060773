//! Plan time and quality of the centre scheduler on generated workloads:
//! one centre for one week, and the 19 centres of the region for a term.
//! `cargo bench --bench plan` prints Markdown rows for docs/benchmarks.md.
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

fn region(
    workload: &[CentreWorkload],
    iterations_per_sitting: u64,
    threads: usize,
) -> (Cost, Duration) {
    let started = Instant::now();
    let chunks: Vec<&[CentreWorkload]> =
        workload.chunks(workload.len().div_ceil(threads)).collect();
    let costs: Vec<Cost> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|c| {
                            solve(c, 1, iterations_per_sitting * c.tasks.len() as u64)
                                .0
                                .cost
                        })
                        .fold(Cost::default(), add)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    (
        costs.into_iter().fold(Cost::default(), add),
        started.elapsed(),
    )
}

fn main() {
    // `cargo test` runs benches with --bench absent; keep that instant.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!("| workload | sittings | plan time | unplaced | invigilator hours | rooms opened | unmet preferences |");
    println!("|---|---|---|---|---|---|---|");
    for seed in 1..=5 {
        let week = generate(&Spec::week(seed));
        let centre = &week[0];
        let n = centre.tasks.len();
        let (built, t0) = solve(centre, seed, 0);
        row(
            &format!("1 centre × 1 week, seed {seed}, construction only"),
            n,
            built.cost,
            t0,
        );
        let (best, t1) = solve(centre, seed, 200 * n as u64);
        row(
            &format!("1 centre × 1 week, seed {seed}, + {} steps", 200 * n),
            n,
            best.cost,
            t1,
        );
    }
    let term = generate(&Spec::term(1));
    let n: usize = term.iter().map(|c| c.tasks.len()).sum();
    for (steps, threads) in [(0u64, 1usize), (20, 1), (20, 2)] {
        let (cost, took) = region(&term, steps, threads);
        row(
            &format!("19 centres × 1 term, {steps} steps per sitting, {threads} thread(s)"),
            n,
            cost,
            took,
        );
    }
}
