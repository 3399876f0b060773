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

use std::sync::OnceLock;

use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::documents::print::{DayDocument, Document, Labels, RoomDay};
use crate::domain::Language;

static REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));
static BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans-Bold.ttf"
));

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

/// One embedded face: krilla's handle to embed it and rustybuzz's to
/// measure text exactly as krilla shapes it.
struct Face {
    pdf: Font,
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let shaper = rustybuzz::Face::from_slice(data, 0)?;
        Some(Face {
            pdf: Font::new(data.into(), 0)?,
            units_per_em: shaper.units_per_em() as f32,
            shaper,
        })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 / self.units_per_em * size
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: Face::load(REGULAR)?,
                bold: Face::load(BOLD)?,
            })
        })
        .as_ref()
        .ok_or(PdfError::Font)
}

impl Fonts {
    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(text, size)
    }

    /// `text` broken into lines no wider than `width`: at spaces, at line
    /// breaks in the text, and inside a word only when it alone is too wide.
    fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let fits = |s: &str| self.width(s, size, bold) <= width;
        let mut lines = Vec::new();
        for paragraph in clean(text).trim().split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if fits(&candidate) {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for ch in word.chars() {
                    line.push(ch);
                    if !fits(&line) && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::replace(&mut line, ch.to_string()));
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// `text` on one line, cut with an ellipsis when it is too wide.
    fn fit(&self, text: &str, width: f32, size: f32, bold: bool) -> String {
        let text = clean(text).replace('\n', " ");
        if self.width(&text, size, bold) <= width {
            return text;
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let cut: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
            if self.width(&cut, size, bold) <= width {
                return cut;
            }
        }
        "…".to_string()
    }

    /// The largest size from `max` down to `min` at which `text` fits one line.
    fn size_to_fit(&self, text: &str, width: f32, max: f32, min: f32, bold: bool) -> f32 {
        let natural = self.width(text, max, bold);
        if natural <= width {
            max
        } else {
            (max * width / natural).max(min)
        }
    }
}

/// Control characters would draw as missing glyphs; line breaks are kept
/// for wrapping.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => '\n',
            '\r' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
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

/// A table's column: its heading and its share of the width in points.
struct Column {
    title: &'static str,
    width: f32,
}

fn columns(document: Document, t: &Labels) -> Vec<Column> {
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

fn body_bottom(document: Document) -> f32 {
    match document {
        Document::Attendance => BODY_BOTTOM - INCIDENTS_H,
        _ => BODY_BOTTOM,
    }
}

fn min_row_height(document: Document) -> f32 {
    match document {
        Document::Attendance => SIGN_ROW_H,
        _ => 0.0,
    }
}

fn row_height(lines: usize, min: f32) -> f32 {
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

fn header_height(fonts: &Fonts, cols: &[Column]) -> f32 {
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

/// Renders the document.
pub fn render(doc: &DayDocument) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    write(doc, fonts, lay_out(doc, fonts))
}

/// The document's pages without header and footer.
fn lay_out(doc: &DayDocument, fonts: &'static Fonts) -> Vec<Vec<Op>> {
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

/// Header and footer on every page, then the pages into a PDF.
fn write(doc: &DayDocument, fonts: &Fonts, mut pages: Vec<Vec<Op>>) -> Result<Vec<u8>, PdfError> {
    let t = doc.labels;
    let title = doc.title();
    let centre_line = fonts.fit(
        &format!(
            "{} · {} · {}",
            doc.centre.name, doc.centre.address, doc.date
        ),
        WIDTH,
        SUBTITLE_SIZE,
        false,
    );
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        page.push(Op::Text {
            x: MARGIN_X,
            y: MARGIN_TOP + TITLE_SIZE,
            size: TITLE_SIZE,
            bold: true,
            text: fonts.fit(title, WIDTH, TITLE_SIZE, true),
        });
        page.push(Op::Text {
            x: MARGIN_X,
            y: MARGIN_TOP + TITLE_SIZE + 16.0,
            size: SUBTITLE_SIZE,
            bold: false,
            text: centre_line.clone(),
        });
        let rule_y = MARGIN_TOP + HEADER_H - 8.0;
        page.push(Op::Rule {
            x1: MARGIN_X,
            y1: rule_y,
            x2: MARGIN_X + WIDTH,
            y2: rule_y,
            width: 0.8,
            gray: 0,
        });
        let footer = t
            .page_footer
            .replace("{page}", &(i + 1).to_string())
            .replace("{pages}", &total.to_string())
            .replace("{printed}", &doc.printed_at);
        let w = fonts.width(&footer, FOOTER_SIZE, false);
        let foot_rule = PAGE_H - MARGIN_BOTTOM - FOOTER_H + 8.0;
        page.push(Op::Rule {
            x1: MARGIN_X,
            y1: foot_rule,
            x2: MARGIN_X + WIDTH,
            y2: foot_rule,
            width: 0.5,
            gray: GRID_GRAY,
        });
        page.push(Op::Text {
            x: MARGIN_X + (WIDTH - w) / 2.0,
            y: PAGE_H - MARGIN_BOTTOM,
            size: FOOTER_SIZE,
            bold: false,
            text: footer,
        });
    }

    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{title} · {} · {}", doc.centre.name, doc.date))
            .language(doc.lang.as_str().to_string())
            .creator("skrivsal".to_string()),
    );
    for ops in &pages {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| PdfError::Write("page size".into()))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        // Shading first so that grid lines and text lie on top of it.
        let (shades, rest): (Vec<&Op>, Vec<&Op>) =
            ops.iter().partition(|op| matches!(op, Op::Shade { .. }));
        for op in shades.into_iter().chain(rest) {
            draw(&mut surface, fonts, op);
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold,
            text,
        } => {
            surface.set_stroke(None);
            surface.set_fill(Some(Fill::default()));
            surface.draw_text(
                Point::from_xy(*x, *y),
                fonts.face(*bold).pdf.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rule {
            x1,
            y1,
            x2,
            y2,
            width,
            gray,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: luma::Color::new(*gray).into(),
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Shade { x, y, w, h, gray } => {
            let mut pb = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(rect);
            }
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill {
                    paint: luma::Color::new(*gray).into(),
                    ..Fill::default()
                }));
                surface.draw_path(&path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::print::{CentreHeading, Duty, InvigilatorDay, Shift, SittingRow};

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
