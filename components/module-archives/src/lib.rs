//! `/archive/…`: streams a module version's archive to Terraform behind a short-lived signed URL
//! (Terraform sends no credentials here, so the signature is the credential).
//!
//! - `/archive/files/{namespace}/{name}/{provider}/{version}.tar.gz`: from the mounted registry.
//! - `/archive/github/{owner}/{repo}/{commit}.tar.gz`: GitHub's tarball of that commit, repacked
//!   on the fly so the module's files sit at the archive's root.
//!
//! Streaming needs the response outparam, which spin-sdk's Router does not hand to handlers, so
//! this component matches its two paths itself (`ArchiveRequest::parse`).

mod archive_request;
mod stream;

use component_http::{plain_text, require_identity, send_response, unix_now, variable};
use spin_sdk::http::{Method, Request, ResponseOutparam};
use spin_sdk::http_component;
use terraform_registry::verify_archive_request;

use archive_request::ArchiveRequest;

#[http_component]
async fn handle(request: Request, out: ResponseOutparam) {
    let head_only = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => return send_response(out, plain_text(405, "use GET or HEAD")).await,
    };
    let path = request.path().to_owned();
    if let Err(response) = authorize(&request, &path) {
        return send_response(out, response).await;
    }
    let archive = match ArchiveRequest::parse(&path) {
        Ok(archive) => archive,
        Err(response) => return send_response(out, response).await,
    };
    stream::archive(archive, head_only, out).await;
}

/// Terraform follows `X-Terraform-Get` without its token, so the URL's signature is the
/// credential. An operator fetching an archive by hand may instead present credentials.
fn authorize(request: &Request, path: &str) -> Result<(), spin_sdk::http::Response> {
    let signed = request
        .query()
        .split('&')
        .any(|pair| pair.starts_with("signature="));
    if !signed && request.header("authorization").is_some() {
        return require_identity(request).map(|_| ());
    }
    check_signature(path, request.query())
}

fn check_signature(path: &str, query: &str) -> Result<(), spin_sdk::http::Response> {
    let key = variable("url_signing_key")?;
    verify_archive_request(key.as_bytes(), path, query, unix_now())
        .map_err(|error| plain_text(403, &error.to_string()))
}
