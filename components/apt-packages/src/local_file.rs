use std::io::{Read, Seek, SeekFrom};
use std::time::SystemTime;

use component_http::{plain_text, send_response, start_streaming, FILES_ROOT};
use http_ranges::RangeAnswer;
use spin_sdk::http::{Request, ResponseOutparam};

use crate::CONTENT_TYPE;

pub async fn serve(relative: &str, request: &Request, head_only: bool, out: ResponseOutparam) {
    let path = format!("{FILES_ROOT}/apt/pool/{relative}");
    let Ok(mut file) = std::fs::File::open(&path) else {
        return send_response(out, plain_text(404, "no such package")).await;
    };
    let Ok(metadata) = file.metadata() else {
        return send_response(out, plain_text(404, "no such package")).await;
    };
    let total = metadata.len();
    let last_modified =
        httpdate::fmt_http_date(metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH));
    let header = |name: &str| request.header(name).and_then(|value| value.as_str());
    if let Some(since) =
        header("if-modified-since").and_then(|value| httpdate::parse_http_date(value).ok())
    {
        if httpdate::parse_http_date(&last_modified).is_ok_and(|modified| modified <= since) {
            let headers = [("last-modified", last_modified)];
            if let Ok(body) = start_streaming(out, 304, &headers) {
                let _ = body.finish();
            }
            return;
        }
    }
    let answer = RangeAnswer::for_request(header("range"), total).with_if_range(
        header("if-range"),
        None,
        Some(&last_modified),
    );
    let (status, start, length) = match answer {
        RangeAnswer::Full => (200, 0, total),
        RangeAnswer::Partial { start, end } => (206, start, end - start + 1),
        RangeAnswer::Unsatisfiable => {
            let mut response = plain_text(416, "the requested range is outside the package");
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
        ("last-modified", last_modified),
    ];
    if let Some(range) = answer.content_range(total) {
        headers.push(("content-range", range));
    }
    let Ok(mut body) = start_streaming(out, status, &headers) else {
        return;
    };
    if head_only {
        let _ = body.finish();
        return;
    }
    let copied = file
        .seek(SeekFrom::Start(start))
        .and_then(|_| std::io::copy(&mut (&mut file).take(length), &mut body));
    match copied {
        Ok(sent) if sent == length => {
            if let Err(error) = body.finish() {
                eprintln!("package {relative}: {error}");
            }
        }
        Ok(sent) => {
            eprintln!("package {relative}: file shrank while sending ({sent} of {length} bytes)")
        }
        Err(error) => eprintln!("package {relative} aborted: {error}"),
    }
}
