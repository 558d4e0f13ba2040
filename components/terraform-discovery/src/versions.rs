//! `GET /v1/modules/{namespace}/{name}/{provider}/versions`

use component_http::require_identity;
use spin_sdk::http::{Params, Request, Response};
use terraform_registry::versions_response_json;

use crate::module_source::{address, ModuleSource};

pub fn handle(request: Request, params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    respond(&params).unwrap_or_else(|response| response)
}

fn respond(params: &Params) -> Result<Response, Response> {
    let address = address(params)?;
    let versions = ModuleSource::for_module(&address)?.versions(&address)?;
    let mut response = Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(versions_response_json(&versions.value))
        .build();
    versions.mark(&mut response);
    Ok(response)
}
