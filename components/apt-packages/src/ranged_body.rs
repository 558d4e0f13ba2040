//! Sends a package whose bytes are at hand (a mounted file, or an asset kept in key-value),
//! honouring `Range` and `If-Range` as apt uses them to resume.

use std::io::{Read, Seek, SeekFrom};

use component_http::{send_response, start_streaming};
use http_ranges::RangeAnswer;
use spin_sdk::http::{Request, ResponseOutparam};

use crate::CONTENT_TYPE;

/// What identifies this version of the bytes, for `If-Range`.
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Sends `total` bytes of `source` (or the range asked for); `extra` headers are added.
/// `name` is for log lines.
#[allow(clippy::too_many_arguments)]
pub async fn send_ranged(
    name: &str,
    mut source: impl Read + Seek,
    total: u64,
    validators: Validators,
    extra: Vec<(&'static str, String)>,
    request: &Request,
    head_only: bool,
    out: ResponseOutparam,
) {
    let header = |name: &str| request.header(name).and_then(|value| value.as_str());
    let answer = RangeAnswer::for_request(header("range"), total).with_if_range(
        header("if-range"),
        validators.etag.as_deref(),
        validators.last_modified.as_deref(),
    );
    let (status, start, length) = match answer {
        RangeAnswer::Full => (200, 0, total),
        RangeAnswer::Partial { start, end } => (206, start, end - start + 1),
        RangeAnswer::Unsatisfiable => {
            let mut response =
                component_http::plain_text(416, "the requested range is outside the package");
            if let Some(range) = answer.content_range(total) {
                response.set_header("content-range", range);
            }
            return send_response(out, response).await;
        }
    };
    let mut headers = vec![
        ("content-type", CONTENT_TYPE.to_owned()),
        ("content-length", length.to_string()),
        ("accept-ranges", "bytes".to_owned()),
    ];
    headers.extend(validators.etag.map(|etag| ("etag", etag)));
    headers.extend(
        validators
            .last_modified
            .map(|last_modified| ("last-modified", last_modified)),
    );
    headers.extend(
        answer
            .content_range(total)
            .map(|range| ("content-range", range)),
    );
    headers.extend(extra);
    let Ok(mut body) = start_streaming(out, status, &headers) else {
        return;
    };
    if head_only {
        let _ = body.finish();
        return;
    }
    let copied = source
        .seek(SeekFrom::Start(start))
        .and_then(|_| body.copy_from(&mut (&mut source).take(length)));
    match copied {
        Ok(sent) if sent == length => {
            if let Err(error) = body.finish() {
                eprintln!("package {name}: {error}");
            }
        }
        // The body stays unfinished: apt sees a broken transfer and resumes with Range.
        Ok(sent) => eprintln!("package {name} shrank while sending ({sent} of {length} bytes)"),
        Err(error) => eprintln!("package {name} aborted: {error}"),
    }
}
