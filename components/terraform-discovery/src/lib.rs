//! The Terraform/OpenTofu module registry protocol: service discovery, version listing and
//! download locations. Each endpoint is one handler; where versions come from is
//! `module_source`.

mod download;
mod module_source;
mod versions;

use component_http::{plain_text, require_identity};
use spin_sdk::http::{IntoResponse, Params, Request, Response, Router};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let mut router = Router::new();
    router.get("/.well-known/terraform.json", service_discovery);
    router.get(
        "/v1/modules/:namespace/:name/:provider/versions",
        versions::handle,
    );
    router.get(
        "/v1/modules/:namespace/:name/:provider/:version/download",
        download::handle,
    );
    router.get("/v1/modules/*", unknown_module_path);
    router.handle(request)
}

/// Public: clients ask for it before they know which credentials to send.
fn service_discovery(_request: Request, _params: Params) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(r#"{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}"#)
        .build()
}

/// Everything under `/v1/modules/` is protected, even paths that lead nowhere: a client without
/// credentials learns nothing about which modules exist.
fn unknown_module_path(request: Request, _params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    plain_text(404, "no such module registry endpoint")
}
