//! `/health`: answers 200 while the application runs. Public, touches no origin, so a load
//! balancer's probe neither needs credentials nor spends GitHub's rate limit.

use component_http::ReceivedRequest;
use spin_sdk::http::{IncomingRequest, Method, Response};
use spin_sdk::http_component;

#[http_component]
fn health(incoming: IncomingRequest) -> Response {
    respond(incoming).unwrap_or_else(|refused| refused)
}

fn respond(incoming: IncomingRequest) -> Result<Response, Response> {
    let request = ReceivedRequest::without_body(incoming)?;
    request.require_method(&[Method::Get, Method::Head])?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .body("ok\n")
        .build())
}
