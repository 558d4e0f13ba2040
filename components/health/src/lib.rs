//! `/health`: answers 200 while the application runs. Public, touches no origin, so a load
//! balancer's probe neither needs credentials nor spends GitHub's rate limit.

use component_http::{respond_without_body, GET_OR_HEAD};
use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

#[http_component]
fn health(incoming: IncomingRequest) -> Response {
    respond_without_body(incoming, GET_OR_HEAD, |_| {
        Response::builder()
            .status(200)
            .header("content-type", "text/plain; charset=utf-8")
            .header("cache-control", "no-store")
            .body("ok\n")
            .build()
    })
}
