//! Who is looking at a page, in which language, and what the layout needs:
//! the `Viewer` extractor and the context every page template gets.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use super::errors::PageError;
use super::i18n;
use crate::accounts::actor::{caller_for_session, Caller};
use crate::accounts::sessions;
use crate::domain::{Language, Role};
use crate::error::Error;
use crate::web::AppState;

/// The language an anonymous visitor chose with the switch.
pub const LANG_COOKIE: &str = "skrivsal_lang";
/// A status message for the next page (a catalogue key), set with a
/// redirect after a form post and shown once.
pub const FLASH_COOKIE: &str = "skrivsal_flash";

/// The person behind a page request: signed in with a session cookie or not.
/// (Pages are for browsers; API tokens are not looked at.)
pub struct Viewer {
    pub lang: Language,
    pub caller: Option<Caller>,
    /// The session's CSRF token, put into every form as a hidden field.
    pub csrf: Option<String>,
    flash: Option<String>,
    path: String,
}

impl FromRequest for Viewer {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Viewer, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let secret = req.cookie(sessions::COOKIE).map(|c| c.value().to_string());
        let chosen = req.cookie(LANG_COOKIE).and_then(|c| i18n::parse(c.value()));
        let accepted = i18n::negotiate(
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        let anonymous_lang = chosen.unwrap_or(accepted);
        let flash = req
            .cookie(FLASH_COOKIE)
            .map(|c| c.value().to_string())
            .filter(|k| k.starts_with("flash-") && i18n::has(anonymous_lang, k));
        let path = req
            .uri()
            .path_and_query()
            .map_or("/".into(), |p| p.as_str().to_string());
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                PageError::new(
                    anonymous_lang,
                    anyhow::anyhow!("application state missing").into(),
                )
            })?;
            let Some(secret) = secret else {
                return Ok(Viewer {
                    lang: anonymous_lang,
                    caller: None,
                    csrf: None,
                    flash,
                    path,
                });
            };
            let found = state
                .db
                .run(move |conn| {
                    Ok(caller_for_session(conn, &secret)?
                        .map(|found| (found.caller, found.csrf_token, found.language)))
                })
                .await
                .map_err(|e| PageError::new(anonymous_lang, e))?;
            Ok(match found {
                Some((caller, csrf, lang)) => Viewer {
                    lang,
                    caller: Some(caller),
                    csrf: Some(csrf),
                    flash,
                    path,
                },
                // An expired session reads as signed out.
                None => Viewer {
                    lang: anonymous_lang,
                    caller: None,
                    csrf: None,
                    flash,
                    path,
                },
            })
        })
    }
}

#[derive(Serialize)]
struct NavItem {
    href: &'static str,
    key: &'static str,
    current: bool,
}

#[derive(Serialize)]
struct Person<'a> {
    name: &'a str,
    role: &'static str,
}

/// The start page of each role. Students and invigilators have theirs;
/// admins and institutions land on `/start` (`pages::start`), a page per
/// role over the operations they have until their full pages come with
/// issues 16–17.
pub fn start_page(role: Role) -> &'static str {
    match role {
        Role::Student => "/me/bookings",
        Role::Invigilator => "/me/shifts",
        _ => "/start",
    }
}

fn nav(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Student => &[
            ("/me/bookings", "nav-my-bookings"),
            ("/me/book", "nav-book-study"),
            ("/me/exams", "nav-exams"),
            ("/me/calendar", "nav-calendar"),
        ],
        Role::Invigilator => &[
            ("/me/shifts", "nav-my-shifts"),
            ("/me/availability", "nav-availability"),
            ("/me/calendar", "nav-calendar"),
        ],
        _ => &[("/start", "nav-start")],
    }
}

impl Viewer {
    /// A signed-in viewer outside any request (a benchmark renders pages
    /// this way): no CSRF token and no status message.
    pub fn for_caller(caller: Caller, lang: Language, path: &str) -> Viewer {
        Viewer {
            lang,
            caller: Some(caller),
            csrf: None,
            flash: None,
            path: path.to_string(),
        }
    }

    /// The signed-in caller, or a redirect to the sign-in page.
    pub fn signed_in(&self) -> Result<&Caller, PageError> {
        self.caller
            .as_ref()
            .ok_or_else(|| PageError::new(self.lang, Error::Unauthorized))
    }

    /// A student's page: others get 404, as for another tenant's item.
    pub fn student(&self) -> Result<&Caller, PageError> {
        self.of_role(Role::Student)
    }

    /// An invigilator's page: others get 404.
    pub fn invigilator(&self) -> Result<&Caller, PageError> {
        self.of_role(Role::Invigilator)
    }

    fn of_role(&self, role: Role) -> Result<&Caller, PageError> {
        let caller = self.signed_in()?;
        if caller.role == role {
            Ok(caller)
        } else {
            Err(self.error(Error::NotFound))
        }
    }

    pub fn error(&self, e: Error) -> PageError {
        PageError::new(self.lang, e)
    }

    /// A form post must carry the session's token: a cookie goes along with
    /// any site's form, the token only with ours.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<&Caller, PageError> {
        let caller = self.signed_in()?;
        match (&self.csrf, sent) {
            (Some(own), Some(sent)) if own == sent => Ok(caller),
            _ => Err(self.error(Error::CsrfRejected)),
        }
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key, &[])
    }

    /// The context of the layout, with the page's own values in `page`.
    pub fn context(&self, title_key: &str, page: minijinja::Value) -> minijinja::Value {
        let current = self.path.split('?').next().unwrap_or("/");
        let nav: Vec<NavItem> = self
            .caller
            .as_ref()
            .map(|c| {
                nav(c.role)
                    .iter()
                    .map(|&(href, key)| NavItem {
                        href,
                        key,
                        current: current == href,
                    })
                    .collect()
            })
            .unwrap_or_default();
        minijinja::context! {
            lang => self.lang.as_str(),
            other_lang => match self.lang { Language::Sv => "en", Language::En => "sv" },
            title => self.t(title_key),
            person => self.caller.as_ref().map(|c| Person { name: &c.name, role: c.role.as_str() }),
            nav => nav,
            csrf => self.csrf,
            flash => self.flash.as_ref().map(|k| self.t(k)),
            path => self.path,
            ..page
        }
    }

    /// Renders `template` in the layout; a shown flash message is cleared.
    pub fn render(
        &self,
        template: &str,
        title_key: &str,
        page: minijinja::Value,
    ) -> Result<HttpResponse, PageError> {
        let body =
            render_template(template, self.context(title_key, page)).map_err(|e| self.error(e))?;
        let mut response = HttpResponse::Ok();
        response.content_type("text/html; charset=utf-8");
        if self.flash.is_some() {
            response.cookie(removal(FLASH_COOKIE));
        }
        Ok(response.body(body))
    }
}

pub fn render_template(template: &str, ctx: minijinja::Value) -> Result<String, Error> {
    crate::templates::environment()
        .get_template(template)
        .and_then(|t| t.render(ctx))
        .map_err(|e| Error::Internal(anyhow::anyhow!("rendering {template}: {e:#}")))
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build(name, "").path("/").finish();
    c.make_removal();
    c
}

/// 303 to `to` (after a form post: the browser then GETs it, and a reload
/// does not post again), with a status message for the next page.
pub fn see_other(to: &str, flash: Option<&str>) -> HttpResponse {
    let mut r = HttpResponse::SeeOther();
    r.insert_header((header::LOCATION, to.to_string()));
    if let Some(key) = flash {
        r.cookie(
            Cookie::build(FLASH_COOKIE, key.to_string())
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .finish(),
        );
    }
    r.finish()
}
