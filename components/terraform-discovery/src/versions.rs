//! `GET /v1/modules/{namespace}/{name}/{provider}/versions`

use component_http::require_identity;
use spin_sdk::http::{Request, Response};
use terraform_registry::versions_response_json;

use crate::module_source::{address, ModuleSource};

pub fn handle(request: &Request, namespace: &str, name: &str, provider: &str) -> Response {
    if let Err(denied) = require_identity(request) {
        return denied;
    }
    respond(namespace, name, provider).unwrap_or_else(|response| response)
}

fn respond(namespace: &str, name: &str, provider: &str) -> Result<Response, Response> {
    let address = address(namespace, name, provider)?;
    let versions = ModuleSource::for_module(&address)?.versions(&address)?;
    let mut response = Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(versions_response_json(&versions.value))
        .build();
    versions.mark(&mut response);
    Ok(response)
}
