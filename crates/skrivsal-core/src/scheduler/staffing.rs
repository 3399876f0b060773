//! Invigilators for one local day (PRODUCT.md rule 6): from what each room
//! holds over the day and when each invigilator is free, the assignments that
//! cover every room at the required ratio, or the room and instant where
//! nobody can be found.
//!
//! Times are seconds since the epoch. The shortfall of a room (examinees'
//! need minus the invigilators already there) is cut into layers: layer `j`
//! is the time during which the room is `j` or more invigilators short. Each
//! stretch of a layer needs one invigilator at every instant, relays allowed,
//! so it is covered greedily from its start by whoever can stay longest. This
//! spends exactly the shortfall's invigilator-time when it succeeds, which is
//! the least possible, and the checker's pointwise reading of rule 6 holds by
//! construction.

use crate::conflicts::rules::invigilator_ratio;

/// One examinee in a room during `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Presence {
    pub room: usize,
    pub start: i64,
    pub end: i64,
}

/// One invigilator in a room during `[start, end)`: an assignment kept from
/// before, or one this module proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Piece {
    pub invigilator: usize,
    pub room: usize,
    pub start: i64,
    pub end: i64,
}

/// Why a day cannot be staffed: `room` is short of an invigilator at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Short {
    pub room: usize,
    pub at: i64,
}

/// The invigilators of the centre: when each is available (sorted, disjoint
/// spans; empty for an inactive one).
pub(super) struct Staff<'a> {
    pub available: &'a [Vec<(i64, i64)>],
    pub ratio: u32,
    /// Assignments a re-plan dropped: among equally good choices the one who
    /// was there keeps the room, so the diff shows only real changes.
    pub previous: &'a [Piece],
}

/// Rule 6's ratio, as the checker judges it.
fn needed(examinees: i64, ratio: u32) -> i64 {
    invigilator_ratio::needed_i64(examinees, ratio)
}

/// Per room, the stretches `(start, end, short_by)` during which the room
/// needs more invigilators than `kept` puts there.
fn shortfall(
    rooms: usize,
    presence: &[Presence],
    kept: &[Piece],
    ratio: u32,
) -> Vec<Vec<(i64, i64, i64)>> {
    // Events per room: (time, examinee delta, invigilator delta). Kept pieces of
    // one invigilator in one room may overlap; merge them so nobody counts twice.
    let mut events: Vec<Vec<(i64, i64, i64)>> = vec![Vec::new(); rooms];
    for p in presence {
        if p.start < p.end && p.room < rooms {
            events[p.room].push((p.start, 1, 0));
            events[p.room].push((p.end, -1, 0));
        }
    }
    let mut by_inv_room: Vec<(usize, usize, i64, i64)> = kept
        .iter()
        .filter(|k| k.start < k.end && k.room < rooms)
        .map(|k| (k.room, k.invigilator, k.start, k.end))
        .collect();
    by_inv_room.sort_unstable();
    let mut merged: Vec<(usize, usize, i64, i64)> = Vec::new();
    for (room, inv, a, b) in by_inv_room {
        match merged.last_mut() {
            Some(m) if m.0 == room && m.1 == inv && a <= m.3 => m.3 = m.3.max(b),
            _ => merged.push((room, inv, a, b)),
        }
    }
    for (room, _, a, b) in merged {
        events[room].push((a, 0, 1));
        events[room].push((b, 0, -1));
    }
    events
        .into_iter()
        .map(|mut ev| {
            ev.sort_unstable();
            let mut out: Vec<(i64, i64, i64)> = Vec::new();
            let (mut n, mut c) = (0i64, 0i64);
            let mut i = 0;
            while i < ev.len() {
                let t = ev[i].0;
                while i < ev.len() && ev[i].0 == t {
                    n += ev[i].1;
                    c += ev[i].2;
                    i += 1;
                }
                let short = (needed(n, ratio) - c).max(0);
                let next = ev.get(i).map_or(t, |e| e.0);
                if short > 0 && next > t {
                    match out.last_mut() {
                        Some(last) if last.1 == t && last.2 == short => last.1 = next,
                        _ => out.push((t, next, short)),
                    }
                }
            }
            out
        })
        .collect()
}

/// The stretches each needing one more invigilator throughout: `(room, start, end)`,
/// sorted by start.
fn demands(short: &[Vec<(i64, i64, i64)>]) -> Vec<(usize, i64, i64)> {
    let mut out = Vec::new();
    for (room, segments) in short.iter().enumerate() {
        let top = segments.iter().map(|s| s.2).max().unwrap_or(0);
        for layer in 1..=top {
            let mut open: Option<(i64, i64)> = None;
            for &(a, b, k) in segments {
                if k >= layer {
                    open = match open {
                        Some((s, e)) if e == a => Some((s, b)),
                        Some((s, e)) => {
                            out.push((room, s, e));
                            Some((a, b))
                        }
                        None => Some((a, b)),
                    };
                }
            }
            if let Some((s, e)) = open {
                out.push((room, s, e));
            }
        }
    }
    out.sort_by_key(|d| (d.1, d.0, d.2));
    out
}

/// Staffs one day. `kept` are assignments that stay (they cover their room
/// and make their invigilator busy); `busy` are other times each invigilator
/// is taken. Returns the new pieces (adjacent pieces of one invigilator in one
/// room merged), or where it falls short.
pub(super) fn staff_day(
    rooms: usize,
    presence: &[Presence],
    kept: &[Piece],
    staff: &Staff<'_>,
) -> Result<Vec<Piece>, Short> {
    let short = shortfall(rooms, presence, kept, staff.ratio);
    let demands = demands(&short);
    if demands.is_empty() {
        return Ok(Vec::new());
    }
    let n = staff.available.len();
    // Everything each invigilator already does today, kept or new.
    let mut taken: Vec<Vec<(i64, i64)>> = vec![Vec::new(); n];
    for k in kept {
        if k.invigilator < n {
            taken[k.invigilator].push((k.start, k.end));
        }
    }
    let mut load = vec![0i64; n];
    let mut pieces: Vec<Piece> = Vec::new();
    for (room, a, b) in demands {
        let mut p = a;
        while p < b {
            let mut best: Option<(i64, bool, usize)> = None;
            for inv in 0..n {
                let Some(&(_, until)) =
                    staff.available[inv].iter().find(|&&(x, y)| x <= p && p < y)
                else {
                    continue;
                };
                if taken[inv].iter().any(|&(x, y)| x <= p && p < y) {
                    continue;
                }
                let next_taken = taken[inv]
                    .iter()
                    .filter(|&&(x, _)| x > p)
                    .map(|&(x, _)| x)
                    .min()
                    .unwrap_or(i64::MAX);
                let reach = b.min(until).min(next_taken);
                let stays = staff
                    .previous
                    .iter()
                    .any(|q| q.invigilator == inv && q.room == room && q.start <= p && p < q.end);
                let better = match best {
                    None => true,
                    Some((r, s, i)) => {
                        reach > r
                            || (reach == r && stays && !s)
                            || (reach == r && stays == s && load[inv] < load[i])
                    }
                };
                if better {
                    best = Some((reach, stays, inv));
                }
            }
            let Some((reach, _, inv)) = best else {
                return Err(Short { room, at: p });
            };
            taken[inv].push((p, reach));
            load[inv] += reach - p;
            pieces.push(Piece {
                invigilator: inv,
                room,
                start: p,
                end: reach,
            });
            p = reach;
        }
    }
    pieces.sort_by_key(|q| (q.invigilator, q.room, q.start));
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for q in pieces {
        match merged.last_mut() {
            Some(m) if m.invigilator == q.invigilator && m.room == q.room && m.end == q.start => {
                m.end = q.end
            }
            _ => merged.push(q),
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    fn at(room: usize, a: i64, b: i64) -> Presence {
        Presence {
            room,
            start: a * H,
            end: b * H,
        }
    }

    fn total(pieces: &[Piece]) -> i64 {
        pieces.iter().map(|p| p.end - p.start).sum()
    }

    #[test]
    fn one_block_one_invigilator() {
        let avail = vec![vec![(8 * H, 17 * H)], vec![(8 * H, 17 * H)]];
        let staff = Staff {
            available: &avail,
            ratio: 20,
            previous: &[],
        };
        let presence = [at(0, 9, 12), at(0, 10, 13)];
        let pieces = staff_day(1, &presence, &[], &staff).unwrap();
        assert_eq!(pieces.len(), 1);
        assert_eq!((pieces[0].start, pieces[0].end), (9 * H, 13 * H));
    }

    #[test]
    fn ratio_adds_a_second_layer_only_while_needed() {
        let avail = vec![vec![(8 * H, 17 * H)]; 3];
        let staff = Staff {
            available: &avail,
            ratio: 2,
            previous: &[],
        };
        // Three examinees 9-10, two 10-12: two invigilators 9-10, one after.
        let presence = [at(0, 9, 12), at(0, 9, 12), at(0, 9, 10)];
        let pieces = staff_day(1, &presence, &[], &staff).unwrap();
        assert_eq!(total(&pieces), 4 * H);
    }

    #[test]
    fn relays_cover_a_block_nobody_can_cover_alone() {
        let avail = vec![vec![(8 * H, 11 * H)], vec![(11 * H, 17 * H)]];
        let staff = Staff {
            available: &avail,
            ratio: 20,
            previous: &[],
        };
        let pieces = staff_day(1, &[at(0, 9, 13)], &[], &staff).unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(total(&pieces), 4 * H);
    }

    #[test]
    fn one_invigilator_cannot_be_in_two_rooms() {
        let avail = vec![vec![(8 * H, 17 * H)]];
        let staff = Staff {
            available: &avail,
            ratio: 20,
            previous: &[],
        };
        let err = staff_day(2, &[at(0, 9, 12), at(1, 10, 11)], &[], &staff).unwrap_err();
        assert_eq!(
            err,
            Short {
                room: 1,
                at: 10 * H
            }
        );
    }

    #[test]
    fn kept_assignments_count_and_are_not_repeated() {
        let avail = vec![vec![(8 * H, 17 * H)]; 2];
        let staff = Staff {
            available: &avail,
            ratio: 20,
            previous: &[],
        };
        let kept = [Piece {
            invigilator: 0,
            room: 0,
            start: 9 * H,
            end: 11 * H,
        }];
        let pieces = staff_day(1, &[at(0, 9, 12)], &kept, &staff).unwrap();
        // Only 11-12 is short; invigilator 0 may simply stay on.
        assert_eq!(total(&pieces), H);
        assert_eq!(pieces[0].start, 11 * H);
    }

    #[test]
    fn whoever_had_the_room_keeps_it() {
        let avail = vec![vec![(8 * H, 17 * H)]; 2];
        let previous = [Piece {
            invigilator: 1,
            room: 0,
            start: 9 * H,
            end: 12 * H,
        }];
        let staff = Staff {
            available: &avail,
            ratio: 20,
            previous: &previous,
        };
        let pieces = staff_day(1, &[at(0, 9, 12)], &[], &staff).unwrap();
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].invigilator, 1);
    }
}
