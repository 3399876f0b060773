//! The landing page, the language switch and sign-out.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::context::{removal, see_other, start_page, LANG_COOKIE};
use super::{form, i18n, run, Page, State, Viewer};
use crate::accounts::{preferences, sessions};

#[derive(Serialize)]
struct CentreLink {
    slug: String,
    name: String,
    municipality: String,
}

pub(super) async fn landing(state: State, viewer: Viewer) -> Page {
    if let Some(caller) = &viewer.caller {
        return Ok(see_other(start_page(caller.role), None));
    }
    let centres = run(&state, viewer.lang, crate::centres::public::list).await?;
    let centres: Vec<CentreLink> = centres
        .into_iter()
        .map(|c| CentreLink {
            slug: c.slug,
            name: c.name,
            municipality: c.municipality,
        })
        .collect();
    viewer.render(
        "pages/landing.html",
        "title-landing",
        minijinja::context! { centres },
    )
}

#[derive(Deserialize)]
pub(super) struct LangForm {
    lang: String,
    back: Option<String>,
    csrf: Option<String>,
}

/// Only a path on this site: an absolute or scheme-relative address would
/// make the switch an open redirect.
fn local_path(back: Option<&str>) -> &str {
    match back {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/",
    }
}

/// The language switch: a cookie for everyone, and the account's choice
/// (which mail uses too) for the signed in.
pub(super) async fn switch_language(state: State, viewer: Viewer, body: web::Bytes) -> Page {
    let input: LangForm = form(viewer.lang, &body)?;
    let lang = i18n::parse(&input.lang).ok_or_else(|| {
        viewer.error(crate::error::Error::invalid("lang", "language", "sv or en"))
    })?;
    if viewer.caller.is_some() {
        let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
        run(&state, viewer.lang, move |c| {
            preferences::set_language(c, &caller, lang)
        })
        .await?;
    }
    let mut response = see_other(local_path(input.back.as_deref()), None);
    response
        .add_cookie(
            &Cookie::build(LANG_COOKIE, lang.as_str())
                .path("/")
                .same_site(SameSite::Lax)
                .max_age(time::Duration::days(365))
                .finish(),
        )
        .map_err(|e| viewer.error(anyhow::anyhow!("cookie: {e}").into()))?;
    Ok(response)
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    pub csrf: Option<String>,
}

pub(super) async fn sign_out(
    req: HttpRequest,
    state: State,
    viewer: Viewer,
    body: web::Bytes,
) -> Page {
    let input: CsrfForm = form(viewer.lang, &body)?;
    viewer.check_csrf(input.csrf.as_deref())?;
    if let Some(cookie) = req.cookie(sessions::COOKIE) {
        let secret = cookie.value().to_string();
        run(&state, viewer.lang, move |c| sessions::sign_out(c, &secret)).await?;
    }
    let mut response = see_other("/", Some("flash-signed-out"));
    response
        .add_cookie(&removal(sessions::COOKIE))
        .map_err(|e| viewer.error(anyhow::anyhow!("cookie: {e}").into()))?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_switch_goes_back_only_to_our_own_paths() {
        assert_eq!(
            super::local_path(Some("/me/book?date=2026-12-08")),
            "/me/book?date=2026-12-08"
        );
        assert_eq!(super::local_path(Some("//evil.example/")), "/");
        assert_eq!(super::local_path(Some("https://evil.example/")), "/");
        assert_eq!(super::local_path(Some("/\\evil.example")), "/");
        assert_eq!(super::local_path(None), "/");
    }
}
