//! The pages' words: one Fluent catalogue per language
//! (`templates/i18n/{sv,en}.ftl`), compiled into the binary. Templates call
//! `t("key", name=…)`; Rust code calls [`t`]. A key missing from a catalogue
//! shows as the key itself (and a unit test keeps that from shipping).

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::domain::Language;

const SV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/templates/i18n/sv.ftl"
));
const EN: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/templates/i18n/en.ftl"
));

pub const LANGUAGES: [Language; 2] = [Language::Sv, Language::En];

fn source(lang: Language) -> &'static str {
    match lang {
        Language::Sv => SV,
        Language::En => EN,
    }
}

fn bundle(lang: Language) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<HashMap<&'static str, FluentBundle<FluentResource>>> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| {
        LANGUAGES
            .iter()
            .map(|&l| {
                let id: unic_langid::LanguageIdentifier =
                    l.as_str().parse().expect("sv and en are language tags");
                let mut b = FluentBundle::new_concurrent(vec![id]);
                // Unicode isolation marks around arguments would end up
                // inside attributes and copied text; our arguments are
                // short and left-to-right.
                b.set_use_isolating(false);
                let res = FluentResource::try_new(source(l).to_string()).unwrap_or_else(
                    |(res, errors)| {
                        tracing::error!(lang = l.as_str(), ?errors, "catalogue does not parse");
                        res
                    },
                );
                if let Err(errors) = b.add_resource(res) {
                    tracing::error!(lang = l.as_str(), ?errors, "catalogue has duplicates");
                }
                (l.as_str(), b)
            })
            .collect()
    });
    &all[lang.as_str()]
}

/// The message `key` in `lang` with its arguments.
pub fn t(lang: Language, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::warn!(key, lang = lang.as_str(), "missing message");
        return key.to_string();
    };
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        fargs.set(*name, value.clone());
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(key, ?errors, "message arguments");
    }
    text.into_owned()
}

pub fn has(lang: Language, key: &str) -> bool {
    bundle(lang).has_message(key)
}

/// `t("key", name=value, …)` for templates: the language is the context's
/// `lang`.
pub fn template_function(
    state: &minijinja::State,
    key: &str,
    kwargs: minijinja::value::Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = match state.lookup("lang").as_ref().and_then(|v| v.as_str()) {
        Some("en") => Language::En,
        _ => Language::Sv,
    };
    let mut args: Vec<(&str, FluentValue<'_>)> = Vec::new();
    for name in kwargs.args() {
        let v: minijinja::Value = kwargs.get(name)?;
        let value = match i64::try_from(v.clone()) {
            Ok(n) if v.kind() == minijinja::value::ValueKind::Number => FluentValue::from(n),
            _ => FluentValue::from(v.to_string()),
        };
        args.push((name, value));
    }
    Ok(t(lang, key, &args))
}

/// The language a visitor without a stored choice reads: the first of ours
/// in `Accept-Language`, Swedish when none is.
pub fn negotiate(accept_language: Option<&str>) -> Language {
    preferred(accept_language).unwrap_or(Language::Sv)
}

/// The first of ours in `Accept-Language` (q-values respected), if it names
/// one.
pub fn preferred(accept_language: Option<&str>) -> Option<Language> {
    let header = accept_language?;
    let mut ranked: Vec<(f32, Language)> = header
        .split(',')
        .filter_map(|part| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                .unwrap_or(1.0);
            let lang = match tag.split('-').next()? {
                "sv" => Language::Sv,
                "en" => Language::En,
                _ => return None,
            };
            Some((q, lang))
        })
        .collect();
    // Stable: equal weights keep the header's order; q=0 means "not this".
    ranked.retain(|&(q, _)| q > 0.0);
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|&(_, l)| l)
}

pub fn parse(code: &str) -> Option<Language> {
    match code {
        "sv" => Some(Language::Sv),
        "en" => Some(Language::En),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(src: &str) -> Vec<String> {
        src.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
            .collect()
    }

    /// Every `t("key"` in the page templates and every `"key"` the Rust code
    /// names with `t(lang, "…"` or a rule code, in both catalogues.
    fn used_keys() -> Vec<String> {
        let mut used = Vec::new();
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates/pages"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/pages"),
        ];
        // The page modules nest (`student/`): read every file below each folder.
        let mut files = Vec::new();
        let mut pending: Vec<std::path::PathBuf> = dirs.iter().map(Into::into).collect();
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in [
                "t(\"",
                "t(lang, \"",
                "t(self.lang, \"",
                "key: \"",
                "\"nav-",
                "\"flash-",
                "\"error-",
                "\"title-",
                "\"acc-",
            ] {
                for (i, _) in text.match_indices(marker) {
                    // A marker that starts with a quote is the key's own start.
                    let start = if marker.starts_with('"') {
                        i + 1
                    } else {
                        i + marker.len()
                    };
                    let key: String = text[start..].chars().take_while(|&c| c != '"').collect();
                    // Keys are lower-case words joined by hyphens;
                    // anything else after a marker is not one.
                    let is_key = key.contains('-')
                        && !key.ends_with('-')
                        && key.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                        });
                    if is_key {
                        used.push(key);
                    }
                }
            }
        }
        for rule in super::super::errors::RULES {
            used.push(format!("rule-{rule}"));
        }
        used.push("rule-closed_day-detail".into());
        used.push("rule-student_double_booked-detail".into());
        used.push("rule-other".into());
        for s in crate::types::SittingStatus::names() {
            used.push(format!("status-{s}"));
        }
        for s in crate::types::StudyBookingStatus::names() {
            used.push(format!("status-{s}"));
        }
        for s in crate::types::RequestStatus::names() {
            used.push(format!("request-status-{s}"));
        }
        for doc in crate::documents::print::Document::ALL {
            used.push(format!("print-doc-{}", doc.slug()));
        }
        for k in crate::types::RoomKind::names() {
            used.push(format!("room-kind-{k}"));
        }
        used.sort();
        used.dedup();
        used
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let (mut sv, mut en) = (keys(SV), keys(EN));
        sv.sort();
        en.sort();
        assert!(!sv.is_empty());
        let only_sv: Vec<_> = sv.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !sv.contains(k)).collect();
        assert!(
            only_sv.is_empty() && only_en.is_empty(),
            "sv only: {only_sv:?}, en only: {only_en:?}"
        );
    }

    #[test]
    fn every_key_used_is_in_both_catalogues() {
        let used = used_keys();
        assert!(used.len() > 20, "the scan found too little: {used:?}");
        for lang in LANGUAGES {
            let missing: Vec<_> = used.iter().filter(|k| !has(lang, k)).collect();
            assert!(missing.is_empty(), "{}: missing {missing:?}", lang.as_str());
        }
    }

    #[test]
    fn arguments_fill_in() {
        let text = t(
            Language::Sv,
            "rule-closed_day-detail",
            &[("reason", "midsommarafton".into())],
        );
        assert_eq!(text, "Lärcentret är stängt på midsommarafton");
    }

    #[test]
    fn accept_language_picks_the_best_of_ours() {
        assert_eq!(negotiate(None), Language::Sv);
        assert_eq!(negotiate(Some("en-GB,en;q=0.9")), Language::En);
        assert_eq!(negotiate(Some("de-DE, en;q=0.5, sv;q=0.8")), Language::Sv);
        assert_eq!(negotiate(Some("fr")), Language::Sv);
    }
}
