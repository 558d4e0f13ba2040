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

use component_http::{plain_text, require_identity, send_response};
use github_access::owner_is_allowed;
use spin_sdk::http::{Method, Request, ResponseOutparam};
use spin_sdk::http_component;

use package_location::PackageLocation;

#[http_component]
async fn handle(request: Request, out: ResponseOutparam) {
    let head_only = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => return send_response(out, plain_text(405, "use GET or HEAD")).await,
    };
    if let Err(denied) = require_identity(&request) {
        return send_response(out, denied).await;
    }
    let location = match PackageLocation::parse(request.path()) {
        Ok(location) => location,
        Err(response) => return send_response(out, response).await,
    };
    match location {
        PackageLocation::Local { relative } => {
            local_file::serve(&relative, &request, head_only, out).await
        }
        PackageLocation::GitHub {
            repository,
            tag,
            asset,
        } => {
            let allowed = match owner_is_allowed(repository.owner()) {
                Ok(allowed) => allowed,
                Err(response) => return send_response(out, response).await,
            };
            if !allowed {
                return send_response(out, plain_text(404, "no such package")).await;
            }
            github_asset::serve(&repository, &tag, &asset, &request, head_only, out).await
        }
    }
}

pub(crate) const CONTENT_TYPE: &str = "application/vnd.debian.binary-package";
