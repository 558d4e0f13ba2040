//! `/archive/…`: streams a module version's archive behind a short-lived signed URL.

use component_http::{not_implemented, require_identity};
use spin_sdk::http::{IntoResponse, Params, Request, Response, Router};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let mut router = Router::new();
    // Terraform sends HEAD, then GET, to the X-Terraform-Get location.
    router.get("/archive/*", module_archive);
    router.head("/archive/*", module_archive);
    router.handle(request)
}

fn module_archive(request: Request, _params: Params) -> Response {
    // Until signed URLs land, archives are protected like every other non-public route.
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    not_implemented("module archives")
}
