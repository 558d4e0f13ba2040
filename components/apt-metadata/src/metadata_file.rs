use std::time::SystemTime;

use spin_sdk::http::{Method, Request, Response};

/// One file of the repository, with what clients revalidate against.
pub struct MetadataFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub last_modified: SystemTime,
    pub etag: String,
}

impl MetadataFile {
    pub fn into_response(self, request: &Request) -> Response {
        let last_modified = httpdate::fmt_http_date(self.last_modified);
        let header = |name: &str| request.header(name).and_then(|value| value.as_str());
        let unchanged = match (header("if-none-match"), header("if-modified-since")) {
            (Some(tags), _) => tags
                .split(',')
                .any(|tag| tag.trim() == self.etag || tag.trim() == "*"),
            (None, Some(since)) => httpdate::parse_http_date(since).is_ok_and(|since| {
                httpdate::parse_http_date(&last_modified).is_ok_and(|modified| modified <= since)
            }),
            (None, None) => false,
        };
        let mut response = Response::builder();
        response
            .header("last-modified", last_modified)
            .header("etag", self.etag.clone());
        if self.path.contains("/by-hash/") {
            // Named by their content: they never change.
            response.header("cache-control", "max-age=31536000, immutable");
        }
        if unchanged {
            return response.status(304).build();
        }
        response
            .status(200)
            .header("content-type", content_type(&self.path))
            .header("content-length", self.bytes.len().to_string());
        if *request.method() == Method::Head {
            response.build()
        } else {
            response.body(self.bytes).build()
        }
    }
}

fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with(".gz") {
        "application/gzip"
    } else if name.ends_with(".xz") {
        "application/x-xz"
    } else if name.ends_with(".gpg") {
        "application/pgp-signature"
    } else if name == "public.key" {
        "application/pgp-keys"
    } else {
        "text/plain; charset=utf-8"
    }
}
