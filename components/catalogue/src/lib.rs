//! The catalogue: `/` and `/catalogue/…` show what the registry holds and what to paste to
//! use it, as HTML for browsers and as JSON for `Accept: application/json`. Every page is
//! behind the verifier; a browser asks for Basic credentials on the 401.
//!
//! Routing and the request's view live here; where modules and packages come from is
//! `module_catalogue`, `provider_catalogue` and `package_catalogue`; the pages themselves are
//! `catalogue-pages`.

mod module_catalogue;
mod package_catalogue;
mod pages;
mod provider_catalogue;
mod view;

use component_http::{
    plain_text, require_identity, respond_without_body, ReceivedRequest, GET_OR_HEAD,
};
use spin_sdk::http::{IncomingRequest, Method, Response};
use spin_sdk::http_component;

use view::View;

#[http_component]
fn handle(incoming: IncomingRequest) -> Response {
    respond_without_body(incoming, GET_OR_HEAD, answer)
}

fn answer(request: &ReceivedRequest) -> Response {
    let identity = match require_identity(request.request()) {
        Ok(identity) => identity,
        Err(denied) => return denied,
    };
    let view = View::new(request.request(), &identity);
    let mut response = route(&view, request).unwrap_or_else(|refused| refused);
    if *request.method() == Method::Head {
        let _ = std::mem::take(response.body_mut());
    }
    response
}

fn route(view: &View, request: &ReceivedRequest) -> Result<Response, Response> {
    match request.path().segments().as_slice() {
        [] | ["catalogue"] => pages::overview(view),
        ["catalogue", "modules"] => pages::module_list(view),
        ["catalogue", "modules", namespace, name, provider] => {
            pages::module_page(view, namespace, name, provider, None)
        }
        ["catalogue", "modules", namespace, name, provider, version] => {
            pages::module_page(view, namespace, name, provider, Some(version))
        }
        ["catalogue", "packages"] => pages::package_list(view),
        ["catalogue", "packages", name] => pages::package_page(view, name),
        ["catalogue", "providers"] => pages::provider_list(view),
        ["catalogue", "providers", namespace, provider_type] => {
            pages::provider_page(view, namespace, provider_type, None)
        }
        ["catalogue", "providers", namespace, provider_type, version] => {
            pages::provider_page(view, namespace, provider_type, Some(version))
        }
        _ => Err(plain_text(404, "no such catalogue page")),
    }
}
