//! Half-open intervals `[start, end)` and normalised sets of them.
//!
//! Half-open so that back-to-back bookings (09:00–12:00 then 12:00–15:00) do not
//! overlap, and so that a day `[00:00, next 00:00)` tiles the timeline exactly.

use serde::Serialize;

/// A non-empty half-open interval `[start, end)`.
///
/// Non-emptiness is an invariant (hence the private fields): it lets every set
/// operation drop degenerate pieces in one place, `Interval::new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Interval<T> {
    start: T,
    end: T,
}

impl<T: Ord + Copy> Interval<T> {
    /// `None` when `end <= start`: empty or inverted ranges carry no time.
    pub fn new(start: T, end: T) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }

    pub fn start(&self) -> T {
        self.start
    }

    pub fn end(&self) -> T {
        self.end
    }

    pub fn contains(&self, point: T) -> bool {
        self.start <= point && point < self.end
    }

    /// Whether `other` lies entirely inside `self`.
    pub fn covers(&self, other: &Interval<T>) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two share at least one point (touching ends do not count).
    pub fn overlaps(&self, other: &Interval<T>) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn intersection(&self, other: &Interval<T>) -> Option<Interval<T>> {
        Interval::new(self.start.max(other.start), self.end.min(other.end))
    }
}

/// A set of points represented as sorted, pairwise disjoint, non-adjacent intervals.
///
/// Keeping the representation canonical means two sets are equal (`==`) exactly when
/// they contain the same points, and lookups can binary-search.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct IntervalSet<T> {
    items: Vec<Interval<T>>,
}

impl<T> Default for IntervalSet<T> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<T: Ord + Copy> IntervalSet<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_interval(interval: Interval<T>) -> Self {
        Self {
            items: vec![interval],
        }
    }

    /// Builds a set from intervals in any order, merging overlaps and adjacency.
    pub fn from_intervals<I: IntoIterator<Item = Interval<T>>>(intervals: I) -> Self {
        let mut items: Vec<Interval<T>> = intervals.into_iter().collect();
        items.sort_unstable();
        let mut merged: Vec<Interval<T>> = Vec::with_capacity(items.len());
        for iv in items {
            match merged.last_mut() {
                // `<=` merges adjacent intervals too, which keeps the form canonical.
                Some(last) if iv.start <= last.end => last.end = last.end.max(iv.end),
                _ => merged.push(iv),
            }
        }
        Self { items: merged }
    }

    pub fn insert(&mut self, interval: Interval<T>) {
        let items = std::mem::take(&mut self.items);
        *self = Self::from_intervals(items.into_iter().chain(std::iter::once(interval)));
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of maximal intervals (not points).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Interval<T>> {
        self.items.iter()
    }

    pub fn as_slice(&self) -> &[Interval<T>] {
        &self.items
    }

    pub fn into_vec(self) -> Vec<Interval<T>> {
        self.items
    }

    pub fn union(&self, other: &Self) -> Self {
        Self::from_intervals(self.items.iter().chain(other.items.iter()).copied())
    }

    pub fn intersection(&self, other: &Self) -> Self {
        let (a, b) = (&self.items, &other.items);
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < a.len() && j < b.len() {
            if let Some(iv) = a[i].intersection(&b[j]) {
                out.push(iv);
            }
            // Advance whichever ends first; it cannot meet anything further on.
            if a[i].end <= b[j].end {
                i += 1;
            } else {
                j += 1;
            }
        }
        // Pieces of disjoint, non-adjacent inputs are themselves disjoint and
        // non-adjacent, so `out` is already canonical.
        Self { items: out }
    }

    /// Points in `self` that are not in `other`.
    pub fn difference(&self, other: &Self) -> Self {
        let b = &other.items;
        let mut out = Vec::new();
        let mut j = 0;
        for a in &self.items {
            // Skip subtrahends that end before `a` starts; they cannot affect later `a`s.
            while j < b.len() && b[j].end <= a.start {
                j += 1;
            }
            let mut cursor = a.start;
            let mut k = j;
            while k < b.len() && b[k].start < a.end {
                if let Some(piece) = Interval::new(cursor, b[k].start) {
                    out.push(piece);
                }
                cursor = cursor.max(b[k].end);
                k += 1;
            }
            if let Some(piece) = Interval::new(cursor, a.end) {
                out.push(piece);
            }
        }
        Self { items: out }
    }

    /// Alias for [`IntervalSet::difference`], named as the calendar code reads it.
    pub fn subtract(&self, other: &Self) -> Self {
        self.difference(other)
    }

    /// The maximal interval containing `point`, if any.
    pub fn interval_containing(&self, point: T) -> Option<&Interval<T>> {
        let idx = self.items.partition_point(|iv| iv.end <= point);
        self.items.get(idx).filter(|iv| iv.start <= point)
    }

    pub fn contains(&self, point: T) -> bool {
        self.interval_containing(point).is_some()
    }

    /// Whether every point of `interval` is in the set. Because the set is canonical,
    /// that means one maximal interval must cover it.
    pub fn covers(&self, interval: &Interval<T>) -> bool {
        self.interval_containing(interval.start)
            .is_some_and(|iv| iv.covers(interval))
    }

    /// Whether the set shares any point with `interval`.
    pub fn overlaps(&self, interval: &Interval<T>) -> bool {
        let idx = self.items.partition_point(|iv| iv.end <= interval.start);
        self.items.get(idx).is_some_and(|iv| iv.overlaps(interval))
    }
}

impl<T: Ord + Copy> FromIterator<Interval<T>> for IntervalSet<T> {
    fn from_iter<I: IntoIterator<Item = Interval<T>>>(iter: I) -> Self {
        Self::from_intervals(iter)
    }
}

impl<T: Ord + Copy> From<Interval<T>> for IntervalSet<T> {
    fn from(interval: Interval<T>) -> Self {
        Self::from_interval(interval)
    }
}

impl<'a, T> IntoIterator for &'a IntervalSet<T> {
    type Item = &'a Interval<T>;
    type IntoIter = std::slice::Iter<'a, Interval<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> IntoIterator for IntervalSet<T> {
    type Item = Interval<T>;
    type IntoIter = std::vec::IntoIter<Interval<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use proptest::prelude::*;

    fn iv(a: i64, b: i64) -> Interval<i64> {
        Interval::new(a, b).unwrap()
    }

    fn set(pairs: &[(i64, i64)]) -> IntervalSet<i64> {
        pairs
            .iter()
            .filter_map(|&(a, b)| Interval::new(a, b))
            .collect()
    }

    fn pairs(s: &IntervalSet<i64>) -> Vec<(i64, i64)> {
        s.iter().map(|i| (i.start(), i.end())).collect()
    }

    fn is_normalised<T: Ord + Copy>(s: &IntervalSet<T>) -> bool {
        s.iter().all(|i| i.start() < i.end())
            && s.as_slice().windows(2).all(|w| w[0].end() < w[1].start())
    }

    #[test]
    fn interval_rejects_empty_and_inverted() {
        assert_eq!(Interval::new(3, 3), None);
        assert_eq!(Interval::new(4, 3), None);
        assert!(iv(1, 2).contains(1));
        assert!(!iv(1, 2).contains(2));
        assert!(!iv(1, 2).overlaps(&iv(2, 3)));
        assert_eq!(iv(1, 5).intersection(&iv(3, 9)), Some(iv(3, 5)));
        assert_eq!(iv(1, 2).intersection(&iv(2, 3)), None);
    }

    #[test]
    fn normalisation_merges_overlap_and_adjacency() {
        let s = set(&[(5, 7), (1, 3), (3, 4), (6, 10), (12, 13), (2, 2)]);
        assert_eq!(pairs(&s), [(1, 4), (5, 10), (12, 13)]);
        let mut s2 = s.clone();
        s2.insert(iv(4, 5));
        assert_eq!(pairs(&s2), [(1, 10), (12, 13)]);
    }

    #[test]
    fn algebra_examples() {
        let a = set(&[(0, 10), (20, 30)]);
        let b = set(&[(5, 25)]);
        assert_eq!(pairs(&a.union(&b)), [(0, 30)]);
        assert_eq!(pairs(&a.intersection(&b)), [(5, 10), (20, 25)]);
        assert_eq!(pairs(&a.difference(&b)), [(0, 5), (25, 30)]);
        assert_eq!(pairs(&b.subtract(&a)), [(10, 20)]);
        assert!(a.covers(&iv(21, 30)));
        assert!(!a.covers(&iv(9, 21)));
        assert!(!a.contains(10));
        assert!(a.contains(20));
        assert!(a.overlaps(&iv(9, 11)));
        assert!(!a.overlaps(&iv(10, 20)));
        assert!(IntervalSet::<i64>::new().is_empty());
    }

    #[test]
    fn works_with_naive_time() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let day: IntervalSet<_> = [Interval::new(t(8), t(17)).unwrap()].into_iter().collect();
        let lunch = IntervalSet::from(Interval::new(t(12), t(13)).unwrap());
        let open = day.difference(&lunch);
        assert_eq!(open.len(), 2);
        assert!(open.covers(&Interval::new(t(8), t(12)).unwrap()));
        assert!(!open.contains(t(12)));
    }

    fn arb_set() -> impl Strategy<Value = IntervalSet<i64>> {
        prop::collection::vec((0i64..100, 0i64..20), 0..8).prop_map(|v| {
            v.into_iter()
                .filter_map(|(s, len)| Interval::new(s, s + len))
                .collect()
        })
    }

    fn arb_interval() -> impl Strategy<Value = Interval<i64>> {
        (0i64..100, 1i64..30).prop_map(|(s, len)| iv(s, s + len))
    }

    // Endpoints are integers in [0, 120), so checking every integer point in a wider
    // range decides set equality exactly.
    const POINTS: std::ops::Range<i64> = -2..125;

    proptest! {
        #[test]
        fn membership_matches_boolean_algebra(a in arb_set(), b in arb_set()) {
            let (u, i, d) = (a.union(&b), a.intersection(&b), a.difference(&b));
            for p in POINTS {
                prop_assert_eq!(u.contains(p), a.contains(p) || b.contains(p));
                prop_assert_eq!(i.contains(p), a.contains(p) && b.contains(p));
                prop_assert_eq!(d.contains(p), a.contains(p) && !b.contains(p));
            }
        }

        #[test]
        fn results_are_normalised(a in arb_set(), b in arb_set()) {
            prop_assert!(is_normalised(&a));
            prop_assert!(is_normalised(&a.union(&b)));
            prop_assert!(is_normalised(&a.intersection(&b)));
            prop_assert!(is_normalised(&a.difference(&b)));
        }

        #[test]
        fn difference_and_intersection_laws(a in arb_set(), b in arb_set()) {
            prop_assert!(a.difference(&b).intersection(&b).is_empty());
            prop_assert_eq!(a.intersection(&b).union(&a.difference(&b)), a.clone());
            prop_assert_eq!(a.union(&b), b.union(&a));
            prop_assert_eq!(a.intersection(&b), b.intersection(&a));
            prop_assert_eq!(a.union(&a), a.clone());
            prop_assert_eq!(a.intersection(&a), a.clone());
            prop_assert!(a.difference(&a).is_empty());
        }

        #[test]
        fn associativity(a in arb_set(), b in arb_set(), c in arb_set()) {
            prop_assert_eq!(a.union(&b).union(&c), a.union(&b.union(&c)));
            prop_assert_eq!(a.intersection(&b).intersection(&c), a.intersection(&b.intersection(&c)));
            // A \ (B ∪ C) = (A \ B) \ C
            prop_assert_eq!(a.difference(&b.union(&c)), a.difference(&b).difference(&c));
        }

        #[test]
        fn covers_and_overlaps_match_pointwise(a in arb_set(), q in arb_interval()) {
            let all = (q.start()..q.end()).all(|p| a.contains(p));
            let any = (q.start()..q.end()).any(|p| a.contains(p));
            prop_assert_eq!(a.covers(&q), all);
            prop_assert_eq!(a.overlaps(&q), any);
        }

        #[test]
        fn insert_equals_union(a in arb_set(), q in arb_interval()) {
            let mut b = a.clone();
            b.insert(q);
            prop_assert_eq!(b, a.union(&IntervalSet::from(q)));
        }
    }
}
