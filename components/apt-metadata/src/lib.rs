//! APT metadata: `/dists/…` (Release, InRelease, Packages, by-hash) and `/public.key`.

use component_http::{not_implemented, require_identity};
use spin_sdk::http::{IntoResponse, Params, Request, Response, Router};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let mut router = Router::new();
    router.get("/public.key", public_key);
    router.head("/public.key", public_key);
    router.get("/dists/*", dists_file);
    router.head("/dists/*", dists_file);
    router.handle(request)
}

/// Public: operators fetch it to write `Signed-By` before they have credentials on the box.
fn public_key(_request: Request, _params: Params) -> Response {
    not_implemented("the repository signing key")
}

fn dists_file(request: Request, _params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    not_implemented("APT metadata")
}
