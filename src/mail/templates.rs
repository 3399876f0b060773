//! E-mail templates, `templates/email/` in the shared environment
//! (`crate::templates`).
//!
//! Each message kind has a text template per language whose first line is the
//! subject and the rest the body. The HTML part is the same text laid out by
//! `layout.html` (paragraphs, escaped), so the two parts never say different
//! things.

use minijinja::Value;

use crate::domain::Language;

/// Every message kind with a template.
pub const KINDS: [&str; 11] = [
    "request_report",
    "sign_in_link",
    "password_reset",
    "request_received",
    "request_approved",
    "request_rejected",
    "sitting_requested",
    "sitting_confirmed",
    "sitting_cancelled",
    "study_confirmed",
    "study_cancelled",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn render(
    kind: &str,
    language: Language,
    context: Value,
) -> Result<Rendered, minijinja::Error> {
    let env = crate::templates::environment();
    let template = env.get_template(&format!("email/{kind}.{}.txt", language.as_str()))?;
    // The subject is the template's first line rendered on its own, so that a
    // value with a line break (stored before input refused them) can neither
    // end the subject early nor push header-like lines into the body; any
    // control character left in it becomes a space.
    let source = template.source();
    let (subject_source, body_source) = source.split_once('\n').unwrap_or((source, ""));
    let subject: String = env
        .render_str(subject_source, &context)?
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let subject = subject.trim().to_string();
    let body = env.render_str(body_source, &context)?;
    let text = body.trim_start_matches('\n').to_string();
    let paragraphs: Vec<Vec<&str>> = text
        .split("\n\n")
        .map(|p| {
            p.lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect();
    let html = env
        .get_template("email/layout.html")?
        .render(minijinja::context! {
            lang => language.as_str(),
            subject => &subject,
            paragraphs => paragraphs,
        })?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    /// One sample context with every field any template uses.
    fn sample() -> Value {
        context! {
            name => "Alva Eriksson",
            minutes => 15,
            link => "https://skrivsal.example/auth/link?token=abc",
            centre => "Lärcentrum Sundsvall",
            address => "Storgatan 12, 852 30 Sundsvall",
            course_code => "MA051G",
            course_name => "Matematik för ingenjörer",
            title => "Tentamen 1",
            when => "2026-03-30 09:00",
            duration => 180,
            students => 3,
            open => false,
            deadline => "2026-03-16",
            reason => "ingen ledig sal",
            code => "K7M-4QX",
            room => "Skrivsal A",
            start => "2026-03-30 09:00",
            end => "2026-03-30 13:45",
            aids => "Miniräknare",
            late_entry => 30,
            reminder => false,
            sittings => vec![context! { code => "K7M-4QX", room => "Skrivsal A", start => "09:00", end => "12:00", outcome => "genomförd" }],
            completed => 1,
            no_show => 0,
            cancelled => 0,
            incidents => vec![context! { code => "K7M-4QX", kind => "late_arrival", note => "10 min" }],
        }
    }

    #[test]
    fn every_template_in_both_languages() {
        for kind in KINDS {
            for lang in [Language::Sv, Language::En] {
                let r = render(kind, lang, sample()).unwrap_or_else(|e| panic!("{kind}: {e}"));
                assert!(!r.subject.is_empty() && !r.text.is_empty(), "{kind}");
                assert!(
                    !r.subject.contains("extra") && !r.subject.contains("separat"),
                    "no accommodation in a subject"
                );
                insta::assert_snapshot!(
                    format!("{kind}.{}", lang.as_str()),
                    format!("Subject: {}\n\n{}\n---\n{}", r.subject, r.text, r.html)
                );
            }
        }
    }

    #[test]
    fn a_line_break_in_a_value_stays_in_the_subject_line() {
        // A title stored before single-line fields refused control characters.
        let title = "Tentamen 1\r\nBcc: alla@example.se";
        let r = render(
            "request_received",
            Language::Sv,
            context! { course_code => "MA051G", title => title, centre => "Lärcentrum Sundsvall" },
        )
        .unwrap();
        assert!(!r.subject.contains(['\r', '\n']), "{:?}", r.subject);
        assert!(
            r.subject.contains("Bcc: alla@example.se"),
            "{:?}",
            r.subject
        );
        // The body starts where the template's body starts.
        assert!(
            r.text.starts_with("Lärcentrum Sundsvall har tagit emot"),
            "{:?}",
            r.text
        );
    }

    #[test]
    fn html_is_escaped() {
        let r = render("sitting_cancelled", Language::En, context! { name => "<b>Eve</b>", code => "X", course_code => "C", title => "T", reason => "r" }).unwrap();
        assert!(
            r.html.contains("&lt;b&gt;Eve&lt;&#x2f;b&gt;")
                || r.html.contains("&lt;b&gt;Eve&lt;/b&gt;"),
            "{}",
            r.html
        );
        assert!(r.text.contains("<b>Eve</b>"));
    }
}
