//! Laying the day out in pages: tables measured row by row, rows moved whole.

use super::fonts::Fonts;
use super::*;
use crate::documents::print::{Labels, RoomDay};

/// The document's pages without header and footer.
pub(super) fn lay_out(doc: &DayDocument, fonts: &'static Fonts) -> Vec<Vec<Op>> {
    let mut layout = Layout {
        doc,
        fonts,
        pages: Vec::new(),
        y: BODY_TOP,
    };
    match doc.document {
        Document::Schedule => layout.schedule(),
        Document::Attendance => layout.attendance(),
        Document::Invigilators => layout.invigilators(),
        Document::DoorSigns => layout.door_signs(),
    }
    if layout.pages.is_empty() {
        // Not `new_page`: an empty attendance sheet needs no incident notes.
        layout.pages.push(Vec::new());
        layout.paragraph(doc.labels.nothing, 10.0, false);
    }
    layout.pages
}

/// A table's column: its heading and its share of the width in points.
pub(super) struct Column {
    pub(super) title: &'static str,
    pub(super) width: f32,
}

pub(super) fn columns(document: Document, t: &Labels) -> Vec<Column> {
    let spec: Vec<(&'static str, f32)> = match document {
        Document::Schedule => vec![
            (t.start, 36.0),
            (t.end, 36.0),
            (t.code, 74.0),
            (t.exam, 118.0),
            (t.institution, 84.0),
            (t.accommodations, 90.0),
            (t.aids, 0.0),
        ],
        Document::Attendance => vec![
            (t.code, 74.0),
            (t.student, 120.0),
            (t.exam, 56.0),
            (t.start, 36.0),
            (t.end, 36.0),
            (t.signature, 112.0),
            (t.notes, 0.0),
        ],
        Document::Invigilators => vec![
            (t.start, 40.0),
            (t.end, 40.0),
            (t.room, 100.0),
            (t.exam, 110.0),
            (t.contact, 0.0),
        ],
        Document::DoorSigns => Vec::new(),
    };
    // The last column takes what is left.
    let fixed: f32 = spec.iter().map(|(_, w)| w).sum();
    spec.iter()
        .map(|&(title, w)| Column {
            title,
            width: if w == 0.0 { WIDTH - fixed } else { w },
        })
        .collect()
}

pub(super) fn body_bottom(document: Document) -> f32 {
    match document {
        Document::Attendance => BODY_BOTTOM - INCIDENTS_H,
        _ => BODY_BOTTOM,
    }
}

pub(super) fn min_row_height(document: Document) -> f32 {
    match document {
        Document::Attendance => SIGN_ROW_H,
        _ => 0.0,
    }
}

pub(super) fn row_height(lines: usize, min: f32) -> f32 {
    (lines.max(1) as f32 * LINE + 2.0 * PAD_Y).max(min)
}

/// How many rows of one line each fit on a page of a room's table in
/// `document` (the schedule's with a one-line invigilator line): the number
/// a room with more rows than that continues on a new page after. 0 for
/// door signs, which have no table, and if the embedded font cannot be read.
pub fn rows_per_page(document: Document, lang: Language) -> usize {
    let Ok(fonts) = fonts() else {
        return 0;
    };
    let cols = columns(document, Labels::get(lang));
    if cols.is_empty() {
        return 0;
    }
    let mut top = BODY_TOP + HEADING_H + header_height(fonts, &cols);
    if document == Document::Schedule {
        top += LINE + PARAGRAPH_GAP;
    }
    let row = row_height(1, min_row_height(document));
    ((body_bottom(document) - top + EPSILON) / row).floor() as usize
}

pub(super) fn header_height(fonts: &Fonts, cols: &[Column]) -> f32 {
    let lines = cols
        .iter()
        .map(|c| {
            fonts
                .wrap(c.title, c.width - 2.0 * PAD_X, TEXT_SIZE, true)
                .len()
        })
        .max()
        .unwrap_or(1);
    row_height(lines, 0.0)
}

struct Layout<'a> {
    doc: &'a DayDocument,
    fonts: &'static Fonts,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    y: f32,
}

/// What stands over a table and is repeated on the pages it continues on.
struct Heading {
    name: String,
    /// A paragraph under the name (the schedule's invigilators).
    info: Option<String>,
}

impl Layout<'_> {
    fn bottom(&self) -> f32 {
        body_bottom(self.doc.document)
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: String) {
        if !text.is_empty() {
            self.push(Op::Text {
                x,
                y,
                size,
                bold,
                text,
            });
        }
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.push(Op::Rule {
            x1,
            y1,
            x2,
            y2,
            width,
            gray: GRID_GRAY,
        });
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = BODY_TOP;
        if self.doc.document == Document::Attendance {
            self.incident_notes();
        }
    }

    fn at_page_top(&self) -> bool {
        self.y <= BODY_TOP + EPSILON
    }

    /// Ruled lines at the foot of the page for what happened during the exam.
    fn incident_notes(&mut self) {
        let top = BODY_BOTTOM - INCIDENTS_H + 14.0;
        let label = self.fonts.fit(self.doc.labels.incidents, WIDTH, 9.0, true);
        self.text(MARGIN_X, top + 9.0, 9.0, true, label);
        // The last line well clear of the footer's rule.
        let pitch = (BODY_BOTTOM - 12.0 - top) / INCIDENT_LINES as f32;
        for i in 1..=INCIDENT_LINES {
            let y = top + pitch * i as f32;
            self.rule(MARGIN_X, y, MARGIN_X + WIDTH, y, 0.5);
        }
    }

    /// Wrapped text across the width; starts a page when it does not fit.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        let pitch = size * LINE / TEXT_SIZE;
        for line in self.fonts.wrap(text, WIDTH, size, bold) {
            if self.y + pitch > self.bottom() + EPSILON {
                self.new_page();
            }
            let baseline = self.y + baseline_offset(pitch, size);
            self.text(MARGIN_X, baseline, size, bold, line);
            self.y += pitch;
        }
        self.y += PARAGRAPH_GAP;
    }

    /// What `heading` takes of a page: the name and the wrapped info.
    fn heading_height(&self, heading: &Heading) -> f32 {
        let info = heading.info.as_deref().map_or(0.0, |info| {
            self.fonts.wrap(info, WIDTH, TEXT_SIZE, false).len() as f32 * LINE + PARAGRAPH_GAP
        });
        HEADING_H + info
    }

    fn heading(&mut self, heading: &Heading, continued: bool) {
        let name = if continued {
            format!("{} ({})", heading.name, self.doc.labels.continued)
        } else {
            heading.name.clone()
        };
        let name = self.fonts.fit(&name, WIDTH, HEADING_SIZE, true);
        let baseline = self.y + baseline_offset(HEADING_H - 6.0, HEADING_SIZE);
        self.text(MARGIN_X, baseline, HEADING_SIZE, true, name);
        self.y += HEADING_H;
        if let Some(info) = &heading.info {
            self.paragraph(info, TEXT_SIZE, false);
        }
    }

    fn table_header(&mut self, cols: &[Column]) {
        let cells: Vec<Vec<String>> = cols
            .iter()
            .map(|c| {
                self.fonts
                    .wrap(c.title, c.width - 2.0 * PAD_X, TEXT_SIZE, true)
            })
            .collect();
        let h = header_height(self.fonts, cols);
        self.push(Op::Shade {
            x: MARGIN_X,
            y: self.y,
            w: WIDTH,
            h,
            gray: HEAD_SHADE,
        });
        self.row_cells(cols, &cells, h, true);
    }

    /// Draws a row of wrapped cells at `self.y` with its grid and moves down.
    fn row_cells(&mut self, cols: &[Column], cells: &[Vec<String>], h: f32, bold: bool) {
        let top = self.y;
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
        // A row taller than its text (the attendance sheet's) centres it.
        let offset = (h - row_height(lines, 0.0)) / 2.0 + PAD_Y;
        let mut x = MARGIN_X;
        for (col, cell) in cols.iter().zip(cells) {
            for (i, line) in cell.iter().enumerate() {
                let baseline = top + offset + i as f32 * LINE + baseline_offset(LINE, TEXT_SIZE);
                self.text(x + PAD_X, baseline, TEXT_SIZE, bold, line.clone());
            }
            x += col.width;
        }
        let bottom = top + h;
        self.rule(MARGIN_X, top, MARGIN_X + WIDTH, top, 0.5);
        self.rule(MARGIN_X, bottom, MARGIN_X + WIDTH, bottom, 0.5);
        let mut x = MARGIN_X;
        self.rule(x, top, x, bottom, 0.5);
        for col in cols {
            x += col.width;
            self.rule(x, top, x, bottom, 0.5);
        }
        self.y = bottom;
    }

    /// A table under `heading`, each row whole on one page: a row that does
    /// not fit goes to a new page under the heading and the header again.
    fn table(&mut self, heading: &Heading, cols: &[Column], rows: &[Vec<String>]) {
        let min_h = min_row_height(self.doc.document);
        let head_h = header_height(self.fonts, cols);
        let mut first = true;
        for row in rows {
            let mut cells: Vec<Vec<String>> = cols
                .iter()
                .zip(row)
                .map(|(c, text)| {
                    self.fonts
                        .wrap(text, c.width - 2.0 * PAD_X, TEXT_SIZE, false)
                })
                .collect();
            // A page holds at most this many lines in a row; a cell with more
            // (pages of free text) is cut rather than split or overflowing.
            let room_for = BODY_TOP + self.heading_height(heading) + head_h + 2.0 * PAD_Y;
            let max_lines = (((self.bottom() - room_for) / LINE).floor() as usize).max(1);
            for cell in cells.iter_mut().filter(|c| c.len() > max_lines) {
                cell.truncate(max_lines);
                if let Some(last) = cell.last_mut() {
                    last.push('…');
                }
            }
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
            let h = row_height(lines, min_h);
            let needed = if first { head_h + h } else { h };
            if self.y + needed > self.bottom() + EPSILON {
                self.new_page();
                self.heading(heading, true);
                self.table_header(cols);
            } else if first {
                self.table_header(cols);
            }
            first = false;
            self.row_cells(cols, &cells, h, false);
        }
        self.y += PARAGRAPH_GAP;
    }

    fn schedule(&mut self) {
        let doc = self.doc;
        let t = doc.labels;
        let cols = columns(Document::Schedule, t);
        for room in &doc.rooms {
            let shifts = if room.invigilators.is_empty() {
                "–".to_string()
            } else {
                room.invigilators
                    .iter()
                    .map(|i| format!("{} ({}–{})", i.name, i.start, i.end))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let heading = Heading {
                name: room.name.clone(),
                info: Some(format!("{}: {shifts}", t.invigilators)),
            };
            self.new_page();
            self.heading(&heading, false);
            let rows: Vec<Vec<String>> = room
                .sittings
                .iter()
                .map(|s| {
                    vec![
                        s.start.clone().unwrap_or_default(),
                        s.end.clone().unwrap_or_default(),
                        s.code.clone(),
                        format!("{} {}", s.course_code, s.title),
                        s.institution.clone().unwrap_or_default(),
                        s.accommodations.clone(),
                        s.aids.clone(),
                    ]
                })
                .collect();
            self.table(&heading, &cols, &rows);
            if room.study > 0 {
                let line = format!("{}: {}", t.study_places, room.study);
                if self.y + LINE > self.bottom() + EPSILON {
                    self.new_page();
                    self.heading(&heading, true);
                }
                self.paragraph(&line, TEXT_SIZE, false);
            }
        }
    }

    fn attendance(&mut self) {
        let doc = self.doc;
        let cols = columns(Document::Attendance, doc.labels);
        for room in rooms_with_sittings(doc) {
            let heading = Heading {
                name: room.name.clone(),
                info: None,
            };
            self.new_page();
            self.heading(&heading, false);
            let rows: Vec<Vec<String>> = room
                .sittings
                .iter()
                .map(|s| {
                    vec![
                        s.code.clone(),
                        s.student.clone(),
                        s.course_code.clone(),
                        s.start.clone().unwrap_or_default(),
                        s.end.clone().unwrap_or_default(),
                        String::new(),
                        String::new(),
                    ]
                })
                .collect();
            self.table(&heading, &cols, &rows);
        }
    }

    /// One section per invigilator, flowing; a section starts a new page
    /// rather than leave its name alone at the foot of one.
    fn invigilators(&mut self) {
        let doc = self.doc;
        let cols = columns(Document::Invigilators, doc.labels);
        let head_h = header_height(self.fonts, &cols);
        for inv in &doc.invigilators {
            let heading = Heading {
                name: inv.name.clone(),
                info: None,
            };
            let rows: Vec<Vec<String>> = inv
                .assignments
                .iter()
                .map(|a| {
                    vec![
                        a.start.clone(),
                        a.end.clone(),
                        a.room.clone(),
                        a.exams.clone(),
                        a.contacts.clone(),
                    ]
                })
                .collect();
            let first_row = rows
                .first()
                .map(|row| {
                    let lines = cols
                        .iter()
                        .zip(row)
                        .map(|(c, text)| {
                            self.fonts
                                .wrap(text, c.width - 2.0 * PAD_X, TEXT_SIZE, false)
                                .len()
                        })
                        .max()
                        .unwrap_or(1);
                    row_height(lines, 0.0)
                })
                .unwrap_or(0.0);
            if self.pages.is_empty()
                || (!self.at_page_top()
                    && self.y + HEADING_H + head_h + first_row > self.bottom() + EPSILON)
            {
                self.new_page();
            }
            self.heading(&heading, false);
            self.table(&heading, &cols, &rows);
            self.y += 8.0;
        }
    }

    /// One page per room with sittings: what is going on, where, until when.
    fn door_signs(&mut self) {
        let doc = self.doc;
        let t = doc.labels;
        for room in rooms_with_sittings(doc) {
            self.new_page();
            let fonts = self.fonts;
            let mut y = BODY_TOP + 70.0;
            let centred = |layout: &mut Self, y: f32, size: f32, bold: bool, text: &str| {
                let text = fonts.fit(text, WIDTH, size, bold);
                let w = fonts.width(&text, size, bold);
                layout.text(MARGIN_X + (WIDTH - w) / 2.0, y, size, bold, text);
            };

            let size = fonts.size_to_fit(t.in_progress, WIDTH, 40.0, 20.0, true);
            centred(self, y, size, true, t.in_progress);
            y += 40.0 + 50.0;

            // The room name as large as it fits on at most two lines.
            let mut size = 60.0_f32;
            let mut name = fonts.wrap(&room.name, WIDTH, size, true);
            while name.len() > 2 && size > 24.0 {
                size -= 4.0;
                name = fonts.wrap(&room.name, WIDTH, size, true);
            }
            for line in name.iter().take(2) {
                centred(self, y, size, true, line);
                y += size * 1.15;
            }
            y += 30.0;

            if let (Some(from), Some(to)) = (&room.first_start, &room.last_end) {
                centred(self, y, 32.0, false, &format!("{from} – {to}"));
                y += 32.0 + 30.0;
            }

            // The exams, as many lines as leave room for the closing line.
            let quiet_y = BODY_BOTTOM - 40.0;
            let pitch = 16.0 * 1.35;
            let room_lines = ((quiet_y - 40.0 - y) / pitch).floor().max(0.0) as usize;
            let mut lines: Vec<String> = room
                .exams
                .iter()
                .flat_map(|e| fonts.wrap(e, WIDTH, 16.0, false))
                .collect();
            if lines.len() > room_lines {
                lines.truncate(room_lines);
                if let Some(last) = lines.last_mut() {
                    last.push_str(" …");
                }
            }
            for line in &lines {
                centred(self, y, 16.0, false, line);
                y += pitch;
            }

            let size = fonts.size_to_fit(t.quiet, WIDTH, 24.0, 12.0, true);
            centred(self, quiet_y, size, true, t.quiet);
        }
    }
}

fn rooms_with_sittings(doc: &DayDocument) -> impl Iterator<Item = &RoomDay> {
    doc.rooms.iter().filter(|r| !r.sittings.is_empty())
}

/// From the top of a line box of height `pitch` to the baseline of text of
/// `size` centred in it (DejaVu's ascender is about 0.76 of the size above
/// the text's middle).
fn baseline_offset(pitch: f32, size: f32) -> f32 {
    (pitch - size) / 2.0 + size * 0.8
}
