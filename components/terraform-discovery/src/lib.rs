//! The Terraform/OpenTofu module registry protocol: service discovery, version listing and
//! download locations. Each endpoint is one handler; where versions come from is
//! `module_source`.

mod download;
mod module_source;
mod versions;

use component_http::{
    plain_text, require_identity, respond_without_body, ReceivedRequest, GET_OR_HEAD,
};
use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(incoming: IncomingRequest) -> Response {
    respond_without_body(incoming, GET_OR_HEAD, route)
}

fn route(request: &ReceivedRequest) -> Response {
    match request.path().segments().as_slice() {
        [".well-known", "terraform.json"] => service_discovery(),
        ["v1", "modules", namespace, name, provider, "versions"] => {
            versions::handle(request.request(), namespace, name, provider)
        }
        ["v1", "modules", namespace, name, provider, version, "download"] => {
            download::handle(request.request(), namespace, name, provider, version)
        }
        ["v1", "modules", ..] => unknown_module_path(request),
        _ => plain_text(404, "no such registry endpoint"),
    }
}

/// Public: clients ask for it before they know which credentials to send.
fn service_discovery() -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(r#"{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}"#)
        .build()
}

/// Everything under `/v1/modules/` is protected, even paths that lead nowhere: a client without
/// credentials learns nothing about which modules exist.
fn unknown_module_path(request: &ReceivedRequest) -> Response {
    if let Err(denied) = require_identity(request.request()) {
        return denied;
    }
    plain_text(404, "no such module registry endpoint")
}
