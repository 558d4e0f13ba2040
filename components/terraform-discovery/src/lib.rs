//! The Terraform/OpenTofu module registry protocol: service discovery, version listing and
//! download locations.

use component_http::{not_implemented, plain_text, require_identity};
use spin_sdk::http::{IntoResponse, Params, Request, Response, Router};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let mut router = Router::new();
    router.get("/.well-known/terraform.json", service_discovery);
    router.get("/v1/modules/:namespace/:name/:provider/versions", module_versions);
    router.get(
        "/v1/modules/:namespace/:name/:provider/:version/download",
        module_download,
    );
    router.get("/v1/modules/*", unknown_module_path);
    router.handle(request)
}

/// Public: clients ask for it before they know which credentials to send.
fn service_discovery(_request: Request, _params: Params) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(r#"{"modules.v1":"/v1/modules/"}"#)
        .build()
}

fn module_versions(request: Request, _params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    not_implemented("listing module versions")
}

/// Everything under `/v1/modules/` is protected, even paths that lead nowhere: a client without
/// credentials learns nothing about which modules exist.
fn unknown_module_path(request: Request, _params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    plain_text(404, "no such module registry endpoint")
}

fn module_download(request: Request, _params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    not_implemented("module download locations")
}
