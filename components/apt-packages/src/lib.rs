//! `/pool/…`: streams `.deb` packages, with HEAD and `Range` (apt resumes with them).
//!
//! The index builder (`wharf apt index`) writes each package's `Filename` so that it names where
//! the package lives, and serving needs no lookup table:
//! - `pool/github/{owner}/{repo}/{tag}/{asset}`: a GitHub Release asset;
//! - any other `pool/…` path: a file under the mounted registry's `apt/pool/`.
//!
//! Streaming needs the response outparam, which spin-sdk's Router does not hand to handlers, so
//! this component matches its paths itself (`PackageLocation::parse`).

mod github_asset;
mod local_file;
mod package_location;
mod ranged_body;

use component_http::{plain_text, require_identity, send_response, ReceivedRequest, GET_OR_HEAD};
use github_access::owner_is_allowed;
use spin_sdk::http::{IncomingRequest, Method, Response, ResponseOutparam};
use spin_sdk::http_component;

use package_location::PackageLocation;

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    let (request, location) = match admit(incoming) {
        Ok(admitted) => admitted,
        Err(refused) => return send_response(out, refused).await,
    };
    let head_only = *request.method() == Method::Head;
    match location {
        PackageLocation::Local { relative } => {
            local_file::serve(&relative, request.request(), head_only, out).await
        }
        PackageLocation::GitHub {
            repository,
            tag,
            asset,
        } => {
            github_asset::serve(&repository, &tag, &asset, request.request(), head_only, out).await
        }
    }
}

/// The request and the package it names, once the client may have it.
fn admit(incoming: IncomingRequest) -> Result<(ReceivedRequest, PackageLocation), Response> {
    let request = ReceivedRequest::without_body(incoming)?;
    request.require_method(GET_OR_HEAD)?;
    require_identity(request.request())?;
    let location = PackageLocation::parse(&request.path().segments())?;
    if let PackageLocation::GitHub { repository, .. } = &location {
        if !owner_is_allowed(repository.owner())? {
            return Err(plain_text(404, "no such package"));
        }
    }
    Ok((request, location))
}

pub(crate) const CONTENT_TYPE: &str = "application/vnd.debian.binary-package";
