//! Header and footer on every page, then the laid-out pages drawn into a PDF.

use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;

use super::fonts::Fonts;
use super::*;

/// Header and footer on every page, then the pages into a PDF.
pub(super) fn write(
    doc: &DayDocument,
    fonts: &Fonts,
    mut pages: Vec<Vec<Op>>,
) -> Result<Vec<u8>, PdfError> {
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
            let face = fonts.face(*bold);
            let shaped = face.shaped(text);
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &shaped.glyphs,
                face.pdf.clone(),
                text,
                *size,
                false,
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
