//! The two embedded faces, for drawing (krilla) and measuring (rustybuzz).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use krilla::text::{Font, GlyphId, KrillaGlyph};
use parking_lot::Mutex;

use super::*;

static REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));
static BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans-Bold.ttf"
));

/// One embedded face: krilla's handle to embed it and rustybuzz's to
/// measure text exactly as krilla shapes it.
pub(super) struct Face {
    pub(super) pdf: Font,
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
    /// Shaping plans by the text's direction, script and language: building
    /// one reads the font's layout tables, which cost more than shaping a
    /// table cell, and a document needs one or two.
    plans: Mutex<Vec<(PlanProps, Arc<rustybuzz::ShapePlan>)>>,
}

type PlanProps = (
    rustybuzz::Direction,
    rustybuzz::Script,
    Option<rustybuzz::Language>,
);

/// A string as shaping gave it: the glyphs to draw and the advance to
/// measure.
pub(super) struct Shaped {
    pub(super) glyphs: Vec<KrillaGlyph>,
    /// In font units.
    advance: i32,
}

thread_local! {
    // The strings shaped for the document being laid out and drawn on this
    // thread, by face and text: a day's documents repeat their times, codes,
    // titles and institutions hundreds of times, and every string is measured
    // before it is drawn. `render` empties it before and after each document,
    // so it never holds more than one document's strings.
    static SHAPED: RefCell<HashMap<(usize, String), Rc<Shaped>>> = RefCell::new(HashMap::new());
}

/// Forgets the strings shaped on this thread (see `SHAPED`).
pub(super) fn forget_shaped() {
    SHAPED.with(|memo| memo.borrow_mut().clear());
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let shaper = rustybuzz::Face::from_slice(data, 0)?;
        Some(Face {
            pdf: Font::new(data.into(), 0)?,
            units_per_em: shaper.units_per_em() as f32,
            shaper,
            plans: Mutex::new(Vec::new()),
        })
    }

    fn plan(&self, props: PlanProps) -> Arc<rustybuzz::ShapePlan> {
        let mut plans = self.plans.lock();
        if let Some((_, plan)) = plans.iter().find(|(p, _)| *p == props) {
            return plan.clone();
        }
        let (direction, script, language) = props.clone();
        // `shape` plans with the script the buffer guessed, none for text
        // without one (digits, punctuation), which reads back as UNKNOWN.
        let script = Some(script).filter(|s| *s != rustybuzz::script::UNKNOWN);
        let plan = Arc::new(rustybuzz::ShapePlan::new(
            &self.shaper,
            direction,
            script,
            language.as_ref(),
            &[],
        ));
        plans.push((props, plan.clone()));
        plan
    }

    /// `text` shaped as krilla's own `draw_text` would shape it (one font,
    /// direction and script guessed), with this process's face and plans, and
    /// once per document.
    pub(super) fn shaped(&self, text: &str) -> Rc<Shaped> {
        let key = (self as *const Face as usize, text.to_string());
        if let Some(hit) = SHAPED.with(|memo| memo.borrow().get(&key).cloned()) {
            return hit;
        }
        let shaped = Rc::new(self.shape(text));
        SHAPED.with(|memo| memo.borrow_mut().insert(key, shaped.clone()));
        shaped
    }

    fn shape(&self, text: &str) -> Shaped {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let direction = buffer.direction();
        let plan = self.plan((direction, buffer.script(), buffer.language()));
        let shaped = rustybuzz::shape_with_plan(&self.shaper, &plan, buffer);
        let backwards = matches!(
            direction,
            rustybuzz::Direction::RightToLeft | rustybuzz::Direction::BottomToTop
        );
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        let em = self.units_per_em;
        let glyphs = positions
            .iter()
            .zip(infos)
            .enumerate()
            .map(|(i, (pos, info))| {
                // A cluster runs to the start of the next cluster in
                // reading order, which for right-to-left text is the one
                // drawn before it (as krilla's `draw_text` has it).
                let start = info.cluster as usize;
                let other = |g: &&rustybuzz::GlyphInfo| g.cluster != info.cluster;
                let next = if backwards {
                    infos[..i].iter().rev().find(other)
                } else {
                    infos[i + 1..].iter().find(other)
                };
                let end = next.map_or(text.len(), |g| g.cluster as usize);
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / em,
                    pos.x_offset as f32 / em,
                    pos.y_offset as f32 / em,
                    pos.y_advance as f32 / em,
                    start..end,
                    None,
                )
            })
            .collect();
        Shaped {
            glyphs,
            advance: positions.iter().map(|p| p.x_advance).sum(),
        }
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        self.shaped(text).advance as f32 / self.units_per_em * size
    }
}

pub(super) struct Fonts {
    regular: Face,
    bold: Face,
}

pub(super) fn fonts() -> Result<&'static Fonts, PdfError> {
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
    pub(super) fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(text, size)
    }

    /// `text` broken into lines no wider than `width`: at spaces, at line
    /// breaks in the text, and inside a word only when it alone is too wide.
    pub(super) fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let fits = |s: &str| self.width(s, size, bold) <= width;
        let mut lines = Vec::new();
        for paragraph in clean(text).trim().split('\n') {
            // Most cells fit on one line: one measurement instead of one per
            // word.
            let whole = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            if fits(&whole) {
                lines.push(whole);
                continue;
            }
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
    pub(super) fn fit(&self, text: &str, width: f32, size: f32, bold: bool) -> String {
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
    pub(super) fn size_to_fit(
        &self,
        text: &str,
        width: f32,
        max: f32,
        min: f32,
        bold: bool,
    ) -> f32 {
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
pub(super) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => '\n',
            '\r' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}
