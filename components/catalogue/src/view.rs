//! What a page needs to know about the request: HTML or JSON, how the client reaches the
//! registry, and who is looking (for the login in snippets; never a secret).

use catalogue_pages::{response_headers, ClientEndpoint, Representation};
use component_http::{Identity, Method};
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
