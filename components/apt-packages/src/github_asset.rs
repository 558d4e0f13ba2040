use std::io::Write;

use component_http::{plain_text, send_response, start_streaming, ResponseBodyReader};
use github_access::github::http::{HeaderValue, Method};
use github_access::github::{parse_release, GitRef, Repository};
use github_access::{error_response, AccessError, GitHubAccess};
use spin_sdk::http::{Request, ResponseOutparam};
use spin_sdk::key_value::Store;

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
    let asset_id = match asset_id(&access, repository, tag, asset) {
        Ok(Some(id)) => id,
        Ok(None) => return send_response(out, plain_text(404, "no such package")).await,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let forwarded: Vec<(&str, HeaderValue)> = ["range", "if-range"]
        .into_iter()
        .filter_map(|name| {
            let value = request.header(name)?.as_bytes();
            Some((name, HeaderValue::from_bytes(value).ok()?))
        })
        .collect();
    let upstream = access.open_download(|requests| {
        let mut download = requests.release_asset(repository, asset_id)?;
        if head_only {
            *download.method_mut() = Method::HEAD;
        }
        for (name, value) in &forwarded {
            download.headers_mut().insert(*name, value.clone());
        }
        Ok(download)
    });
    let upstream = match upstream {
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
    let Ok(mut body) = start_streaming(out, status, &headers) else {
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
                eprintln!("package {asset}: {error}");
            }
        }
        // The body stays unfinished: apt sees a broken transfer and resumes with Range.
        Err(error) => eprintln!("package {asset} aborted: {error}"),
    }
}

/// The asset's id, from key-value when known (asset ids of a published release do not change),
/// otherwise from the release's asset list.
fn asset_id(
    access: &GitHubAccess,
    repository: &Repository,
    tag: &GitRef,
    asset: &str,
) -> Result<Option<u64>, AccessError> {
    let key = format!(
        "v1/release-asset/{}/{}/{}/{asset}",
        repository.owner().to_ascii_lowercase(),
        repository.name().to_ascii_lowercase(),
        tag.as_str()
    );
    let store = Store::open_default().ok();
    if let Some(id) = store
        .as_ref()
        .and_then(|store| store.get(&key).ok().flatten())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.parse().ok())
    {
        return Ok(Some(id));
    }
    let release = match access.fetch(|requests| requests.release_by_tag(repository, tag, None)) {
        Ok(response) => parse_release(response.body())?,
        Err(AccessError::GitHub(github_access::github::GitHubError::NotFound)) => return Ok(None),
        Err(error) => return Err(error),
    };
    let Some(found) = release
        .assets
        .iter()
        .find(|candidate| candidate.name == asset)
    else {
        return Ok(None);
    };
    if let Some(store) = store {
        let _ = store.set(&key, found.id.to_string().as_bytes());
    }
    Ok(Some(found.id))
}
