//! The matrix itself: for every route, the status each caller must get.

use super::*;

// Shorthands for the common shapes of a row.
const PUBLIC_200: [u16; 9] = [200; 9];
const SIGNED_IN_200: [u16; 9] = [401, 200, 200, 200, 200, 200, 200, 200, 200];
const SIGNED_IN_201: [u16; 9] = [401, 201, 201, 201, 201, 201, 201, 201, 201];
const SYSADMIN_ONLY_200: [u16; 9] = [401, 200, 403, 403, 403, 403, 403, 403, 403];
const SYSADMIN_ONLY_201: [u16; 9] = [401, 201, 403, 403, 403, 403, 403, 403, 403];
/// Who may know of the centre: everyone but the other centre's staff.
const CENTRE_VISIBLE: [u16; 9] = [401, 200, 200, 404, 200, 404, 200, 200, 200];
/// Who manages the centre: system admin and its own admins.
const CENTRE_MANAGED_200: [u16; 9] = [401, 200, 200, 404, 403, 404, 403, 403, 403];
const CENTRE_MANAGED_201: [u16; 9] = [401, 201, 201, 404, 403, 404, 403, 403, 403];
const CENTRE_MANAGED_204: [u16; 9] = [401, 204, 204, 404, 403, 404, 403, 403, 403];
/// The centre's staff (admins and invigilators).
const CENTRE_STAFF: [u16; 9] = [401, 200, 200, 404, 200, 404, 403, 403, 403];
/// Staff-only items (invigilators): others may not know they exist.
const STAFF_ITEM_200: [u16; 9] = [401, 200, 200, 404, 200, 404, 404, 404, 404];
const STAFF_ITEM_MANAGED_200: [u16; 9] = [401, 200, 200, 404, 403, 404, 404, 404, 404];
const STAFF_ITEM_MANAGED_204: [u16; 9] = [401, 204, 204, 404, 403, 404, 404, 404, 404];
/// An exam request: its centre's staff and its institution.
const REQUEST_READ: [u16; 9] = [401, 200, 200, 404, 200, 404, 200, 404, 404];
/// Deciding on a request or a sitting: the centre's admins.
const REQUEST_DECIDE: [u16; 9] = [401, 200, 200, 404, 403, 404, 403, 404, 404];
/// Checking in, completing, no-show: the centre's staff.
const SITTING_STAFF: [u16; 9] = [401, 200, 200, 404, 200, 404, 403, 404, 404];

pub(super) fn cases() -> Vec<Case> {
    vec![
        case("GET", "/", PUBLIC_200),
        case("GET", "/static/site.css", PUBLIC_200),
        case("GET", "/static/print.css", PUBLIC_200),
        case("GET", "/print/centres/{centre}/{document}", CENTRE_STAFF),
        case("GET", "/healthz", PUBLIC_200),
        case("GET", "/readyz", PUBLIC_200),
        case("GET", "/login", PUBLIC_200),
        // Sign-in endpoints answer the same whoever calls: wrong password 401,
        // link requests 202 (sent if the account exists), bad links 422.
        case("POST", "/auth/login", [401; 9]),
        case("POST", "/auth/logout", [204; 9]),
        case("POST", "/auth/link", [202; 9]),
        case("GET", "/auth/link", PUBLIC_200),
        case("POST", "/auth/link/consume", [422; 9]),
        case("POST", "/auth/password-reset", [202; 9]),
        case("GET", "/auth/password-reset", PUBLIC_200),
        case("POST", "/auth/password-reset/confirm", [422; 9]),
        // The API description and Swagger UI. The client follows the bare
        // path's redirect to the page; `{file}` is one of the page's assets.
        case("GET", "/api/openapi.json", PUBLIC_200),
        case("GET", "/api/docs", PUBLIC_200),
        case("GET", "/api/docs/", PUBLIC_200),
        case("GET", "/api/docs/{file}", PUBLIC_200),
        case("GET", "/api/v1/centres", SIGNED_IN_200),
        case("POST", "/api/v1/centres", SYSADMIN_ONLY_201),
        case("GET", "/api/v1/centres/{centre}", CENTRE_VISIBLE),
        case("PATCH", "/api/v1/centres/{centre}", CENTRE_MANAGED_200),
        // Deactivating a centre is for system admins alone.
        case(
            "DELETE",
            "/api/v1/centres/{centre}",
            [401, 204, 403, 404, 403, 404, 403, 403, 403],
        ),
        case("GET", "/api/v1/centres/{centre}/rooms", CENTRE_VISIBLE),
        case("POST", "/api/v1/centres/{centre}/rooms", CENTRE_MANAGED_201),
        case("GET", "/api/v1/centres/{centre}/hours", CENTRE_VISIBLE),
        case("PUT", "/api/v1/centres/{centre}/hours", CENTRE_MANAGED_200),
        case("GET", "/api/v1/centres/{centre}/closures", CENTRE_VISIBLE),
        case(
            "POST",
            "/api/v1/centres/{centre}/closures",
            CENTRE_MANAGED_201,
        ),
        case("GET", "/api/v1/centres/{centre}/calendar", CENTRE_VISIBLE),
        case(
            "GET",
            "/api/v1/centres/{centre}/calendar/at",
            CENTRE_VISIBLE,
        ),
        case("GET", "/api/v1/centres/{centre}/invigilators", CENTRE_STAFF),
        case(
            "POST",
            "/api/v1/centres/{centre}/invigilators",
            CENTRE_MANAGED_201,
        ),
        case("GET", "/api/v1/centres/{centre}/access-cards", CENTRE_STAFF),
        case(
            "POST",
            "/api/v1/centres/{centre}/access-cards",
            CENTRE_MANAGED_201,
        ),
        case("GET", "/api/v1/rooms/{id}", CENTRE_VISIBLE),
        case("PATCH", "/api/v1/rooms/{id}", CENTRE_MANAGED_200),
        case("DELETE", "/api/v1/rooms/{id}", CENTRE_MANAGED_204),
        case("DELETE", "/api/v1/closures/{id}", CENTRE_MANAGED_204),
        case("GET", "/api/v1/invigilators/{id}", STAFF_ITEM_200),
        case("PATCH", "/api/v1/invigilators/{id}", STAFF_ITEM_MANAGED_200),
        case(
            "DELETE",
            "/api/v1/invigilators/{id}",
            STAFF_ITEM_MANAGED_204,
        ),
        case(
            "GET",
            "/api/v1/invigilators/{id}/availability",
            STAFF_ITEM_200,
        ),
        // The invigilator maintains their own availability.
        case(
            "PUT",
            "/api/v1/invigilators/{id}/availability",
            STAFF_ITEM_200,
        ),
        case(
            "DELETE",
            "/api/v1/access-cards/{id}",
            STAFF_ITEM_MANAGED_204,
        ),
        case("GET", "/api/v1/institutions", SIGNED_IN_200),
        case("POST", "/api/v1/institutions", SYSADMIN_ONLY_201),
        case(
            "GET",
            "/api/v1/institutions/{institution}",
            [401, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        case(
            "PATCH",
            "/api/v1/institutions/{institution}",
            [401, 200, 403, 403, 403, 403, 200, 404, 403],
        ),
        case("GET", "/api/v1/me", SIGNED_IN_200),
        case("GET", "/api/v1/tokens", SIGNED_IN_200),
        case("POST", "/api/v1/tokens", SIGNED_IN_201),
        // The target is the student's token: theirs to revoke, and the system admin's.
        case(
            "DELETE",
            "/api/v1/tokens/{id}",
            [401, 204, 404, 404, 404, 404, 404, 404, 204],
        ),
        case("GET", "/api/v1/users", SYSADMIN_ONLY_200),
        case("POST", "/api/v1/users", SYSADMIN_ONLY_201),
        case("GET", "/api/v1/audit", SYSADMIN_ONLY_200),
        case("GET", "/api/v1/mail", SYSADMIN_ONLY_200),
        // The target is a failed message: system admins put it back in line.
        case(
            "POST",
            "/api/v1/mail/{id}/retry",
            [401, 204, 403, 403, 403, 403, 403, 403, 403],
        ),
        // A system admin must name the institution it submits for: 422.
        case(
            "POST",
            "/api/v1/exam-requests",
            [401, 422, 403, 403, 403, 403, 201, 201, 403],
        ),
        case("GET", "/api/v1/exam-requests", SIGNED_IN_200),
        // Targets below: a fresh request of institution "ix" at centre alpha,
        // for a fresh student who is not the matrix's student.
        case("GET", "/api/v1/exam-requests/{id}", REQUEST_READ),
        case("POST", "/api/v1/exam-requests/{id}/approve", REQUEST_DECIDE),
        case("POST", "/api/v1/exam-requests/{id}/reject", REQUEST_DECIDE),
        case(
            "POST",
            "/api/v1/exam-requests/{id}/cancel",
            [401, 200, 200, 404, 403, 404, 200, 404, 404],
        ),
        case(
            "POST",
            "/api/v1/exam-sittings",
            [401, 403, 403, 403, 403, 403, 403, 403, 201],
        ),
        case("POST", "/api/v1/exam-sittings/{id}/approve", REQUEST_DECIDE),
        case("POST", "/api/v1/exam-sittings/{id}/move", REQUEST_DECIDE),
        case("POST", "/api/v1/exam-sittings/{id}/check-in", SITTING_STAFF),
        case("POST", "/api/v1/exam-sittings/{id}/complete", SITTING_STAFF),
        case("POST", "/api/v1/exam-sittings/{id}/no-show", SITTING_STAFF),
        case(
            "POST",
            "/api/v1/exam-sittings/{id}/cancel",
            [401, 200, 200, 404, 403, 404, 200, 404, 404],
        ),
        case(
            "GET",
            "/api/v1/centres/{centre}/availability",
            CENTRE_VISIBLE,
        ),
        case(
            "POST",
            "/api/v1/study-bookings",
            [401, 403, 403, 403, 403, 403, 403, 403, 201],
        ),
        // The target is the matrix student's own booking; only they move it.
        case(
            "PATCH",
            "/api/v1/study-bookings/{id}",
            [401, 403, 403, 404, 403, 404, 404, 404, 200],
        ),
        // The target is the matrix student's own booking.
        case(
            "DELETE",
            "/api/v1/study-bookings/{id}",
            [401, 204, 204, 404, 403, 404, 404, 404, 204],
        ),
        case("GET", "/api/v1/me/bookings", SIGNED_IN_200),
        case("GET", "/api/v1/feeds", SIGNED_IN_200),
        // A feed of alpha's big hall: its staff; to others the room does not exist (422 on `id`).
        case(
            "POST",
            "/api/v1/feeds",
            [401, 201, 201, 422, 201, 422, 422, 422, 422],
        ),
        // The target is the student's own feed.
        case(
            "DELETE",
            "/api/v1/feeds/{id}",
            [401, 204, 404, 404, 404, 404, 404, 404, 204],
        ),
        // The secret address is the credential: anyone holding it reads the calendar.
        case("GET", "/feeds/{file}", PUBLIC_200),
        case(
            "GET",
            "/api/v1/centres/{centre}/exports/sittings.csv",
            CENTRE_STAFF,
        ),
        case(
            "GET",
            "/api/v1/centres/{centre}/exports/study-bookings.csv",
            CENTRE_STAFF,
        ),
        case(
            "GET",
            "/api/v1/institutions/{institution}/exports/sittings.csv",
            [401, 200, 403, 403, 403, 403, 200, 404, 403],
        ),
        case("GET", "/api/v1/centres/{centre}/schedule", CENTRE_STAFF),
        case("POST", "/api/v1/centres/{centre}/plan", CENTRE_MANAGED_200),
    ]
}
