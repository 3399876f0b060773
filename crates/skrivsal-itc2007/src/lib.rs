//! ITC 2007 examination timetabling (Track 1): instance/solution parser, independent scorer and
//! a local-search solver. Pure library code: no I/O beyond the `from_file` helpers.

pub mod model;
pub mod score;
pub mod solve;

pub use model::{
    parse_instance, parse_solution, parse_solution_noting, Assignment, Exam, FrontLoad, Instance,
    ParseError, Period, PeriodConstraint, PeriodConstraintKind, Room, SkippedLine, Solution,
    Weightings,
};
pub use score::{evaluate, HardViolations, Score, SoftPenalties};
pub use solve::{solve, solve_with_progress, Phase, Progress, SolveOptions, SolveResult};

#[cfg(test)]
mod tests;
