//! The OpenAPI 3.1 description of the HTTP API, generated from the handlers'
//! `#[utoipa::path]` annotations (the same ones the app's routes are built
//! from, see `routes`) and the request and response types' `ToSchema`
//! derives, so that it cannot drift from the code: `tests/api/openapi.rs`
//! checks that it describes every route of `routes::route_list()`.
//!
//! Served at `GET /api/openapi.json`; Swagger UI at `/api/docs/`.

use std::sync::OnceLock;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};

use crate::error::{Conflict, FieldError, ItemRef};
use crate::web::problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "skrivsal",
        description = "Exam-service booking and room scheduling for Swedish municipal learning \
centres. The stable contract is API.md; this description is generated from the code.\n\n\
Errors are `application/problem+json` (RFC 9457). Besides the statuses each operation \
lists, any request may answer 405 (a known path with another method), 500 (an internal \
error, logged with the `x-request-id` the response carries) or 503 (the database is \
unavailable or busy; try again).\n\n\
Authentication: an API token as `Authorization: Bearer <token>`, or the browser session \
cookie `skrivsal_session` from `POST /auth/login`; with the cookie, requests that change \
state must also send the session's CSRF token in `X-CSRF-Token`."
    ),
    components(
        schemas(Problem, FieldError, Conflict, ItemRef, crate::web::routes::LinkSent),
        responses(
            problems::BadRequest,
            problems::Unauthorized,
            problems::Forbidden,
            problems::NotFound,
            problems::Conflict,
            problems::PayloadTooLarge,
            problems::UnsupportedMediaType,
            problems::ValidationFailed,
            problems::TooManyRequests,
            problems::Unavailable,
        )
    ),
    modifiers(&Endpoints, &SecuritySchemes),
    tags(
        (name = "pages", description = "HTML pages for people"),
        (name = "health", description = "Liveness and readiness for load balancers"),
        (name = "docs", description = "This description and Swagger UI"),
        (name = "auth", description = "Browser sign-in; each endpoint takes JSON (answering JSON) or a form post from the sign-in pages (answering with a redirect or a page)"),
        (name = "centres", description = "Learning centres, their hours, closures and calendar"),
        (name = "rooms"),
        (name = "invigilators", description = "Invigilators and their availability"),
        (name = "access-cards"),
        (name = "institutions", description = "Universities and other institutions, with their exam rules"),
        (name = "accounts", description = "The caller, API tokens, accounts and the audit log"),
        (name = "exports", description = "CSV exports for spreadsheets"),
        (name = "feeds", description = "iCalendar feeds at secret, revocable addresses"),
        (name = "print", description = "Printable documents: HTML for A4, and PDF"),
        (name = "exams", description = "Exam requests and sittings"),
        (name = "study", description = "Study places and the caller's own bookings"),
        (name = "schedule", description = "A centre's day, for its staff"),
    )
)]
pub struct ApiDoc;

/// The description as JSON, built once: it never changes while the process runs.
pub fn json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI description serializes")
    })
}

/// Names of the security schemes, as operations refer to them.
pub const BEARER: &str = "bearer";
pub const COOKIE: &str = "cookie";
pub const CSRF: &str = "csrf";

/// Every endpoint's operation, from the route tables (in place of a
/// `paths(...)` list that would name each handler a second time).
struct Endpoints;

impl Modify for Endpoints {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        crate::web::routes::describe_all(openapi);
    }
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`skrivsal token create`, or `POST /api/v1/tokens`).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            COOKIE,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::accounts::sessions::COOKIE,
                "The browser session from `POST /auth/login` or an e-mailed sign-in link.",
            ))),
        );
        components.add_security_scheme(
            CSRF,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's `csrf_token`; required with the session cookie on requests \
                 that change state.",
            ))),
        );
    }
}

/// Path parameters shared by many operations.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CentreKey {
    /// The centre's slug or id.
    #[param(example = "sundsvall")]
    pub centre: String,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InstitutionKey {
    /// The institution's slug or id.
    #[param(example = "miun")]
    pub institution: String,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ItemId {
    /// The item's id (a UUIDv7).
    #[param(example = "01964f1c-8f0e-7c43-9a4e-2f6d1c0b7a55")]
    pub id: String,
}

/// Reusable problem+json responses, one per status, referred to from every
/// operation that can answer it (`#/components/responses/...`).
pub mod problems {
    use std::collections::BTreeMap;

    use utoipa::openapi::content::Content;
    use utoipa::openapi::header::Header;
    use utoipa::openapi::schema::{Object, Ref, Type};
    use utoipa::openapi::{RefOr, Response, ResponseBuilder};
    use utoipa::ToResponse;

    pub const CONTENT_TYPE: &str = "application/problem+json";

    fn problem(description: &str) -> ResponseBuilder {
        ResponseBuilder::new().description(description).content(
            CONTENT_TYPE,
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
    }

    macro_rules! problem_response {
        ($(#[$doc:meta])* $name:ident, $description:expr $(, $header:expr => $header_description:expr)?) => {
            $(#[$doc])*
            pub struct $name;

            impl<'r> ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    #[allow(unused_mut)]
                    let mut response = problem($description);
                    $(
                        response = response.header(
                            $header,
                            Header::builder()
                                .schema(Object::with_type(Type::String))
                                .description(Some($header_description))
                                .build(),
                        );
                    )?
                    (stringify!($name), response.build().into())
                }
            }
        };
    }

    problem_response!(
        BadRequest,
        "Malformed request: the body is not valid JSON, or the query string could not be read."
    );
    problem_response!(
        Unauthorized,
        "No valid credentials: send `Authorization: Bearer <token>` or the session cookie.",
        "WWW-Authenticate" => "`Bearer`"
    );
    problem_response!(
        Forbidden,
        "The caller may know of the item but not do this, or a request with the session \
         cookie lacks its `X-CSRF-Token`."
    );
    problem_response!(
        NotFound,
        "No such item, or one the caller may not know of (another tenant's)."
    );
    problem_response!(
        Conflict,
        "A rule or state conflict: `conflicts` names each broken rule and the item it \
         collides with. Nothing was changed."
    );
    problem_response!(PayloadTooLarge, "The body is larger than 1 MiB.");
    problem_response!(
        UnsupportedMediaType,
        "The body was not sent as `application/json`."
    );
    problem_response!(
        ValidationFailed,
        "Invalid field values: `errors` names every bad field (e.g. `opening[0].closes`) \
         or query parameter and the rule it breaks; a value of the wrong type is named too, \
         and so is a query parameter the operation does not take (`unknown_field`). At most \
         50 are listed: `more_errors` (and `detail`) says how many more there are."
    );
    problem_response!(
        TooManyRequests,
        "Rate-limited sign-in attempts or e-mailed links.",
        "Retry-After" => "Seconds to wait before trying again."
    );
    problem_response!(
        Unavailable,
        "The database does not answer, or migrations are not applied yet."
    );

    /// The component response of each problem status, as the groups below
    /// refer to them.
    fn component(status: u16) -> &'static str {
        match status {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            409 => "Conflict",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "ValidationFailed",
            429 => "TooManyRequests",
            503 => "Unavailable",
            other => panic!("no problem response for status {other}"),
        }
    }

    /// References to the problem responses of `statuses`, as an operation's
    /// `responses(...)` lists them.
    pub(crate) fn refs(statuses: &[u16]) -> BTreeMap<String, RefOr<Response>> {
        statuses
            .iter()
            .map(|&status| {
                let name = component(status);
                (status.to_string(), Ref::from_response_name(name).into())
            })
            .collect()
    }

    /// `groups! { Name = [causes…]; … }`: a named set of problem answers that
    /// an operation lists with `responses(…, p::Name)`. Each group is the
    /// union of the causes in its list, so an operation names what can go
    /// wrong with it once, in the words of why.
    macro_rules! groups {
        ($($(#[$doc:meta])* $name:ident = [$($cause:expr),* $(,)?];)*) => {$(
            $(#[$doc])*
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    let statuses: Vec<u16> = [$(&$cause[..]),*].concat();
                    refs(&statuses)
                }
            }
        )*};
    }

    // The causes a group is made of.
    /// An item named in the path (or a filter) that does not exist, or that
    /// the caller may not know of.
    const ITEM: [u16; 1] = [404];
    /// Query parameters: a wrongly typed value, a value out of range, or a
    /// parameter the operation does not take (422); an unreadable query (400).
    const QUERY: [u16; 2] = [400, 422];
    /// A JSON body (`extract::Body`): not JSON (400), too large (413), not
    /// sent as JSON (415), invalid fields (422).
    const BODY: [u16; 4] = [400, 413, 415, 422];
    /// The caller may see the item but not do this (a role or centre they do
    /// not have, or a cookie request without its CSRF token).
    const ROLE: [u16; 1] = [403];
    /// A rule or state the change would break.
    const CONFLICT: [u16; 1] = [409];

    groups! {
        /// Reading (or removing one's own) item named in the path.
        ItemErrors = [ITEM];
        /// A read (a list, a page) with query parameters.
        QueryErrors = [QUERY];
        /// A read of an item, or under one, with query parameters.
        ItemQueryErrors = [ITEM, QUERY];
        /// A list for system admins only.
        AdminListErrors = [ROLE, QUERY];
        /// A read of a centre's or institution's data for its staff only.
        StaffReadErrors = [ITEM, ROLE, QUERY];
        /// Any operation that takes a JSON body, and nothing else can fail.
        JsonBody = [BODY];
        /// Creating something only some roles may create.
        CreateErrors = [BODY, ROLE];
        /// Creating something unique or bound by the booking rules.
        CreateConflictErrors = [BODY, ROLE, CONFLICT];
        /// Changing (or adding under) an item with a JSON body.
        EditErrors = [BODY, ROLE, ITEM];
        /// Changing (or adding under) an item where the change can conflict.
        EditConflictErrors = [BODY, ROLE, ITEM, CONFLICT];
        /// A state change or removal without a body that can conflict.
        ActionErrors = [ROLE, ITEM, CONFLICT];
        /// A removal that cannot conflict.
        RemoveErrors = [ROLE, ITEM];
    }

    /// A sign-in post: an unreadable body (400), a form from another origin
    /// (403), invalid fields or a used link (422), throttled (429). Each is a
    /// problem for a JSON caller, and a page for a browser's form post.
    pub struct SignInErrors;

    impl utoipa::IntoResponses for SignInErrors {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            [
                (400, "Malformed request: the body could not be read."),
                (403, "A form posted from another origin."),
                (422, "Invalid fields (`errors` names them), or an e-mailed link that is used, expired or wrong (`token`)."),
                (429, "Rate-limited sign-in attempts or e-mailed links."),
            ]
            .into_iter()
            .map(|(status, description)| {
                let mut response = problem(description).content(
                    "text/html",
                    Content::new(Some(Object::with_type(Type::String))),
                );
                if status == 429 {
                    response = response.header(
                        "Retry-After",
                        Header::builder()
                            .schema(Object::with_type(Type::String))
                            .description(Some("Seconds to wait before trying again."))
                            .build(),
                    );
                }
                (status.to_string(), response.build().into())
            })
            .collect()
        }
    }
}

/// OpenAPI schemas of core types that the service returns. The core crate
/// (`skrivsal-core`) knows nothing of utoipa, so each is mirrored here with the
/// same name, serde shape and doc comments, and fields of those types point at the
/// mirror with `#[schema(value_type = ...)]`. Keep each in step with its original:
/// `tests::mirrors_serialize_like_the_core` compares them.
pub mod schemas {
    use serde::Serialize;
    use utoipa::ToSchema;

    /// Whether a day is a holiday by law or merely a day on which Swedish workplaces are
    /// closed by custom and collective agreements.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    pub enum HolidayKind {
        /// An allmän helgdag under Lag (1989:253).
        Public,
        /// Not a holiday by law, but practically every workplace is closed (e.g. julafton).
        DeFacto,
    }

    /// The objective, compared field by field in declaration order: fewer
    /// unplaced sittings beat anything else, and so on down.
    #[derive(Serialize, ToSchema)]
    #[allow(dead_code)]
    pub struct Cost {
        pub unplaced: u32,
        /// Confirmed sittings placed elsewhere than they were (or left unplaced).
        pub moves: u32,
        /// Invigilator time the plan adds (for a re-plan with moves: all of it in the
        /// date range), in minutes.
        pub invigilator_minutes: i64,
        /// Room-days with at least one sitting.
        pub rooms_opened: u32,
        /// Sittings wanting an accessible room placed in another, and fixed-time
        /// exams not at their exact start.
        pub unmet_preferences: u32,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    pub enum Role {
        SystemAdmin,
        CentreAdmin,
        Invigilator,
        Institution,
        Student,
    }

    #[cfg(test)]
    mod tests {
        use crate::calendar::HolidayKind as CoreHolidayKind;
        use crate::domain::Role as CoreRole;
        use crate::scheduler::Cost as CoreCost;

        fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
            serde_json::to_value(v).expect("serializes")
        }

        #[test]
        fn mirrors_serialize_like_the_core() {
            assert_eq!(
                json(&CoreHolidayKind::Public),
                json(&super::HolidayKind::Public)
            );
            assert_eq!(
                json(&CoreHolidayKind::DeFacto),
                json(&super::HolidayKind::DeFacto)
            );
            let roles = [
                (CoreRole::SystemAdmin, super::Role::SystemAdmin),
                (CoreRole::CentreAdmin, super::Role::CentreAdmin),
                (CoreRole::Invigilator, super::Role::Invigilator),
                (CoreRole::Institution, super::Role::Institution),
                (CoreRole::Student, super::Role::Student),
            ];
            assert_eq!(roles.len(), CoreRole::ALL.len());
            for (core, mirror) in &roles {
                assert_eq!(json(core), json(mirror));
            }
            let core = CoreCost {
                unplaced: 1,
                moves: 2,
                invigilator_minutes: 3,
                rooms_opened: 4,
                unmet_preferences: 5,
            };
            // An exhaustive destructuring: a field added to the core fails to compile here.
            let CoreCost {
                unplaced,
                moves,
                invigilator_minutes,
                rooms_opened,
                unmet_preferences,
            } = core;
            let mirror = super::Cost {
                unplaced,
                moves,
                invigilator_minutes,
                rooms_opened,
                unmet_preferences,
            };
            assert_eq!(json(&core), json(&mirror));
        }
    }
}
