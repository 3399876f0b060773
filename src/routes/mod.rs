//! HTTP routes. Handlers are thin: they parse input, call the domain or the
//! database layer, and render the result; errors are `ApiError`.

mod health;
mod home;
mod setup;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(home::index)))
        .service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::scope("/api/v1").configure(setup::configure));
}
