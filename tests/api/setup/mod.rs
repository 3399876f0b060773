//! API.md "Set-up": centres, rooms, hours, closures, calendar, invigilators,
//! access cards, institutions. The tests are in the topic modules.

mod calendar;
mod centres;
mod people;
mod rooms;
mod validation;
