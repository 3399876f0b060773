//! The print documents as PDF, drawn from the same [`DayDocument`] as the
//! HTML views. Pure: data in, bytes out.
//!
//! A4 portrait. Every page has the document's title, the centre and the date
//! at the top and "Sida X av Y · Utskriven …" at the foot. Tables are laid out
//! here: each row is measured (its cells wrapped to their column widths) and
//! moved whole to the next page, under the repeated room heading and table
//! header, when it does not fit, so a sitting's row is never split. The
//! schedule and the attendance sheets start each room on a new page (the
//! sheets are handed out per room); door signs are one room per page.
//!
//! Text is DejaVu Sans, compiled into the binary; krilla embeds only the
//! glyphs a document uses, so a PDF is tens of kilobytes rather than the
//! 700 kB of each font file.

mod draw;
mod fonts;
mod layout;

use crate::documents::print::DayDocument;
use crate::documents::print::Document;
use crate::domain::Language;

use self::draw::write;
use self::fonts::fonts;
use self::layout::lay_out;
pub use self::layout::rows_per_page;

/// Sizes in PostScript points; y grows downwards from the top of the page.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 42.0;
const MARGIN_TOP: f32 = 40.0;
const MARGIN_BOTTOM: f32 = 34.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Title, centre line and rule.
const HEADER_H: f32 = 48.0;
/// Rule and page line.
const FOOTER_H: f32 = 22.0;
const BODY_TOP: f32 = MARGIN_TOP + HEADER_H;
const BODY_BOTTOM: f32 = PAGE_H - MARGIN_BOTTOM - FOOTER_H;

const TITLE_SIZE: f32 = 16.0;
const SUBTITLE_SIZE: f32 = 9.5;
const FOOTER_SIZE: f32 = 8.0;
const HEADING_SIZE: f32 = 13.0;
/// A room's or an invigilator's name over its table, one line.
const HEADING_H: f32 = 24.0;
const TEXT_SIZE: f32 = 8.5;
/// Line pitch of table text.
const LINE: f32 = 11.0;
/// Space above and below the text of a cell, and left of it.
const PAD_Y: f32 = 3.5;
const PAD_X: f32 = 3.0;
/// Space under a paragraph (the schedule's invigilator line).
const PARAGRAPH_GAP: f32 = 5.0;
/// Room enough to sign on an attendance sheet.
const SIGN_ROW_H: f32 = 26.0;
/// The incident notes at the foot of every attendance page.
const INCIDENTS_H: f32 = 104.0;
const INCIDENT_LINES: usize = 4;
/// Between a row's bottom and the body's bottom, float noise is not a reason
/// to start a page.
const EPSILON: f32 = 0.01;

const GRID_GRAY: u8 = 140;
const HEAD_SHADE: u8 = 228;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("writing the PDF: {0}")]
    Write(String),
}

/// What a page shows, positioned; drawn once the page count is known.
#[derive(Debug, Clone)]
enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        gray: u8,
    },
    Shade {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: u8,
    },
}

/// Renders the document.
pub fn render(doc: &DayDocument) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    fonts::forget_shaped();
    let pdf = write(doc, fonts, lay_out(doc, fonts));
    fonts::forget_shaped();
    pdf
}

#[cfg(test)]
mod tests {
    use super::layout::{body_bottom, columns};
    use super::*;
    use crate::documents::print::{
        CentreHeading, Duty, InvigilatorDay, Labels, RoomDay, Shift, SittingRow,
    };

    fn sitting(i: usize) -> SittingRow {
        SittingRow {
            code: format!("K{i:02}-{i:03}"),
            start: Some("09:00".into()),
            end: Some("12:00".into()),
            course_code: "MA051G".into(),
            title: "Tentamen 1".into(),
            institution: Some("Mittuniversitetet".into()),
            accommodations: String::new(),
            aids: "Miniräknare".into(),
            student: format!("Åsa Öberg {i}"),
        }
    }

    fn room(name: &str, sittings: usize) -> RoomDay {
        RoomDay {
            name: name.into(),
            sittings: (0..sittings).map(sitting).collect(),
            invigilators: vec![Shift {
                name: "Karin".into(),
                start: "08:45".into(),
                end: "12:00".into(),
            }],
            study: 0,
            exams: vec!["MA051G Tentamen 1".into()],
            first_start: Some("09:00".into()),
            last_end: Some("12:00".into()),
        }
    }

    fn day(document: Document, lang: Language, rooms: Vec<RoomDay>) -> DayDocument {
        DayDocument {
            document,
            lang,
            labels: Labels::get(lang),
            centre: CentreHeading {
                slug: "sundsvall".into(),
                name: "Lärcentrum Sundsvall".into(),
                address: "Storgatan 1".into(),
            },
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 23).unwrap_or_default(),
            printed_at: "2026-10-20 14:05".into(),
            rooms,
            invigilators: vec![InvigilatorDay {
                name: "Karin".into(),
                assignments: vec![Duty {
                    start: "08:45".into(),
                    end: "12:00".into(),
                    room: "Skrivsal A".into(),
                    exams: "MA051G".into(),
                    contacts: "Lärare larare@miun.se".into(),
                }],
            }],
        }
    }

    fn lay_out(doc: &DayDocument) -> Vec<Vec<Op>> {
        super::lay_out(doc, fonts().unwrap())
    }

    fn texts(page: &[Op]) -> Vec<(f32, &str)> {
        page.iter()
            .filter_map(|op| match op {
                Op::Text { y, text, .. } => Some((*y, text.as_str())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn table_headers_are_one_line_in_both_languages() {
        let fonts = fonts().unwrap();
        for lang in [Language::Sv, Language::En] {
            for document in Document::ALL {
                for c in columns(document, Labels::get(lang)) {
                    let lines = fonts.wrap(c.title, c.width - 2.0 * PAD_X, TEXT_SIZE, true);
                    assert_eq!(lines.len(), 1, "{lang:?} {document:?}: {}", c.title);
                }
            }
        }
    }

    #[test]
    fn wrapped_lines_stay_inside_their_width() {
        let fonts = fonts().unwrap();
        let text =
            "Förlängd skrivtid, eget rum och Donaudampfschifffahrtsgesellschaftskapitän\nrad två";
        let lines = fonts.wrap(text, 60.0, TEXT_SIZE, false);
        assert!(lines.len() > 4, "{lines:?}");
        assert_eq!(lines.last().map(String::as_str), Some("rad två"));
        for line in &lines {
            assert!(fonts.width(line, TEXT_SIZE, false) <= 60.0, "{line}");
        }
        assert_eq!(fonts.wrap("", 60.0, TEXT_SIZE, false), vec![String::new()]);
        let cut = fonts.fit(
            "Ett mycket långt rumsnamn som inte får plats",
            80.0,
            12.0,
            true,
        );
        assert!(cut.ends_with('…') && fonts.width(&cut, 12.0, true) <= 80.0);
    }

    #[test]
    fn rooms_run_over_pages_by_whole_rows() {
        for document in [Document::Schedule, Document::Attendance] {
            for lang in [Language::Sv, Language::En] {
                let per_page = rows_per_page(document, lang);
                assert!(per_page > 10, "{document:?}: {per_page}");
                for n in [1, per_page, per_page + 1, 2 * per_page + 3] {
                    let doc = day(document, lang, vec![room("Hörsal", n), room("Sal B", 2)]);
                    let pages = lay_out(&doc);
                    assert_eq!(pages.len(), n.div_ceil(per_page) + 1, "{document:?} {n}");
                    for (p, page) in pages.iter().enumerate() {
                        for (y, text) in texts(page) {
                            assert!(y > BODY_TOP && y < BODY_BOTTOM, "{text} at {y}");
                        }
                        let codes = texts(page)
                            .iter()
                            .filter(|(_, t)| t.starts_with('K'))
                            .count();
                        if p + 1 < pages.len() - 1 {
                            assert_eq!(codes, per_page, "page {p} of {document:?} is full");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_tall_row_moves_whole_to_the_next_page() {
        let per_page = rows_per_page(Document::Schedule, Language::Sv);
        let mut hall = room("Hörsal", per_page);
        let long = "extra tid, eget rum, dator, pauser, uppläsning av frågorna, ".repeat(3);
        hall.sittings[per_page - 1].accommodations = long;
        let pages = lay_out(&day(Document::Schedule, Language::Sv, vec![hall]));
        assert_eq!(pages.len(), 2);
        let last_code = format!("K{:02}-{:03}", per_page - 1, per_page - 1);
        // The whole row, code and every line of its accommodations, is on page 2.
        assert!(texts(&pages[0]).iter().all(|(_, t)| *t != last_code));
        assert!(texts(&pages[1]).iter().any(|(_, t)| *t == last_code));
        assert!(
            texts(&pages[1])
                .iter()
                .filter(|(_, t)| t.contains("uppläsning"))
                .count()
                >= 1
        );
        assert!(texts(&pages[0])
            .iter()
            .all(|(_, t)| !t.contains("uppläsning")));
        // Under the room heading again.
        assert!(texts(&pages[1])
            .iter()
            .any(|(_, t)| *t == "Hörsal (forts.)"));
    }

    #[test]
    fn an_endless_cell_is_cut_to_fit_a_page() {
        for document in [Document::Schedule, Document::Attendance] {
            let mut hall = room("Hörsal", 3);
            hall.sittings[1].accommodations = "uppläsning ".repeat(600);
            hall.sittings[1].student = "Namn ".repeat(600);
            let doc = day(document, Language::Sv, vec![hall]);
            let pages = lay_out(&doc);
            assert_eq!(pages.len(), 3, "{document:?}: before, the cut row, after");
            let notes = doc.labels.incidents;
            for page in &pages {
                for (y, text) in texts(page).into_iter().filter(|(_, t)| *t != notes) {
                    assert!(y < body_bottom(document), "{text} at {y}");
                }
            }
            assert!(texts(&pages[1]).iter().any(|(_, t)| t.ends_with('…')));
        }
    }

    #[test]
    fn every_document_renders_a_small_pdf() {
        for document in Document::ALL {
            for lang in [Language::Sv, Language::En] {
                let doc = day(
                    document,
                    lang,
                    vec![room("Hörsal Åkerö", 40), room("Sal B", 2)],
                );
                let bytes = render(&doc).unwrap();
                assert!(bytes.starts_with(b"%PDF-"));
                // The subset font: a few dozen glyphs, not DejaVu's 6000.
                assert!(bytes.len() < 80_000, "{document:?}: {} bytes", bytes.len());
            }
            let empty = day(document, Language::Sv, Vec::new());
            assert!(render(&empty).unwrap().starts_with(b"%PDF-"));
        }
        let doors = lay_out(&day(
            Document::DoorSigns,
            Language::Sv,
            vec![room("A", 1), room("B", 0), room("C", 3)],
        ));
        assert_eq!(doors.len(), 2, "one page per room with sittings");
    }
}
