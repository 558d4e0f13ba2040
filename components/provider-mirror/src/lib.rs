//! Terraform's provider network mirror protocol at `/mirror/v1/`, served from the directory
//! `terraform providers mirror` writes (`registry/mirror/HOSTNAME/NAMESPACE/TYPE/…`).
//!
//! Terraform sends the mirror host's credentials to the two JSON documents, which are behind
//! the verifier, and none to the packages, whose URLs are signed and short-lived.
//!
//! Streaming needs the response outparam, which spin-sdk's Router does not hand to handlers, so
//! this component dispatches on the path itself.

mod documents;

use component_http::{plain_text, require_identity, send_response, ReceivedRequest, GET_OR_HEAD};
use provider_origins::{authorize_download, mirror_directory, stream};
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use terraform_providers::{MirrorRequest, PathError};

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    let request = match ReceivedRequest::without_body(incoming)
        .and_then(|request| request.require_method(GET_OR_HEAD).map(|()| request))
    {
        Ok(request) => request,
        Err(refused) => return send_response(out, refused).await,
    };
    let head_only = *request.method() == Method::Head;
    let parsed = MirrorRequest::parse(&request.path().to_string());
    if let Ok(MirrorRequest::Archive {
        hostname,
        address,
        file_name,
    }) = parsed
    {
        if let Err(response) = authorize_download(&request) {
            return send_response(out, response).await;
        }
        let file = mirror_directory()
            .provider_directory(&hostname, &address)
            .join(&file_name);
        return stream::local_file(&file, &file_name, head_only, out).await;
    }
    // Every other path is protected, even those that lead nowhere: a client without
    // credentials learns nothing about what is mirrored.
    if let Err(denied) = require_identity(request.request()) {
        return send_response(out, denied).await;
    }
    let response = match parsed {
        Ok(MirrorRequest::Index { hostname, address }) => documents::index(&hostname, &address),
        Ok(MirrorRequest::Version {
            hostname,
            address,
            version,
        }) => documents::version(&hostname, &address, &version),
        Ok(MirrorRequest::Archive { .. }) | Err(PathError::NotFound) => {
            plain_text(404, "no such provider mirror endpoint")
        }
        Err(PathError::Invalid(reason)) => plain_text(400, &reason),
    };
    send_response(out, response).await
}
