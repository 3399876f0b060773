//! Rendered day documents (the schedule's JSON, the print views' HTML and
//! PDF), kept so that a busy day's document is built once per change rather
//! than once per request.
//!
//! The key holds everything the bytes depend on: the centre, the date, the
//! centre's `data_version` (which every write to the centre moves, see
//! `centres::versions`), what is rendered and how (document, language,
//! format), who may see it, and the print time where the document shows one.
//! What a document shows that does not move the centre's counter keeps it
//! out of the cache instead: the attendance sheet, whose students' names and
//! protected identities live on their accounts (see `print::Document::cacheable`).
//!
//! Authorisation runs before the cache on every request; a key is only
//! built from what an authorised load read. The cache lives in the app's
//! state, one per server, never in a global: tests run many servers in one
//! process, and a second process on the same database keeps its own, the
//! counters keeping them both right.
//!
//! A strong ETag is the key's digest, so a conditional request is answered
//! from the counters alone, without loading or rendering the day.

use std::fmt::Write as _;

use bytes::Bytes;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::documents::print::Document;
use crate::domain::Language;
use crate::types::CentreId;

/// What is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `GET /api/v1/centres/{c}/schedule`.
    ScheduleJson,
    /// A print view.
    Print {
        document: Document,
        lang: Language,
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Html,
    Pdf,
}

/// Whose view of the day it is. Every caller allowed to read a centre's
/// staff data or print its documents sees the same fields today (the
/// documents name people by `policy::Shown::Document`/`AttendanceSheet`,
/// which do not depend on the viewer); a view that came to depend on the
/// viewer would need its own variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    CentreStaff,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub centre: CentreId,
    pub date: NaiveDate,
    pub data_version: i64,
    pub kind: Kind,
    pub audience: Audience,
    /// The print time as the document shows it (to the minute), for the
    /// documents that show one.
    pub printed_at: Option<String>,
}

impl Key {
    /// A strong ETag for the bytes under this key. The package version is in
    /// it so that a new release, which may render the same data differently,
    /// never answers 304 to what an older one sent.
    pub fn etag(&self) -> String {
        let mut text = String::new();
        let _ = write!(
            text,
            "{}|{}|{}|{}|{:?}|{:?}|{}",
            env!("CARGO_PKG_VERSION"),
            self.centre,
            self.date,
            self.data_version,
            self.kind,
            self.audience,
            self.printed_at.as_deref().unwrap_or("")
        );
        let digest = Sha256::digest(text.as_bytes());
        let mut tag = String::with_capacity(34);
        tag.push('"');
        for b in &digest[..16] {
            let _ = write!(tag, "{b:02x}");
        }
        tag.push('"');
        tag
    }
}

/// Whether an `If-None-Match` header value names `etag` (a list, `*`, or a
/// weak form of it: RFC 9110 compares weakly for `If-None-Match`).
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// A document as it is answered: its bytes and, when they are cached, its
/// tag.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: Option<String>,
}

impl Rendered {
    /// Bytes of a document that is never cached, so has no tag.
    pub fn uncached(body: Vec<u8>) -> Rendered {
        Rendered {
            body: Bytes::from(body),
            etag: None,
        }
    }
}

/// The largest total size of the documents kept; a 200-row day's PDF is
/// about 50 kB and its HTML about 80 kB, so this keeps hundreds of days.
const CAPACITY_BYTES: u64 = 32 * 1024 * 1024;
/// What each entry counts for besides its bytes (the key, the tag, the
/// table's slot), which also bounds the number of entries.
const ENTRY_OVERHEAD: u64 = 1024;
/// The most entries: all of them at their smallest fill the byte budget.
pub const MAX_ENTRIES: u64 = CAPACITY_BYTES / ENTRY_OVERHEAD;

#[derive(Debug, Clone, Copy)]
struct Weight;

impl quick_cache::Weighter<Key, Rendered> for Weight {
    fn weight(&self, key: &Key, value: &Rendered) -> u64 {
        ENTRY_OVERHEAD
            + key.centre.as_str().len() as u64
            + value.body.len() as u64
            + value.etag.as_ref().map_or(0, |t| t.len() as u64)
    }
}

/// The cache of one server.
pub struct DayCache {
    entries: quick_cache::sync::Cache<Key, Rendered, Weight>,
}

impl Default for DayCache {
    fn default() -> Self {
        DayCache::with_capacity(CAPACITY_BYTES)
    }
}

impl std::fmt::Debug for DayCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DayCache")
            .field("entries", &self.entries.len())
            .field("bytes", &self.entries.weight())
            .finish()
    }
}

/// What a cached read answers.
#[derive(Debug)]
pub enum Answer {
    /// The caller holds these bytes already (`If-None-Match` named the tag).
    NotModified {
        etag: String,
    },
    Document(Rendered),
}

impl DayCache {
    pub fn with_capacity(bytes: u64) -> DayCache {
        // S3-FIFO in sharded tables; the estimate only sizes the tables.
        let estimated = (bytes / (64 * 1024)).max(16) as usize;
        DayCache {
            entries: quick_cache::sync::Cache::with_weighter(estimated, bytes, Weight),
        }
    }

    /// 304 when the caller holds the key's tag, else the cached bytes, else
    /// nothing: the caller renders and [`store`](Self::store)s.
    pub fn lookup(&self, key: &Key, if_none_match: Option<&str>) -> Option<Answer> {
        let etag = key.etag();
        if if_none_match.is_some_and(|h| matches(h, &etag)) {
            return Some(Answer::NotModified { etag });
        }
        self.entries.get(key).map(Answer::Document)
    }

    /// Keeps `body` under `key` for the next caller. Two callers missing at
    /// once both render and store; the second replaces the first's equal
    /// bytes.
    pub fn store(&self, key: Key, body: Vec<u8>) -> Rendered {
        let rendered = Rendered {
            body: Bytes::from(body),
            etag: Some(key.etag()),
        };
        self.entries.insert(key, rendered.clone());
        rendered
    }

    /// [`lookup`](Self::lookup), else `render` and [`store`](Self::store).
    pub fn answer<E>(
        &self,
        key: Key,
        if_none_match: Option<&str>,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Answer, E> {
        if let Some(answer) = self.lookup(&key, if_none_match) {
            return Ok(answer);
        }
        Ok(Answer::Document(self.store(key, render()?)))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes the entries count for, overheads included.
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(version: i64) -> Key {
        Key {
            centre: CentreId::from("c1".to_string()),
            date: NaiveDate::from_ymd_opt(2026, 10, 23).unwrap_or_default(),
            data_version: version,
            kind: Kind::ScheduleJson,
            audience: Audience::CentreStaff,
            printed_at: None,
        }
    }

    #[test]
    fn a_new_version_is_a_new_tag_and_a_new_render() {
        let cache = DayCache::default();
        let mut renders = 0;
        let mut get = |v: i64, inm: Option<&str>| {
            cache
                .answer::<()>(key(v), inm, || {
                    renders += 1;
                    Ok(format!("v{v}").into_bytes())
                })
                .unwrap()
        };
        let Answer::Document(first) = get(1, None) else {
            panic!("a document")
        };
        assert!(matches!(get(1, None), Answer::Document(d) if d.body == first.body));
        let tag = first.etag.clone().unwrap_or_default();
        assert!(matches!(get(1, Some(&tag)), Answer::NotModified { .. }));
        let Answer::Document(second) = get(2, Some(&tag)) else {
            panic!("a changed day is sent again")
        };
        assert_ne!(second.etag, first.etag);
        assert!(second.etag.is_some());
        assert_eq!(&second.body[..], b"v2");
        assert_eq!(renders, 2);
    }

    #[test]
    fn if_none_match_lists_and_weak_forms() {
        let tag = "\"abc\"";
        assert!(matches("\"x\", \"abc\"", tag));
        assert!(matches("W/\"abc\"", tag));
        assert!(matches("*", tag));
        assert!(!matches("\"abcd\"", tag));
        assert!(!matches("", tag));
    }

    #[test]
    fn the_cache_stays_within_its_bytes() {
        let cache = DayCache::with_capacity(1024 * 1024);
        for v in 0..200 {
            let _ = cache.answer::<()>(key(v), None, || Ok(vec![0u8; 50_000]));
        }
        assert!(cache.weight() <= 1024 * 1024, "{cache:?}");
        assert!(cache.len() < 30, "{cache:?}");
        assert!(!cache.is_empty());
    }
}
