//! What a page needs to know about the request: HTML or JSON, how the client reaches the
//! registry, and who is looking (for the login in snippets; never a secret).

use catalogue_pages::{response_headers, ClientEndpoint, Representation};
use component_http::{plain_text, Identity, Method};
use serde::Serialize;
use spin_sdk::http::{Request, Response};

pub struct View {
    pub representation: Representation,
    pub endpoint: ClientEndpoint,
    /// The Basic login the viewer used, for the `auth.conf.d` snippet.
    pub login: String,
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.header(name).and_then(|value| value.as_str())
}

impl View {
    pub fn new(request: &Request, identity: &Identity) -> Self {
        // Spin and wharf-host give the URL the client used (from its `Host`); wasi:http
        // keeps `Host` itself out of the headers.
        let full_url = header(request, "spin-full-url").and_then(|url| url.split_once("://"));
        let scheme = full_url.map(|(scheme, _)| scheme);
        let host = full_url
            .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or_default())
            .or_else(|| header(request, "host"));
        Self {
            representation: Representation::from_accept(header(request, "accept")),
            endpoint: ClientEndpoint::from_request(
                host,
                scheme,
                header(request, "x-forwarded-proto"),
            ),
            login: match identity.method {
                Method::Basic => identity.subject.clone(),
                _ => String::new(),
            },
        }
    }

    /// The page `model` in the representation asked for.
    pub fn respond<T: Serialize>(
        &self,
        status: u16,
        model: &T,
        html: impl FnOnce(&T) -> String,
    ) -> Response {
        let mut builder = Response::builder();
        builder.status(status);
        for (name, value) in response_headers(self.representation) {
            builder.header(name, value);
        }
        builder
            .body(self.representation.render(model, html))
            .build()
    }
}

/// The path's segments, percent-decoded (a `+` in a version arrives as `%2B`); an empty
/// segment or a trailing slash is ignored, and anything that is not UTF-8 is a 400.
pub fn segments(raw_path: &str) -> Result<Vec<String>, Response> {
    raw_path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            percent_decode(segment)
                .ok_or_else(|| plain_text(400, "the path is not valid percent-encoded UTF-8"))
        })
        .collect()
}

fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = segment.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}
