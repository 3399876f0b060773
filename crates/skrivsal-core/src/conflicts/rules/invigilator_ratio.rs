//! `invigilator_ratio` (PRODUCT.md rule 6): a room with `n` examinees holds at least
//! `ceil(n / N)` (and at least one) distinct invigilators, `N` the centre's ratio.
//! No invigilator at all is [`super::invigilator_coverage`].

/// How many invigilators `examinees` need: one per `ratio` started, at least one.
/// A ratio of `0` is read as `1`, the strictest reading.
pub fn needed(examinees: usize, ratio: u32) -> usize {
    let ratio = usize::try_from(ratio.max(1)).unwrap_or(usize::MAX);
    examinees.div_ceil(ratio).max(1)
}

/// [`needed`] on signed counts; `0` for no examinees.
pub fn needed_i64(examinees: i64, ratio: u32) -> i64 {
    if examinees <= 0 {
        return 0;
    }
    let n = usize::try_from(examinees).unwrap_or(usize::MAX);
    i64::try_from(needed(n, ratio)).unwrap_or(i64::MAX)
}

/// Broken at an instant with `examinees` and `invigilators` (≥ 1; none at all is the
/// coverage rule).
pub fn broken(examinees: i64, invigilators: i64, ratio: u32) -> bool {
    examinees > 0 && invigilators > 0 && needed_i64(examinees, ratio) > invigilators
}

pub fn message(
    room_name: &str,
    examinees: i64,
    invigilators: i64,
    ratio: u32,
    when: &str,
) -> String {
    format!(
        "Room '{room_name}' has {examinees} examinees but only {invigilators} invigilator(s) \
         from {when}; the centre requires one invigilator per {} examinees.",
        ratio.max(1)
    )
}

/// Told to an assignment whose removal (or move) leaves the room short.
pub fn without_message(assignment_id: &str, message: &str) -> String {
    format!("Without assignment {assignment_id}: {message}")
}
