//! Short-lived signed URLs for what Terraform fetches without credentials (provider packages,
//! `SHA256SUMS`, their signature, mirror packages), with `terraform-registry`'s scheme.

use component_http::{plain_text, require_identity, unix_now, variable, ReceivedRequest};
use spin_sdk::http::Response;
use terraform_registry::{
    sign_archive_path, verify_archive_request, DEFAULT_ARCHIVE_URL_LIFETIME_SECONDS,
};

/// `path?expires=…&signature=…`, valid for five minutes.
pub fn signed(path: &str) -> Result<String, Response> {
    let key = variable("url_signing_key")?;
    let query = sign_archive_path(
        key.as_bytes(),
        path,
        unix_now() + DEFAULT_ARCHIVE_URL_LIFETIME_SECONDS,
    )
    .map_err(|error| {
        eprintln!("url_signing_key: {error}");
        plain_text(500, "wharf is misconfigured; the server log says how")
    })?;
    Ok(format!("{path}?{query}"))
}

/// Lets a download through if its URL carries a valid signature for its (decoded) path, or,
/// when it carries none, if the client presents credentials (an operator fetching by hand).
pub fn authorize_download(request: &ReceivedRequest) -> Result<(), Response> {
    let signed = request
        .query()
        .split('&')
        .any(|pair| pair.starts_with("signature="));
    if !signed && request.request().header("authorization").is_some() {
        return require_identity(request.request()).map(|_| ());
    }
    let key = variable("url_signing_key")?;
    let path = request.path().to_string();
    verify_archive_request(key.as_bytes(), &path, request.query(), unix_now())
        .map_err(|error| plain_text(403, &error.to_string()))
}
