//! Streaming a provider package (or its checksums and signature) to the client, from the
//! mounted registry or from a GitHub release asset, with bounded memory.

use std::io::Write;

use component_http::{plain_text, send_response, start_streaming, ResponseBodyReader};
use github_access::github::http::Method;
use github_access::github::Repository;
use github_access::{error_response, GitHubAccess};
use spin_sdk::http::ResponseOutparam;

/// The content type for a release file, by its name.
pub fn content_type(file_name: &str) -> &'static str {
    if file_name.ends_with(".zip") {
        "application/zip"
    } else if file_name.ends_with(".sig") {
        "application/pgp-signature"
    } else if file_name.ends_with(".json") {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    }
}

/// Streams a file of the mounted registry; 404 if it is not there.
pub async fn local_file(
    path: &std::path::Path,
    file_name: &str,
    head_only: bool,
    out: ResponseOutparam,
) {
    let Ok(mut file) = std::fs::File::open(path) else {
        return send_response(out, plain_text(404, "no such file")).await;
    };
    let Ok(length) = file.metadata().map(|metadata| metadata.len()) else {
        return send_response(out, plain_text(404, "no such file")).await;
    };
    let headers = [
        ("content-type", content_type(file_name).to_owned()),
        ("content-length", length.to_string()),
    ];
    let Ok(mut body) = start_streaming(out, 200, &headers) else {
        return;
    };
    if head_only {
        let _ = body.finish();
        return;
    }
    // Unfinished on error: the client sees a broken transfer, never a short file that looks whole.
    match std::io::copy(&mut file, &mut body) {
        Ok(sent) if sent == length => {
            if let Err(error) = body.finish() {
                eprintln!("{file_name}: {error}");
            }
        }
        Ok(sent) => {
            eprintln!("{file_name}: the file changed while sending ({sent} of {length} bytes)")
        }
        Err(error) => eprintln!("{file_name} aborted: {error}"),
    }
}

/// Streams a GitHub release asset of an owner in `allowed_owners` (GitHub redirects to its
/// asset host; no token goes there).
pub async fn release_asset(
    repository: &Repository,
    asset_id: u64,
    file_name: &str,
    head_only: bool,
    out: ResponseOutparam,
) {
    let access = match GitHubAccess::from_variables() {
        Ok(access) => access,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    // go-getter (Terraform 1.11) asks HEAD before GET: answer it without a download.
    let method = head_only.then_some(Method::HEAD);
    let upstream = access
        .repository(repository)
        .and_then(|assets| assets.open_asset(asset_id, method, &[]));
    let upstream = match upstream {
        Ok(upstream) => upstream,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let mut headers = vec![("content-type", content_type(file_name).to_owned())];
    if let Some(length) = upstream
        .headers()
        .get("content-length")
        .into_iter()
        .next()
        .and_then(|value| String::from_utf8(value).ok())
    {
        headers.push(("content-length", length));
    }
    let Ok(mut body) = start_streaming(out, 200, &headers) else {
        return;
    };
    if head_only {
        let _ = body.finish();
        return;
    }
    let copied = ResponseBodyReader::new(upstream)
        .and_then(|mut reader| std::io::copy(&mut reader, &mut body))
        .and_then(|_| body.flush());
    match copied {
        Ok(()) => {
            if let Err(error) = body.finish() {
                eprintln!("{repository} asset {asset_id}: {error}");
            }
        }
        Err(error) => eprintln!("{repository} asset {asset_id} ({file_name}) aborted: {error}"),
    }
}
