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

/// The template a message kind is written with: reminders and changes share
/// the confirmation's, with `reminder` or `changed` set in the context.
pub fn template_for(kind: &str) -> &str {
    match kind {
        "sitting_reminder" | "sitting_changed" => "sitting_confirmed",
        other => other,
    }
}

/// The message's text template: first line the subject, then the body.
fn template(
    kind: &str,
    language: Language,
) -> Result<minijinja::Template<'static, 'static>, minijinja::Error> {
    crate::templates::environment().get_template(&format!(
        "email/{}.{}.txt",
        template_for(kind),
        language.as_str()
    ))
}

fn split(source: &str) -> (&str, &str) {
    source.split_once('\n').unwrap_or((source, ""))
}

/// The subject is the template's first line rendered on its own, so that a
/// value with a line break (stored before input refused them) can neither
/// end the subject early nor push header-like lines into the body; any
/// control character left in it becomes a space.
fn render_subject(subject_source: &str, context: &Value) -> Result<String, minijinja::Error> {
    let subject: String = crate::templates::environment()
        .render_str(subject_source, context)?
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Ok(subject.trim().to_string())
}

/// The subject alone, for lists of messages.
pub fn subject(kind: &str, language: Language, context: Value) -> Result<String, minijinja::Error> {
    render_subject(split(template(kind, language)?.source()).0, &context)
}

pub fn render(
    kind: &str,
    language: Language,
    context: Value,
) -> Result<Rendered, minijinja::Error> {
    let env = crate::templates::environment();
    let template = template(kind, language)?;
    let (subject_source, body_source) = split(template.source());
    let subject = render_subject(subject_source, &context)?;
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

/// A context as the outbox keeps it: plain JSON, a snapshot of the values
/// at the time of the change.
pub fn context_to_json(context: &Value) -> Result<String, serde_json::Error> {
    serde_json::to_string(context)
}

/// A stored context, ready to render again.
pub fn context_from_json(json: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(json)
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

    /// The outbox keeps the context as JSON and renders it at delivery:
    /// the same bytes must come out as from the context itself.
    #[test]
    fn a_context_kept_as_json_renders_the_same_bytes() {
        let with_none = context! { deadline => None::<String>, open => true, students => 3usize };
        for ctx in [sample(), with_none] {
            let kept = context_from_json(&context_to_json(&ctx).unwrap()).unwrap();
            for kind in KINDS.iter().chain(&["sitting_reminder", "sitting_changed"]) {
                for lang in [Language::Sv, Language::En] {
                    assert_eq!(
                        render(kind, lang, kept.clone()).unwrap(),
                        render(kind, lang, ctx.clone()).unwrap(),
                        "{kind}.{}",
                        lang.as_str()
                    );
                    assert_eq!(
                        subject(kind, lang, kept.clone()).unwrap(),
                        render(kind, lang, ctx.clone()).unwrap().subject
                    );
                }
            }
        }
    }

    #[test]
    fn reminders_and_changes_use_the_confirmation() {
        let plain = render("sitting_confirmed", Language::Sv, sample()).unwrap();
        assert_eq!(
            render("sitting_reminder", Language::Sv, sample()).unwrap(),
            plain
        );
        let reminder = context! { reminder => true, course_code => "MA051G" };
        assert!(render("sitting_reminder", Language::Sv, reminder)
            .unwrap()
            .subject
            .starts_with("Påminnelse: Bekräftad: MA051G"));
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
