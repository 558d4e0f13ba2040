//! `POST /auth/token`: GitHub's OIDC tokens live about five minutes, too short for a long
//! `apt-get` or `terraform` run. A CI job presents its OIDC token here (Bearer, or Basic with
//! login `github-action`) and gets a wharf token for the same identity, valid up to an hour.

use component_http::exchange_token;
use spin_sdk::http::{IntoResponse, Params, Request, Response, Router};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> impl IntoResponse {
    let mut router = Router::new();
    router.post("/auth/token", issue_token);
    router.handle(request)
}

fn issue_token(request: Request, _params: Params) -> Response {
    match exchange_token(&request) {
        Ok(issued) => Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("cache-control", "no-store")
            .body(format!(
                r#"{{"token":"{}","token_type":"Bearer","expires_at":{}}}"#,
                issued.token, issued.expires_at
            ))
            .build(),
        Err(denied) => denied,
    }
}
