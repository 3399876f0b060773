//! Loading a demo centre: its rooms, hours, staff and access cards.

use chrono::{Duration, NaiveDate, NaiveTime};
use diesel::prelude::*;

use crate::db::models::{
    Centre, CentreHours, Closure, Invigilator, InvigilatorException, InvigilatorWeekly, Room,
    UserCentre,
};
use crate::db::schema::{
    centre_hours, centres, closures, invigilator_exceptions, invigilator_weekly, invigilators,
    rooms, user_centres,
};
use crate::db::{self};
use crate::domain::{Language, Role};
use crate::types::{CentreId, HoursKind, InvigilatorId, RoomKind, Zone};

use super::data::CentreSpec;
use super::{hm, LoadedCentre, Loader};

impl Loader<'_> {
    pub(super) fn centre(&mut self, spec: &CentreSpec) -> anyhow::Result<LoadedCentre> {
        let id: CentreId = db::new_id();
        diesel::insert_into(centres::table)
            .values(Centre {
                id: id.clone(),
                slug: spec.slug.into(),
                name: spec.name.into(),
                municipality: spec.municipality.into(),
                address: spec.address.into(),
                email: spec.email.into(),
                timezone: Zone(chrono_tz::Europe::Stockholm),
                language: Language::Sv,
                invigilator_ratio: 20,
                closed_on_de_facto_holidays: true,
                max_future_study_bookings: Some(10),
                max_study_hours_per_week: Some(40),
                exam_fee_ore: if spec.slug == "sundsvall" { 60_000 } else { 0 },
                fee_payment_days: Some(10),
                retention_days: 365,
                active: true,
                created_at: self.now,
                updated_at: self.now,
            })
            .execute(self.conn)?;
        self.summary.centres += 1;
        let opens = hm(spec.opens.0, spec.opens.1);
        let closes = hm(spec.closes.0, spec.closes.1);
        for weekday in 0..7 {
            if weekday < 5 {
                self.hours(&id, HoursKind::Opening, weekday, opens, closes)?;
            }
            // Access-card hours: early to late, every day.
            self.hours(&id, HoursKind::AccessCard, weekday, hm(6, 0), hm(22, 0))?;
        }
        let mut exam_rooms = Vec::new();
        let mut study_rooms = Vec::new();
        let mut separate = None;
        for r in spec.rooms {
            let row = Room {
                id: db::new_id(),
                centre_id: id.clone(),
                name: r.name.into(),
                kind: r.kind,
                seats: r.seats,
                computer_seats: r.computers,
                accessible: r.accessible,
                bookable_exam: r.exam,
                bookable_study: r.study,
                active: true,
                created_at: self.now,
                updated_at: self.now,
            };
            diesel::insert_into(rooms::table)
                .values(&row)
                .execute(self.conn)?;
            self.summary.rooms += 1;
            match (r.kind, r.exam) {
                (RoomKind::SeparateRoom, _) => separate = Some(row),
                (_, true) => exam_rooms.push(row),
                _ => study_rooms.push(row),
            }
        }
        let separate_room =
            separate.ok_or_else(|| anyhow::anyhow!("demo centre without a separate room"))?;
        self.user(
            &format!("admin.{}@skrivsal.demo", spec.slug),
            &format!("Administratör {}", spec.municipality),
            Role::CentreAdmin,
            None,
            true,
        )
        .and_then(|user_id| {
            diesel::insert_into(user_centres::table)
                .values(&UserCentre {
                    user_id,
                    centre_id: id.clone(),
                })
                .execute(self.conn)
        })?;
        let mut invigilators = Vec::new();
        for (name, email) in spec.invigilators {
            // Each invigilator signs in (demo password) and sees their own
            // assignments, as one who was invited by the centre would.
            let user_id = self.user(email, name, Role::Invigilator, None, true)?;
            diesel::insert_into(user_centres::table)
                .values(&UserCentre {
                    user_id: user_id.clone(),
                    centre_id: id.clone(),
                })
                .execute(self.conn)?;
            let inv_id: InvigilatorId = db::new_id();
            diesel::insert_into(invigilators::table)
                .values(&Invigilator {
                    id: inv_id.clone(),
                    centre_id: id.clone(),
                    user_id: Some(user_id),
                    name: (*name).into(),
                    email: (*email).into(),
                    active: true,
                    created_at: self.now,
                    updated_at: self.now,
                })
                .execute(self.conn)?;
            for weekday in 0..5 {
                diesel::insert_into(invigilator_weekly::table)
                    .values(&InvigilatorWeekly {
                        id: db::new_id(),
                        invigilator_id: inv_id.clone(),
                        weekday,
                        from_time: opens,
                        to_time: closes,
                    })
                    .execute(self.conn)?;
            }
            invigilators.push(inv_id);
        }
        // The last invigilator is away one Friday, so availability exceptions show.
        if let Some(away) = invigilators.last() {
            diesel::insert_into(invigilator_exceptions::table)
                .values(&InvigilatorException {
                    id: db::new_id(),
                    invigilator_id: away.clone(),
                    date: self.summary.week + Duration::days(4),
                    from_time: None,
                    to_time: None,
                    available: false,
                })
                .execute(self.conn)?;
        }
        diesel::insert_into(closures::table)
            .values(&Closure {
                id: db::new_id(),
                centre_id: id.clone(),
                from_date: NaiveDate::from_ymd_opt(2027, 7, 1).unwrap_or_default(),
                to_date: NaiveDate::from_ymd_opt(2027, 8, 8).unwrap_or_default(),
                reason: "Sommarstängt".into(),
                created_at: self.now,
            })
            .execute(self.conn)?;
        Ok(LoadedCentre {
            id,
            exam_rooms,
            separate_room,
            study_rooms,
            invigilators,
            opens,
        })
    }

    fn hours(
        &mut self,
        centre_id: &CentreId,
        kind: HoursKind,
        weekday: i32,
        opens: NaiveTime,
        closes: NaiveTime,
    ) -> QueryResult<()> {
        diesel::insert_into(centre_hours::table)
            .values(&CentreHours {
                id: db::new_id(),
                centre_id: centre_id.clone(),
                kind,
                weekday,
                opens,
                closes,
            })
            .execute(self.conn)
            .map(|_| ())
    }
}
