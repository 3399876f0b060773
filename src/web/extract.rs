//! `Body<T>`: a JSON body whose type errors name the field; `Query<T>`: query
//! parameters, the same way.
//!
//! actix's `Json<T>` reports "invalid type: string, expected u32 at line 1
//! column 42"; API.md promises 422 naming the field. serde_path_to_error
//! gives the path (`students[2].accommodations.extra_time_percent`), so a
//! malformed document (syntax) is 400 and a well-formed one with a wrong value
//! type is 422 with that field. actix's `Query<T>` says "Query deserialize
//! error: invalid digit found in string" and ignores parameters it does not
//! know, so `?stauts=approved` silently lists everything: ours names the
//! parameter and the rule, and refuses parameters the operation does not take.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use url::form_urlencoded;
use utoipa::openapi::path::ParameterIn;
use utoipa::IntoParams;

use crate::error::FieldError;
use crate::web::problem::ApiError;
use crate::web::JSON_LIMIT_BYTES;

pub struct Body<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Body<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as application/json".into(),
                ));
            }
            let bytes = bytes.await.map_err(|e| {
                if e.as_response_error().status_code()
                    == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
                {
                    ApiError::PayloadTooLarge {
                        limit: JSON_LIMIT_BYTES,
                    }
                } else {
                    ApiError::BadRequest(format!("the request body could not be read: {e}"))
                }
            })?;
            parse(&bytes).map(Body)
        })
    }
}

/// The raw body, up to the JSON limit, for endpoints that take either JSON or
/// a form; a larger body is a 413 problem like everywhere else.
pub struct RawBody(pub web::Bytes);

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<RawBody, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move { bytes.await.map(RawBody).map_err(read_error) })
    }
}

fn read_error(e: actix_web::Error) -> ApiError {
    if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge {
            limit: JSON_LIMIT_BYTES,
        }
    } else {
        ApiError::BadRequest(format!("the request body could not be read: {e}"))
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            ApiError::BadRequest(format!("the body is not valid JSON: {inner}"))
        } else {
            ApiError::Invalid(vec![field_error(&path, &inner.to_string())])
        }
    })?;
    de.end()
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    Ok(value)
}

/// A deserialization error at `path` (`.` for the whole value) as the field
/// it concerns and the rule it breaks.
fn field_error(path: &str, message: &str) -> FieldError {
    let field = if path == "." { "" } else { path };
    let message = message.split(" at line ").next().unwrap_or(message);
    let rule = if message.starts_with("missing field") {
        "required"
    } else if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("duplicate field") {
        "duplicate"
    } else {
        "type"
    };
    // The path of a missing field ends at its parent; an unknown
    // field's path already ends with its own name.
    let field = match (rule, message.split('`').nth(1)) {
        ("required", Some(name)) if field.is_empty() => name.to_string(),
        ("required", Some(name)) => format!("{field}.{name}"),
        _ => field.to_string(),
    };
    FieldError::new(field, rule, message)
}

/// Query parameters read into `T`, the type whose `IntoParams` describes
/// them in the OpenAPI document: a parameter it does not describe is refused
/// (422, `unknown_field`), as is a value of the wrong type (422, `type`,
/// naming the parameter), so what is accepted is what is documented.
///
/// Only operations that take query parameters refuse unknown ones: there a
/// misspelt filter would silently answer something else; elsewhere (a
/// stylesheet, a calendar feed) a cache-busting `?v=2` is harmless.
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + IntoParams + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Query<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned + IntoParams>(query: &str) -> Result<T, ApiError> {
    let known: Vec<String> = T::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .map(|p| p.name)
        .collect();
    let mut unknown: Vec<FieldError> = Vec::new();
    for (name, _) in form_urlencoded::parse(query.as_bytes()) {
        if !known.iter().any(|k| *k == name) && !unknown.iter().any(|e| e.field == name) {
            unknown.push(FieldError::new(
                name,
                "unknown_field",
                match known.as_slice() {
                    [] => "this operation takes no query parameters".to_string(),
                    known => format!("not a query parameter here; it takes {}", known.join(", ")),
                },
            ));
        }
    }
    if !unknown.is_empty() {
        return Err(ApiError::Invalid(unknown));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::Invalid(vec![field_error(&path, &e.into_inner().to_string())])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Room {
        name: String,
        seats: i64,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
    }

    #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    #[allow(dead_code)]
    struct ListQuery {
        status: Option<String>,
        limit: Option<i64>,
        date: String,
    }

    #[test]
    fn query_errors_name_the_parameter_and_the_rule() {
        let q = parse_query::<ListQuery>("date=2026-01-01&limit=5&status=approved").unwrap();
        assert_eq!((q.limit, q.status.as_deref()), (Some(5), Some("approved")));
        let e = parse_query::<ListQuery>("date=x&limit=ten").unwrap_err();
        assert_eq!(field_of(e), ("limit".into(), "type".into()));
        let e = parse_query::<ListQuery>("limit=1").unwrap_err();
        assert_eq!(field_of(e), ("date".into(), "required".into()));
        let e = parse_query::<ListQuery>("date=x&stauts=approved").unwrap_err();
        assert_eq!(field_of(e), ("stauts".into(), "unknown_field".into()));
    }

    fn field_of(e: ApiError) -> (String, String) {
        match e {
            ApiError::Invalid(errs) => (errs[0].field.clone(), errs[0].rule.clone()),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn syntax_errors_are_400() {
        assert!(matches!(
            parse::<Room>(b"{\"name\": "),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Room>(br#"{"name":"A","seats":1} trailing"#),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn type_errors_name_the_field() {
        let e = parse::<Room>(br#"{"name":"A","seats":"many"}"#).unwrap_err();
        assert_eq!(field_of(e), ("seats".into(), "type".into()));
        let e = parse::<Room>(br#"{"name":"A","seats":1,"inner":{"n":-1}}"#).unwrap_err();
        assert_eq!(field_of(e), ("inner.n".into(), "type".into()));
        let e = parse::<Room>(br#"{"name":"A"}"#).unwrap_err();
        assert_eq!(field_of(e), ("seats".into(), "required".into()));
        let e = parse::<Room>(br#"{"name":"A","seats":1,"colour":"red"}"#).unwrap_err();
        assert_eq!(field_of(e), ("colour".into(), "unknown_field".into()));
    }
}
