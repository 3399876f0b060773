//! The optimising placement engine for a centre: rooms and starts for
//! sittings, and invigilators for the rooms, so that every rule of the
//! conflict checker holds.
//!
//! Pure: it reads a [`crate::conflicts::Snapshot`] (the same model the
//! checker judges) and a list of [`Task`]s, and returns a [`Plan`]. It never
//! trusts itself: the plan's batch of changes goes through
//! [`crate::conflicts::check`] before it is returned, and anything the checker
//! refuses is taken out and reported.
//!
//! What it minimises, in this order (see [`Cost`]): sittings left unplaced;
//! confirmed placements moved (none unless the run allows moves); invigilator
//! time; rooms opened (room-days with any sitting); unmet preferences (an
//! accessible room for those who asked, a fixed exam at its exact start).
//!
//! How: construction places the hardest sittings first (pinned, separate
//! room, computer, fewest candidate starts), each at the cheapest of its best
//! candidates by a quick estimate (time added to the room's occupied span),
//! judged exactly; then hill climbing with sideways steps relocates sittings
//! (to a random start, or alongside another sitting to share its invigilator)
//! and retries unplaced ones with one sitting ejected and re-placed.
//! Deterministic for a seed and an iteration budget; a time limit stops it
//! early with the best plan found.

mod engine;
pub mod generate;
mod staffing;
#[cfg(test)]
mod tests;

pub use engine::{
    candidate_starts, plan, staff, BusySpan, Cost, NewAssignment, Options, Placement, Plan,
    Problem, Progress, Task, Unplaced,
};
