use std::time::SystemTime;

use component_http::{plain_text, send_response, start_streaming, FILES_ROOT};
use spin_sdk::http::{Request, ResponseOutparam};

use crate::ranged_body::{send_ranged, Validators};

pub async fn serve(relative: &str, request: &Request, head_only: bool, out: ResponseOutparam) {
    let path = format!("{FILES_ROOT}/apt/pool/{relative}");
    let Ok(file) = std::fs::File::open(&path) else {
        return send_response(out, plain_text(404, "no such package")).await;
    };
    let Ok(metadata) = file.metadata() else {
        return send_response(out, plain_text(404, "no such package")).await;
    };
    let last_modified =
        httpdate::fmt_http_date(metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH));
    if let Some(since) = request
        .header("if-modified-since")
        .and_then(|value| value.as_str())
        .and_then(|value| httpdate::parse_http_date(value).ok())
    {
        if httpdate::parse_http_date(&last_modified).is_ok_and(|modified| modified <= since) {
            let headers = [("last-modified", last_modified)];
            if let Ok(body) = start_streaming(out, 304, &headers) {
                let _ = body.finish();
            }
            return;
        }
    }
    let validators = Validators {
        etag: None,
        last_modified: Some(last_modified),
    };
    send_ranged(
        relative,
        file,
        metadata.len(),
        validators,
        Vec::new(),
        request,
        head_only,
        out,
    )
    .await
}
