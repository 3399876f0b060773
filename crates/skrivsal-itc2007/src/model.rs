//! Plain data model of an ITC 2007 Track 1 instance and solution, plus their parsers.
//!
//! Everything is 0-based, in file order (see `FORMAT.md` of the benchmark data).

use std::fmt::{self, Write as _};
use std::path::Path;

use thiserror::Error;

/// Errors from reading an instance or a solution. Line numbers are 1-based.
#[derive(Debug, Error)]
pub enum ParseError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("{0}")]
    Structure(String),
    #[error("solution has {found} assignment lines, the instance has {expected} exams")]
    WrongLineCount { expected: usize, found: usize },
}

impl ParseError {
    fn line(line: usize, message: impl Into<String>) -> Self {
        ParseError::Line {
            line,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exam {
    /// Minutes.
    pub duration: u32,
    /// Student ids as listed on the exam's line.
    pub students: Vec<u32>,
}

impl Exam {
    /// Exam size as the competition defines it: the number of students on its line.
    pub fn size(&self) -> u32 {
        self.students.len() as u32
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `dd:mm:yyyy` as written in the file; only equality matters (it defines days).
    pub date: String,
    /// `hh:mm:ss` as written in the file.
    pub time: String,
    /// Minutes.
    pub duration: u32,
    pub penalty: u32,
    /// 0-based day index: increments whenever the date differs from the previous period's.
    pub day: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    pub capacity: u32,
    pub penalty: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodConstraintKind {
    /// `first AFTER second`: period(first) > period(second), strictly.
    After,
    /// Same period (rooms may differ).
    Coincidence,
    /// Different periods.
    Exclusion,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodConstraint {
    pub first: usize,
    pub kind: PeriodConstraintKind,
    pub second: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrontLoad {
    /// How many of the largest exams are concerned.
    pub largest_exams: usize,
    /// How many of the last periods are penalised.
    pub last_periods: usize,
    pub weight: u32,
}

/// `[InstitutionalWeightings]`; a missing line leaves its weight at 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Weightings {
    pub two_in_a_row: u32,
    pub two_in_a_day: u32,
    /// A gap length in periods, not a weight (the term has weight 1).
    pub period_spread: u32,
    pub non_mixed_durations: u32,
    pub front_load: FrontLoad,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub exams: Vec<Exam>,
    pub periods: Vec<Period>,
    pub rooms: Vec<Room>,
    /// Every constraint line as written, duplicates and self-references included, because the
    /// scorer counts one violation per violated line.
    pub period_constraints: Vec<PeriodConstraint>,
    /// Exams that must be alone in their room, de-duplicated, ascending.
    pub room_exclusive: Vec<usize>,
    pub weightings: Weightings,
    /// Max student id + 1.
    pub num_students: usize,
}

impl Instance {
    pub fn num_days(&self) -> usize {
        self.periods.last().map_or(0, |p| p.day + 1)
    }

    pub fn from_file(path: impl AsRef<Path>) -> Result<Instance, ParseError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ParseError::Io {
            path: path.display().to_string(),
            source,
        })?;
        parse_instance(&text)
    }

    /// The exams of each student that takes at least one, ascending and de-duplicated.
    /// Students are grouped by id without indexing by it, so sparse or huge ids cost nothing.
    pub fn exams_by_student(&self) -> Vec<Vec<usize>> {
        let mut pairs: Vec<(u32, usize)> = self
            .exams
            .iter()
            .enumerate()
            .flat_map(|(e, exam)| exam.students.iter().map(move |&s| (s, e)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut out: Vec<Vec<usize>> = Vec::new();
        let mut current = None;
        for (s, e) in pairs {
            if current != Some(s) {
                current = Some(s);
                out.push(Vec::new());
            }
            if let Some(list) = out.last_mut() {
                list.push(e);
            }
        }
        out
    }

    /// Exams in front-load order: size descending, ties by lower index (cpsolver's rule).
    pub fn exams_by_size_desc(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.exams.len()).collect();
        order.sort_by_key(|&e| (std::cmp::Reverse(self.exams[e].size()), e));
        order
    }

    /// `true` for the exams the FRONTLOAD term concerns.
    pub fn front_load_exams(&self) -> Vec<bool> {
        let mut flags = vec![false; self.exams.len()];
        let n = self.weightings.front_load.largest_exams;
        for e in self.exams_by_size_desc().into_iter().take(n) {
            flags[e] = true;
        }
        flags
    }

    /// First period index that the FRONTLOAD term penalises (clamped at 0).
    pub fn front_load_threshold(&self) -> usize {
        self.periods
            .len()
            .saturating_sub(self.weightings.front_load.last_periods)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Assignment {
    pub period: usize,
    pub room: usize,
}

/// One `(period, room)` per exam, in exam order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    pub assignments: Vec<Assignment>,
}

impl Solution {
    pub fn from_file(path: impl AsRef<Path>, instance: &Instance) -> Result<Solution, ParseError> {
        Self::from_file_noting(path, instance).map(|(solution, _)| solution)
    }

    /// [`Solution::from_file`], also returning the non-assignment lines it skipped.
    pub fn from_file_noting(
        path: impl AsRef<Path>,
        instance: &Instance,
    ) -> Result<(Solution, Vec<SkippedLine>), ParseError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ParseError::Io {
            path: path.display().to_string(),
            source,
        })?;
        parse_solution_noting(&text, instance)
    }

    /// Checks that there is one assignment per exam and every index is in range.
    pub fn validate(&self, instance: &Instance) -> Result<(), ParseError> {
        if self.assignments.len() != instance.exams.len() {
            return Err(ParseError::WrongLineCount {
                expected: instance.exams.len(),
                found: self.assignments.len(),
            });
        }
        for (e, a) in self.assignments.iter().enumerate() {
            check_assignment(instance, *a)
                .map_err(|m| ParseError::Structure(format!("exam {e}: {m}")))?;
        }
        Ok(())
    }

    /// The `.sln` text: `period, room` per line with CRLF, as the organisers' tools wrote it.
    pub fn to_sln_string(&self) -> String {
        let mut out = String::with_capacity(self.assignments.len() * 8);
        for a in &self.assignments {
            let _ = write!(out, "{}, {}\r\n", a.period, a.room);
        }
        out
    }
}

fn check_assignment(instance: &Instance, a: Assignment) -> Result<(), String> {
    if a.period >= instance.periods.len() {
        return Err(format!(
            "period {} out of range (instance has {} periods)",
            a.period,
            instance.periods.len()
        ));
    }
    if a.room >= instance.rooms.len() {
        return Err(format!(
            "room {} out of range (instance has {} rooms)",
            a.room,
            instance.rooms.len()
        ));
    }
    Ok(())
}

/// Parses a `.sln` file: exactly one `period, room` line per exam. Blank lines are ignored so
/// that CRLF/LF and a missing or extra final newline are all accepted.
pub fn parse_solution(text: &str, instance: &Instance) -> Result<Solution, ParseError> {
    parse_solution_noting(text, instance).map(|(solution, _)| solution)
}

/// A line of a solution file that is not an assignment and was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    pub line: usize,
    pub text: String,
}

impl fmt::Display for SkippedLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: not an assignment, skipped: {:?}",
            self.line, self.text
        )
    }
}

/// [`parse_solution`], also returning the lines it skipped. Published solution files often
/// carry text around the assignments (a header naming the instance and the solver, a footer
/// with the score); like the reference evaluators, a line with a letter in it is skipped rather
/// than refused. A line of numbers that is not a valid assignment (`3`, `-1, -1`, a period out of
/// range) is still an error: it is a broken assignment, not commentary.
pub fn parse_solution_noting(
    text: &str,
    instance: &Instance,
) -> Result<(Solution, Vec<SkippedLine>), ParseError> {
    let mut assignments = Vec::with_capacity(instance.exams.len());
    let mut skipped = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.chars().any(char::is_alphabetic) {
            skipped.push(SkippedLine {
                line: line_no,
                text: line.to_string(),
            });
            continue;
        }
        let fields = split_fields(line);
        if fields.len() != 2 {
            return Err(ParseError::line(
                line_no,
                format!("expected `period, room`, found {line:?}"),
            ));
        }
        let period = parse_num::<usize>(fields[0], line_no, "period")?;
        let room = parse_num::<usize>(fields[1], line_no, "room")?;
        let a = Assignment { period, room };
        check_assignment(instance, a).map_err(|m| ParseError::line(line_no, m))?;
        assignments.push(a);
    }
    if assignments.len() != instance.exams.len() {
        return Err(ParseError::WrongLineCount {
            expected: instance.exams.len(),
            found: assignments.len(),
        });
    }
    Ok((Solution { assignments }, skipped))
}

fn split_fields(line: &str) -> Vec<&str> {
    line.split(',').map(str::trim).collect()
}

fn parse_num<T: std::str::FromStr>(s: &str, line: usize, what: &str) -> Result<T, ParseError> {
    s.parse::<T>()
        .map_err(|_| ParseError::line(line, format!("invalid {what} {s:?}")))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Exams,
    Periods,
    Rooms,
    PeriodHard,
    RoomHard,
    Weightings,
    Unknown,
}

/// Parses an instance file (`exam_comp_setN.exam`).
///
/// Lines in unknown sections are ignored, as the organisers asked; a malformed line in a known
/// section is an error, because silently dropping e.g. a hard constraint would give wrong scores.
pub fn parse_instance(text: &str) -> Result<Instance, ParseError> {
    let mut section = Section::None;
    let mut declared: [Option<(usize, usize)>; 3] = [None; 3]; // (count, header line) for exams/periods/rooms
    let mut exams = Vec::new();
    let mut periods: Vec<Period> = Vec::new();
    let mut rooms = Vec::new();
    // (constraint, line) so that exam indices can be range-checked once all exams are known.
    let mut period_constraints: Vec<(PeriodConstraint, usize)> = Vec::new();
    let mut room_exclusive: Vec<(usize, usize)> = Vec::new();
    let mut weightings = Weightings::default();
    let mut max_student: Option<u32> = None;

    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            let inner = line
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .ok_or_else(|| {
                    ParseError::line(line_no, format!("malformed section header {line:?}"))
                })?;
            let (name, count) = match inner.split_once(':') {
                Some((n, c)) => {
                    let c = parse_num::<usize>(c.trim(), line_no, "section count")?;
                    (n.trim(), Some(c))
                }
                None => (inner.trim(), None),
            };
            section = match name {
                "Exams" => Section::Exams,
                "Periods" => Section::Periods,
                "Rooms" => Section::Rooms,
                "PeriodHardConstraints" => Section::PeriodHard,
                "RoomHardConstraints" => Section::RoomHard,
                "InstitutionalWeightings" => Section::Weightings,
                _ => Section::Unknown,
            };
            let slot = match section {
                Section::Exams => Some(0),
                Section::Periods => Some(1),
                Section::Rooms => Some(2),
                _ => None,
            };
            if let Some(slot) = slot {
                let count = count.ok_or_else(|| {
                    ParseError::line(
                        line_no,
                        format!("section [{name}] needs a count, e.g. [{name}:10]"),
                    )
                })?;
                if declared[slot].is_some() {
                    return Err(ParseError::line(
                        line_no,
                        format!("duplicate section [{name}]"),
                    ));
                }
                declared[slot] = Some((count, line_no));
            }
            continue;
        }
        let fields = split_fields(line);
        match section {
            Section::None => {
                return Err(ParseError::line(
                    line_no,
                    "data before the first section header",
                ));
            }
            Section::Unknown => {}
            Section::Exams => {
                let duration = parse_num::<u32>(fields[0], line_no, "exam duration")?;
                let mut students = Vec::with_capacity(fields.len().saturating_sub(1));
                for f in &fields[1..] {
                    // Tolerate a trailing comma.
                    if f.is_empty() {
                        continue;
                    }
                    let s = parse_num::<u32>(f, line_no, "student id")?;
                    max_student = Some(max_student.map_or(s, |m| m.max(s)));
                    students.push(s);
                }
                exams.push(Exam { duration, students });
            }
            Section::Periods => {
                if fields.len() != 4 {
                    return Err(ParseError::line(
                        line_no,
                        "expected `date, time, duration, penalty`",
                    ));
                }
                let date = fields[0].to_string();
                let time = fields[1].to_string();
                let duration = parse_num::<u32>(fields[2], line_no, "period duration")?;
                let penalty = parse_num::<u32>(fields[3], line_no, "period penalty")?;
                let day = match periods.last() {
                    None => 0,
                    Some(prev) if prev.date == date => prev.day,
                    Some(prev) => prev.day + 1,
                };
                periods.push(Period {
                    date,
                    time,
                    duration,
                    penalty,
                    day,
                });
            }
            Section::Rooms => {
                if fields.len() != 2 {
                    return Err(ParseError::line(line_no, "expected `capacity, penalty`"));
                }
                let capacity = parse_num::<u32>(fields[0], line_no, "room capacity")?;
                let penalty = parse_num::<u32>(fields[1], line_no, "room penalty")?;
                rooms.push(Room { capacity, penalty });
            }
            Section::PeriodHard => {
                if fields.len() != 3 {
                    return Err(ParseError::line(
                        line_no,
                        "expected `exam, AFTER|EXAM_COINCIDENCE|EXCLUSION, exam`",
                    ));
                }
                let first = parse_num::<usize>(fields[0], line_no, "exam index")?;
                let second = parse_num::<usize>(fields[2], line_no, "exam index")?;
                let kind = match fields[1] {
                    "AFTER" => PeriodConstraintKind::After,
                    "EXAM_COINCIDENCE" => PeriodConstraintKind::Coincidence,
                    "EXCLUSION" => PeriodConstraintKind::Exclusion,
                    other => {
                        return Err(ParseError::line(
                            line_no,
                            format!("unknown period constraint {other:?}"),
                        ))
                    }
                };
                period_constraints.push((
                    PeriodConstraint {
                        first,
                        kind,
                        second,
                    },
                    line_no,
                ));
            }
            Section::RoomHard => {
                if fields.len() != 2 || fields[1] != "ROOM_EXCLUSIVE" {
                    return Err(ParseError::line(line_no, "expected `exam, ROOM_EXCLUSIVE`"));
                }
                let e = parse_num::<usize>(fields[0], line_no, "exam index")?;
                room_exclusive.push((e, line_no));
            }
            Section::Weightings => {
                let values = &fields[1..];
                let need = |n: usize| -> Result<(), ParseError> {
                    if values.len() == n {
                        Ok(())
                    } else {
                        Err(ParseError::line(
                            line_no,
                            format!("{} expects {n} value(s), found {}", fields[0], values.len()),
                        ))
                    }
                };
                match fields[0] {
                    "TWOINAROW" => {
                        need(1)?;
                        weightings.two_in_a_row = parse_num(values[0], line_no, "weight")?;
                    }
                    "TWOINADAY" => {
                        need(1)?;
                        weightings.two_in_a_day = parse_num(values[0], line_no, "weight")?;
                    }
                    "PERIODSPREAD" => {
                        need(1)?;
                        weightings.period_spread = parse_num(values[0], line_no, "gap")?;
                    }
                    "NONMIXEDDURATIONS" => {
                        need(1)?;
                        weightings.non_mixed_durations = parse_num(values[0], line_no, "weight")?;
                    }
                    "FRONTLOAD" => {
                        need(3)?;
                        weightings.front_load = FrontLoad {
                            largest_exams: parse_num(values[0], line_no, "exam count")?,
                            last_periods: parse_num(values[1], line_no, "period count")?,
                            weight: parse_num(values[2], line_no, "weight")?,
                        };
                    }
                    // Unknown weightings are ignored, as the organisers asked for unknown lines.
                    _ => {}
                }
            }
        }
    }

    let names = ["Exams", "Periods", "Rooms"];
    let found = [exams.len(), periods.len(), rooms.len()];
    for i in 0..3 {
        match declared[i] {
            None => {
                return Err(ParseError::Structure(format!(
                    "missing section [{}:N]",
                    names[i]
                )))
            }
            Some((count, line)) if count != found[i] => {
                return Err(ParseError::line(
                    line,
                    format!(
                        "[{}:{count}] declares {count} entries but {} follow",
                        names[i], found[i]
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    let num_exams = exams.len();
    for (c, line) in &period_constraints {
        for e in [c.first, c.second] {
            if e >= num_exams {
                return Err(ParseError::line(
                    *line,
                    format!("exam {e} out of range (instance has {num_exams} exams)"),
                ));
            }
        }
    }
    for (e, line) in &room_exclusive {
        if *e >= num_exams {
            return Err(ParseError::line(
                *line,
                format!("exam {e} out of range (instance has {num_exams} exams)"),
            ));
        }
    }
    let mut room_exclusive: Vec<usize> = room_exclusive.into_iter().map(|(e, _)| e).collect();
    room_exclusive.sort_unstable();
    room_exclusive.dedup();

    Ok(Instance {
        exams,
        periods,
        rooms,
        period_constraints: period_constraints.into_iter().map(|(c, _)| c).collect(),
        room_exclusive,
        weightings,
        num_students: max_student.map_or(0, |m| m as usize + 1),
    })
}
