//! `/pool/…`: streams `.deb` files from GitHub Release assets.

use component_http::{not_implemented, require_identity};
use spin_sdk::http::{IntoResponse, Params, Request, Response, Router};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let mut router = Router::new();
    router.get("/pool/*", package_file);
    router.head("/pool/*", package_file);
    router.handle(request)
}

fn package_file(request: Request, _params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    not_implemented("APT package downloads")
}
