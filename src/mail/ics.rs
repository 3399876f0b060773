//! Calendar invites (RFC 5545) for sittings and study bookings.
//!
//! One UID per sitting or booking for its whole life, so a calendar updates
//! the same entry; SEQUENCE grows with every change; a cancellation is
//! METHOD:CANCEL with STATUS:CANCELLED. Times are in the centre's zone
//! (TZID) with its VTIMEZONE definition, as RFC 5545 requires for every TZID
//! used. The icalendar crate writes the calendar and event; it has no
//! VTIMEZONE builder, so the one zone Swedish centres use is defined here.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use serde::{Deserialize, Serialize};

/// The EU rules Europe/Stockholm has followed since 1996.
const STOCKHOLM_VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Stockholm\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\n\
DTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:CET\r\n\
DTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Request,
    Cancel,
}

pub struct Invite<'a> {
    /// Stable for the item's life: `sitting-<id>@<host>`.
    pub uid: String,
    pub sequence: u32,
    pub method: Method,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub tz: Tz,
    pub organizer: &'a str,
}

/// An invite's facts, owned, as the outbox keeps them (JSON) until the
/// worker renders the invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteFacts {
    pub uid: String,
    pub sequence: u32,
    pub method: Method,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub tz: Tz,
    pub organizer: String,
}

impl InviteFacts {
    pub fn invite(&self) -> Invite<'_> {
        Invite {
            uid: self.uid.clone(),
            sequence: self.sequence,
            method: self.method,
            summary: &self.summary,
            location: &self.location,
            description: &self.description,
            start: self.start,
            end: self.end,
            tz: self.tz,
            organizer: &self.organizer,
        }
    }
}

fn when(t: DateTime<Utc>, tz: Tz) -> CalendarDateTime {
    if tz == chrono_tz::Europe::Stockholm {
        CalendarDateTime::WithTimezone {
            date_time: t.with_timezone(&tz).naive_local(),
            tzid: tz.name().to_string(),
        }
    } else {
        // Without a VTIMEZONE of our own for other zones, UTC is the
        // correct and portable way to state the instant.
        CalendarDateTime::Utc(t)
    }
}

fn event(invite: &Invite<'_>) -> Event {
    let mut event = Event::new();
    event
        .uid(&invite.uid)
        .sequence(invite.sequence)
        .summary(invite.summary)
        .location(invite.location)
        .description(invite.description)
        .starts(when(invite.start, invite.tz))
        .ends(when(invite.end, invite.tz))
        .add_property("ORGANIZER", format!("mailto:{}", invite.organizer))
        .status(match invite.method {
            Method::Request => EventStatus::Confirmed,
            Method::Cancel => EventStatus::Cancelled,
        });
    event.done()
}

/// Adds the zone definition the events' TZIDs refer to.
fn with_zone(text: String, tz: Tz) -> String {
    if tz == chrono_tz::Europe::Stockholm {
        text.replacen(
            "BEGIN:VEVENT",
            &format!("{STOCKHOLM_VTIMEZONE}BEGIN:VEVENT"),
            1,
        )
    } else {
        text
    }
}

/// One invite, for an e-mail.
pub fn render(invite: &Invite<'_>) -> String {
    let mut calendar = Calendar::new();
    calendar
        .append_property((
            "METHOD",
            match invite.method {
                Method::Request => "REQUEST",
                Method::Cancel => "CANCEL",
            },
        ))
        .push(event(invite));
    with_zone(calendar.done().to_string(), invite.tz)
}

/// A subscribed calendar (feed): every event, published. The UIDs are the
/// invites' UIDs, so an entry from an e-mail and from the feed are one.
pub fn render_feed(name: &str, tz: Tz, events: &[Invite<'_>]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name).append_property(("METHOD", "PUBLISH"));
    for e in events {
        calendar.push(event(e));
    }
    with_zone(calendar.done().to_string(), tz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn invite(method: Method, sequence: u32) -> String {
        render(&Invite {
            uid: "sitting-1@skrivsal.test".into(),
            sequence,
            method,
            summary: "MA051G Tentamen",
            location: "Lärcentrum Sundsvall, Skrivsal A",
            description: "Bokningskod K7M-4QX",
            start: Utc.with_ymd_and_hms(2026, 10, 26, 8, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 10, 26, 11, 0, 0).unwrap(),
            tz: chrono_tz::Europe::Stockholm,
            organizer: "noreply@skrivsal.test",
        })
    }

    #[test]
    fn request_in_local_time_with_its_zone() {
        let ics = invite(Method::Request, 2);
        assert!(ics.contains("METHOD:REQUEST"), "{ics}");
        assert!(ics.contains("UID:sitting-1@skrivsal.test"));
        assert!(ics.contains("SEQUENCE:2"));
        // 08:00 UTC the day after the autumn change is 09:00 CET.
        assert!(
            ics.contains("DTSTART;TZID=Europe/Stockholm:20261026T090000"),
            "{ics}"
        );
        assert!(ics.contains("BEGIN:VTIMEZONE"));
        assert!(ics.find("BEGIN:VTIMEZONE") < ics.find("BEGIN:VEVENT"));
        assert!(ics.contains("STATUS:CONFIRMED"));
    }

    #[test]
    fn cancel_keeps_the_uid() {
        let ics = invite(Method::Cancel, 3);
        assert!(ics.contains("METHOD:CANCEL"));
        assert!(ics.contains("STATUS:CANCELLED"));
        assert!(ics.contains("UID:sitting-1@skrivsal.test"));
        assert!(ics.contains("SEQUENCE:3"));
    }
}
