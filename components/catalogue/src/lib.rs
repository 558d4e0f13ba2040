//! The catalogue: `/` and `/catalogue/…` show what the registry holds and what to paste to
//! use it, as HTML for browsers and as JSON for `Accept: application/json`. Every page is
//! behind the verifier; a browser asks for Basic credentials on the 401.
//!
//! Routing and the request's view live here; where modules and packages come from is
//! `module_catalogue` and `package_catalogue`; the pages themselves are `catalogue-pages`.

mod module_catalogue;
mod package_catalogue;
mod pages;
mod view;

use component_http::{plain_text, require_identity};
use spin_sdk::http::{IntoResponse, Method, Request, Response};
use spin_sdk::http_component;

use view::View;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let head_only = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => {
            let mut refused = plain_text(405, "use GET or HEAD");
            refused.set_header("allow", "GET, HEAD");
            return refused;
        }
    };
    if !request.body().is_empty() {
        return plain_text(413, "this endpoint takes no request body");
    }
    let identity = match require_identity(&request) {
        Ok(identity) => identity,
        Err(denied) => return denied,
    };
    let view = View::new(&request, &identity);
    let mut response = route(&view, request.path()).unwrap_or_else(|refused| refused);
    if head_only {
        let _ = std::mem::take(response.body_mut());
    }
    response
}

fn route(view: &View, raw_path: &str) -> Result<Response, Response> {
    let segments = view::segments(raw_path)?;
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
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
        _ => Err(plain_text(404, "no such catalogue page")),
    }
}
