//! Solver: conflict-directed construction to feasibility, then simulated annealing over
//! Kempe-chain period moves and room moves, with incremental delta evaluation.
//!
//! Determinism: the search consumes one seeded RNG stream and never looks at the clock to make a
//! decision, except (a) to stop at `time_limit`, and (b) when no `max_iterations` is given, to
//! drive the annealing temperature by elapsed time. With `max_iterations` set (and reached before
//! `time_limit`) the result is exactly reproducible for a given seed; with only a time limit the
//! same seed gives different results on machines (or runs) of different speed.

use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::model::{Assignment, Instance, PeriodConstraintKind, Solution};
use super::score::coincidence_groups;

mod anneal;
mod construct;
mod problem;
mod state;

use construct::Solver;
use problem::Problem;
use state::{Scratch, State};

const UNASSIGNED: usize = usize::MAX;

/// Construction's unit ordering: (open periods, Reverse(conflict weight), Reverse(size)).
type PickKey = (usize, std::cmp::Reverse<u64>, std::cmp::Reverse<u32>);

#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock budget for the whole run (construction + improvement).
    pub time_limit: Duration,
    pub seed: u64,
    /// Number of annealing iterations. When set, the temperature schedule follows the iteration
    /// count instead of the clock, which makes runs reproducible (see the module docs).
    pub max_iterations: Option<u64>,
    /// Minimum interval between two progress reports.
    pub progress_interval: Duration,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(60),
            seed: 0,
            max_iterations: None,
            progress_interval: Duration::from_millis(500),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Construction,
    Annealing,
    Done,
}

#[derive(Debug, Clone)]
pub struct Progress {
    pub phase: Phase,
    pub elapsed: Duration,
    pub iterations: u64,
    /// Exams not yet placed by the construction phase.
    pub unassigned_exams: usize,
    /// Best feasible soft penalty so far (`None` until feasible).
    pub best_penalty: Option<u64>,
    pub current_penalty: Option<u64>,
    pub temperature: f64,
}

#[derive(Debug, Clone)]
pub struct SolveResult {
    pub solution: Solution,
    /// `false` only if construction failed within the budget (or the instance is infeasible);
    /// the solution then still assigns every exam but violates hard constraints.
    pub feasible: bool,
    /// Soft penalty as tracked incrementally by the solver; equals `score::evaluate`'s soft
    /// total for feasible results. For infeasible results it is the solver's own proximity
    /// model and not comparable to the competition score.
    pub penalty: u64,
    pub time_to_feasible: Option<Duration>,
    pub iterations: u64,
    pub elapsed: Duration,
}

/// Solves without progress reports.
pub fn solve(instance: &Instance, options: SolveOptions) -> SolveResult {
    solve_with_progress(instance, options, None)
}

pub fn solve_with_progress(
    instance: &Instance,
    options: SolveOptions,
    progress: Option<&mut dyn FnMut(&Progress)>,
) -> SolveResult {
    let start = Instant::now();
    let problem = Problem::new(instance);
    let mut solver = Solver {
        state: State::new(&problem),
        scratch: Scratch::new(&problem),
        rng: SmallRng::seed_from_u64(options.seed),
        p: &problem,
        start,
        deadline: start + options.time_limit,
        options,
        progress,
        last_report: None,
        iterations: 0,
    };
    solver.run()
}
