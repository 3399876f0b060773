//! E-mail templates (minijinja), compiled into the binary from
//! `templates/email/`.
//!
//! Each message kind has a text template per language whose first line is the
//! subject and the rest the body. The HTML part is the same text laid out by
//! `layout.html` (paragraphs, escaped), so the two parts never say different
//! things.

use std::sync::OnceLock;

use minijinja::{Environment, Value};

use crate::domain::Language;

macro_rules! template {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/templates/email/",
                $name
            )),
        )
    };
}

const TEMPLATES: &[(&str, &str)] = &[
    template!("sign_in_link.sv.txt"),
    template!("sign_in_link.en.txt"),
    template!("password_reset.sv.txt"),
    template!("password_reset.en.txt"),
    template!("request_received.sv.txt"),
    template!("request_received.en.txt"),
    template!("request_approved.sv.txt"),
    template!("request_approved.en.txt"),
    template!("request_rejected.sv.txt"),
    template!("request_rejected.en.txt"),
    template!("sitting_requested.sv.txt"),
    template!("sitting_requested.en.txt"),
    template!("sitting_confirmed.sv.txt"),
    template!("sitting_confirmed.en.txt"),
    template!("sitting_cancelled.sv.txt"),
    template!("sitting_cancelled.en.txt"),
    template!("study_confirmed.sv.txt"),
    template!("study_confirmed.en.txt"),
    template!("study_cancelled.sv.txt"),
    template!("study_cancelled.en.txt"),
    template!("request_report.sv.txt"),
    template!("request_report.en.txt"),
    template!("layout.html"),
];

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

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Keep the text exactly as written: a trailing newline is part of it.
        env.set_keep_trailing_newline(true);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and a test renders every
            // one, so a broken template cannot ship; skipping keeps start-up
            // infallible.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "e-mail template does not compile");
            }
        }
        env
    })
}

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
    let env = environment();
    let full = env
        .get_template(&format!("{kind}.{}.txt", language.as_str()))?
        .render(&context)?;
    let (subject, body) = full.split_once('\n').unwrap_or((full.as_str(), ""));
    let subject = subject.trim().to_string();
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
        .get_template("layout.html")?
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
