use std::time::{Duration, SystemTime, UNIX_EPOCH};

use debian::FileValidators;
use spin_sdk::http::{Method, Request, Response};

/// One file of the repository, with what clients revalidate against.
pub struct MetadataFile {
    pub path: String,
    pub bytes: Vec<u8>,
    validators: FileValidators,
}

impl MetadataFile {
    /// A file whose `Last-Modified` and `ETag` come from its content
    /// ([`FileValidators::for_file`]), so a changed `InRelease` is never answered with 304
    /// whatever the origin's file times say. `origin_time` is what the origin knows (a file
    /// time, when a commit was first seen), used where the content holds no date;
    /// `read_other` reads another file from the same origin state (the suite's `Release`).
    pub fn new(
        path: &str,
        bytes: Vec<u8>,
        origin_time: SystemTime,
        read_other: impl FnOnce(&str) -> Option<Vec<u8>>,
    ) -> Self {
        let origin_seconds = origin_time
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0);
        let validators = FileValidators::for_file(path, &bytes, origin_seconds, read_other);
        Self {
            path: path.to_owned(),
            bytes,
            validators,
        }
    }

    pub fn into_response(self, request: &Request) -> Response {
        let last_modified = httpdate::fmt_http_date(
            UNIX_EPOCH + Duration::from_secs(self.validators.last_modified),
        );
        let header = |name: &str| request.header(name).and_then(|value| value.as_str());
        // If-None-Match, when sent, decides alone (RFC 9110 13.2.2).
        let unchanged = match (header("if-none-match"), header("if-modified-since")) {
            (Some(tags), _) => self.validators.etag_matches(tags),
            (None, Some(since)) => httpdate::parse_http_date(since).is_ok_and(|since| {
                since
                    .duration_since(UNIX_EPOCH)
                    .is_ok_and(|since| self.validators.last_modified <= since.as_secs())
            }),
            (None, None) => false,
        };
        let mut response = Response::builder();
        response
            .header("last-modified", last_modified)
            .header("etag", self.validators.etag.clone());
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
