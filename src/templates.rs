//! The one template environment (minijinja) for mail, print and pages, with
//! the templates of `templates/` compiled into the binary, each named by its
//! path there (`email/…`, `print/…`, `pages/…`).
//!
//! Autoescaping follows the name: on for `.html`, off for `.txt` (mail text
//! is plain text). Trailing newlines are kept because a mail body's last
//! newline is part of it; HTML layouts trim theirs in the template.

use std::sync::OnceLock;

use minijinja::Environment;

macro_rules! template {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)),
        )
    };
}

const TEMPLATES: &[(&str, &str)] = &[
    template!("email/sign_in_link.sv.txt"),
    template!("email/sign_in_link.en.txt"),
    template!("email/password_reset.sv.txt"),
    template!("email/password_reset.en.txt"),
    template!("email/request_received.sv.txt"),
    template!("email/request_received.en.txt"),
    template!("email/request_approved.sv.txt"),
    template!("email/request_approved.en.txt"),
    template!("email/request_rejected.sv.txt"),
    template!("email/request_rejected.en.txt"),
    template!("email/sitting_requested.sv.txt"),
    template!("email/sitting_requested.en.txt"),
    template!("email/sitting_confirmed.sv.txt"),
    template!("email/sitting_confirmed.en.txt"),
    template!("email/sitting_cancelled.sv.txt"),
    template!("email/sitting_cancelled.en.txt"),
    template!("email/study_confirmed.sv.txt"),
    template!("email/study_confirmed.en.txt"),
    template!("email/study_cancelled.sv.txt"),
    template!("email/study_cancelled.en.txt"),
    template!("email/request_report.sv.txt"),
    template!("email/request_report.en.txt"),
    template!("email/layout.html"),
    template!("print/base.html"),
    template!("print/schedule.html"),
    template!("print/invigilators.html"),
    template!("print/door_signs.html"),
    template!("print/attendance.html"),
    template!("pages/base.html"),
    template!("pages/link.html"),
    template!("pages/password_reset.html"),
    template!("pages/link_sent.html"),
    template!("pages/layout.html"),
    template!("pages/error.html"),
    template!("pages/landing.html"),
    template!("pages/start.html"),
    template!("pages/sign_in.html"),
    template!("pages/start_centre.html"),
    template!("pages/start_institution.html"),
    template!("pages/start_admin.html"),
    template!("pages/centre.html"),
    template!("pages/bookings.html"),
    template!("pages/book.html"),
    template!("pages/exams.html"),
    template!("pages/calendar.html"),
];

pub fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_keep_trailing_newline(true);
        // The pages' words, from the Fluent catalogues, in the context's `lang`.
        env.add_function("t", crate::web::pages::i18n::template_function);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and the tests render every
            // one, so a broken template cannot ship; skipping keeps start-up
            // infallible.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "template does not compile");
            }
        }
        env
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_compiles() {
        let env = super::environment();
        for (name, _) in super::TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let env = super::environment();
        let t = env.template_from_named_str("x.html", "{{ v }}").unwrap();
        assert_eq!(
            t.render(minijinja::context! { v => "<b>" }).unwrap(),
            "&lt;b&gt;"
        );
        let t = env.template_from_named_str("x.txt", "{{ v }}").unwrap();
        assert_eq!(t.render(minijinja::context! { v => "<b>" }).unwrap(), "<b>");
    }

    /// HTML layouts end with a comment that trims the newline the
    /// environment would keep, so documents end at their closing tag.
    #[test]
    fn layouts_end_at_their_tag() {
        let env = super::environment();
        let t = env
            .template_from_named_str("x.html", "</html>\n{#- end -#}\n")
            .unwrap();
        assert_eq!(t.render(()).unwrap(), "</html>");
    }
}
