//! APT metadata: `/dists/…` (Release, InRelease, Release.gpg, Packages*, by-hash) and
//! `/public.key`, from the mounted registry (`registry/apt/`) or the `apt_branch` of `apt_repo`.

mod metadata_file;
mod metadata_source;

use component_http::{plain_text, require_identity};
use spin_sdk::http::{IntoResponse, Params, Request, Response, Router};
use spin_sdk::http_component;

use metadata_source::MetadataSource;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let mut router = Router::new();
    router.get("/public.key", public_key);
    router.head("/public.key", public_key);
    router.get("/dists/*", dists_file);
    router.head("/dists/*", dists_file);
    router.handle(request)
}

/// Public: operators fetch it to write `Signed-By` before the machine has credentials.
fn public_key(request: Request, _params: Params) -> Response {
    serve(&request, "public.key")
}

fn dists_file(request: Request, _params: Params) -> Response {
    if let Err(denied) = require_identity(&request) {
        return denied;
    }
    let path = request.path().trim_start_matches('/').to_owned();
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return plain_text(404, "no such file");
    }
    serve(&request, &path)
}

fn serve(request: &Request, path: &str) -> Response {
    let source = match MetadataSource::from_variables() {
        Ok(source) => source,
        Err(response) => return response,
    };
    match source.read(path) {
        // apt falls back from InRelease to Release + Release.gpg only on a 404.
        Ok(None) => plain_text(404, &format!("{path} does not exist")),
        Ok(Some(file)) => file.into_response(request),
        Err(response) => response,
    }
}
