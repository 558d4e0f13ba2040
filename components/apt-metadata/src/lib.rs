//! APT metadata: `/dists/…` (Release, InRelease, Release.gpg, Packages*, by-hash) and
//! `/public.key`, from the mounted registry (`registry/apt/`) or the `apt_branch` of `apt_repo`.

mod metadata_file;
mod metadata_source;

use component_http::{
    plain_text, require_identity, respond_without_body, ReceivedRequest, GET_OR_HEAD,
};
use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

use metadata_source::MetadataSource;

#[http_component]
fn handle(incoming: IncomingRequest) -> Response {
    respond_without_body(incoming, GET_OR_HEAD, route)
}

fn route(request: &ReceivedRequest) -> Response {
    match request.path().segments().as_slice() {
        ["public.key"] => public_key(request),
        ["dists", below @ ..] if !below.is_empty() => dists_file(request, below),
        _ => plain_text(404, "no such file"),
    }
}

/// Public: operators fetch it to write `Signed-By` before the machine has credentials.
fn public_key(request: &ReceivedRequest) -> Response {
    serve(request, "public.key")
}

/// `below` are decoded segments, none empty, `.` or `..` (`RequestPath` refuses those).
fn dists_file(request: &ReceivedRequest, below: &[&str]) -> Response {
    if let Err(denied) = require_identity(request.request()) {
        return denied;
    }
    serve(request, &format!("dists/{}", below.join("/")))
}

fn serve(request: &ReceivedRequest, path: &str) -> Response {
    let source = match MetadataSource::from_variables() {
        Ok(source) => source,
        Err(response) => return response,
    };
    match source.read(path) {
        // apt falls back from InRelease to Release + Release.gpg only on a 404.
        Ok(None) => plain_text(404, &format!("{path} does not exist")),
        Ok(Some(file)) => file.into_response(request.request()),
        Err(response) => response,
    }
}
