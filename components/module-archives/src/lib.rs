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

use component_http::{
    plain_text, require_identity, send_response, unix_now, variable, ReceivedRequest, GET_OR_HEAD,
};
use spin_sdk::http::{IncomingRequest, Method, Response, ResponseOutparam};
use spin_sdk::http_component;
use terraform_registry::verify_archive_request;

use archive_request::{Admission, ArchiveRequest};

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    match admit(incoming) {
        Ok((archive, head_only)) => stream::archive(archive, head_only, out).await,
        Err(refused) => send_response(out, refused).await,
    }
}

/// The archive to stream and whether only its head was asked for.
fn admit(incoming: IncomingRequest) -> Result<(ArchiveRequest, bool), Response> {
    let request = ReceivedRequest::without_body(incoming)?;
    request.require_method(GET_OR_HEAD)?;
    // Proof first: without it, a client learns nothing about which archive paths exist.
    let admission = authorize(&request)?;
    let archive = ArchiveRequest::parse(&request.path().segments())?;
    archive.check_boundaries(admission)?;
    Ok((archive, *request.method() == Method::Head))
}

/// Terraform follows `X-Terraform-Get` without its token, so the URL's signature is the
/// credential. An operator fetching an archive by hand may instead present credentials.
fn authorize(request: &ReceivedRequest) -> Result<Admission, Response> {
    let signed = request
        .query()
        .split('&')
        .any(|pair| pair.starts_with("signature="));
    if !signed && request.request().header("authorization").is_some() {
        require_identity(request.request())?;
        return Ok(Admission::Credentials);
    }
    check_signature(&request.path().to_string(), request.query())?;
    Ok(Admission::Signed)
}

/// The signature covers the decoded path, so `+` and `%2B` in a version name the same URL.
fn check_signature(path: &str, query: &str) -> Result<(), Response> {
    let key = variable("url_signing_key")?;
    verify_archive_request(key.as_bytes(), path, query, unix_now())
        .map_err(|error| plain_text(403, &error.to_string()))
}
