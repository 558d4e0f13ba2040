//! `/health`: answers 200 while the application runs. Public, touches no origin, so a load
//! balancer's probe neither needs credentials nor spends GitHub's rate limit.

use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;

#[http_component]
fn health(_request: Request) -> impl IntoResponse {
    Response::builder()
        .status(200)
        .header("content-type", "text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .body("ok\n")
        .build()
}
