//! Cursor pagination as API.md specifies: `?limit=&cursor=` in, `{items,
//! next_cursor}` out. Ids are UUIDv7, so ordering by id is ordering by
//! creation, and the cursor is simply the last id of the page: stable under
//! inserts, no offsets to drift.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::Error;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size, checked; 422 names `limit` when out of range.
    pub fn limit(&self) -> Result<i64, Error> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(Error::invalid(
                "limit",
                "range",
                format!("must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    /// The id to continue after; 422 names `cursor` when it is not one of ours.
    pub fn cursor(&self) -> Result<Option<String>, Error> {
        match &self.cursor {
            None => Ok(None),
            Some(c) if c.is_empty() => Ok(None),
            Some(c) => uuid::Uuid::parse_str(c)
                .map(|u| Some(u.to_string()))
                .map_err(|_| {
                    Error::invalid("cursor", "cursor", "not a cursor from a previous page")
                }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` were loaded with `limit + 1`: the extra row only says that there
    /// is a next page.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        id: impl Fn(&R) -> String,
        map: impl FnMut(R) -> T,
    ) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(&id) } else { None };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }

    /// Pages a small list loaded whole (a centre's rooms, a user's tokens):
    /// the same id order and cursor as the database-paged lists.
    pub fn of_all(
        mut items: Vec<T>,
        page: &PageQuery,
        id: impl Fn(&T) -> String,
    ) -> Result<Page<T>, Error> {
        let limit = page.limit()?;
        let cursor = page.cursor()?;
        items.sort_by_key(&id);
        let rest: Vec<T> = items
            .into_iter()
            .filter(|item| cursor.as_ref().is_none_or(|c| id(item) > *c))
            .take(limit as usize + 1)
            .collect();
        Ok(Page::from_rows(rest, limit, id, |x| x))
    }
}
