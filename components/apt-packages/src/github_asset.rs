//! A package that is a GitHub Release asset. The release lookup (file name → asset id) is
//! cached and revalidated; an asset up to the cache bound is kept in key-value by its id and
//! served from there (with `Range`), larger ones stream from GitHub's asset host.

use std::io::Cursor;

use component_http::{plain_text, send_response, start_streaming, ResponseBodyReader};
use github_access::github::http::{HeaderName, HeaderValue, Method};
use github_access::github::{GitRef, Repository};
use github_access::{error_response, AccessError, AssetRecord, GitHubAccess, RepositoryAccess};
use spin_sdk::http::{Request, ResponseOutparam};

use crate::ranged_body::{send_ranged, Validators};
use crate::CONTENT_TYPE;

/// Headers worth passing from GitHub's asset host to apt.
const RELAYED: &[&str] = &[
    "content-length",
    "content-range",
    "accept-ranges",
    "last-modified",
    "etag",
];

pub async fn serve(
    repository: &Repository,
    tag: &GitRef,
    asset: &str,
    request: &Request,
    head_only: bool,
    out: ResponseOutparam,
) {
    let access = match GitHubAccess::from_variables() {
        Ok(access) => access,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let repository = match access.repository(repository) {
        Ok(repository) => repository,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let release = match repository.release_assets(tag) {
        Ok(release) => release,
        Err(AccessError::GitHub(github_access::github::GitHubError::NotFound)) => {
            return send_response(out, plain_text(404, "no such package")).await
        }
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let Some(found) = release
        .value
        .iter()
        .find(|candidate| candidate.name == asset)
    else {
        return send_response(out, plain_text(404, "no such package")).await;
    };
    // Answered from an entry GitHub could not confirm: say so.
    let stale = release.stale_headers();
    if found.is_cacheable() {
        kept(&repository, found, stale, request, head_only, out).await
    } else {
        streamed(&repository, found, stale, request, head_only, out).await
    }
}

async fn kept(
    repository: &RepositoryAccess<'_>,
    asset: &AssetRecord,
    stale: Vec<(&'static str, String)>,
    request: &Request,
    head_only: bool,
    out: ResponseOutparam,
) {
    let bytes = match repository.small_asset(asset) {
        Ok(bytes) => bytes,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let validators = Validators {
        // An asset id names bytes that never change.
        etag: Some(format!("\"asset-{}\"", asset.id)),
        last_modified: None,
    };
    let total = bytes.len() as u64;
    send_ranged(
        &asset.name,
        Cursor::new(bytes),
        total,
        validators,
        stale,
        request,
        head_only,
        out,
    )
    .await
}

async fn streamed(
    repository: &RepositoryAccess<'_>,
    asset: &AssetRecord,
    stale: Vec<(&'static str, String)>,
    request: &Request,
    head_only: bool,
    out: ResponseOutparam,
) {
    let forwarded: Vec<(HeaderName, HeaderValue)> = ["range", "if-range"]
        .into_iter()
        .filter_map(|name| {
            let value = request.header(name)?.as_bytes();
            Some((
                HeaderName::from_static(name),
                HeaderValue::from_bytes(value).ok()?,
            ))
        })
        .collect();
    let method = head_only.then_some(Method::HEAD);
    let upstream = match repository.open_asset(asset.id, method, &forwarded) {
        Ok(upstream) => upstream,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let status = upstream.status();
    let mut headers = vec![("content-type", CONTENT_TYPE.to_owned())];
    for name in RELAYED {
        if let Some(value) = upstream
            .headers()
            .get(name)
            .into_iter()
            .next()
            .and_then(|value| String::from_utf8(value).ok())
        {
            headers.push((name, value));
        }
    }
    headers.extend(stale);
    let Ok(mut body) = start_streaming(out, status, &headers) else {
        return;
    };
    if head_only {
        let _ = body.finish();
        return;
    }
    let copied = ResponseBodyReader::new(upstream)
        .and_then(|mut reader| body.copy_from(&mut reader))
        .and_then(|_| std::io::Write::flush(&mut body));
    match copied {
        Ok(()) => {
            if let Err(error) = body.finish() {
                eprintln!("package {}: {error}", asset.name);
            }
        }
        // The body stays unfinished: apt sees a broken transfer and resumes with Range.
        Err(error) => eprintln!("package {} aborted: {error}", asset.name),
    }
}
