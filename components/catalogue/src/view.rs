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
        Self {
            representation: Representation::from_accept(header(request, "accept")),
            endpoint: ClientEndpoint::from_full_url(
                header(request, "spin-full-url"),
                header(request, "host"),
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
