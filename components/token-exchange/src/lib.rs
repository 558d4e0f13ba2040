//! `POST /auth/token`: GitHub's OIDC tokens live about five minutes, too short for a long
//! `apt-get` or `terraform` run. A CI job presents its OIDC token here (Bearer, or Basic with
//! login `github-action`) and gets a wharf token for the same identity, valid up to an hour.

use component_http::{exchange_token, plain_text, ReceivedRequest};
use spin_sdk::http::{IncomingRequest, Method, Response};
use spin_sdk::http_component;

/// The token travels in `Authorization`; a body carries nothing wharf reads, but clients that
/// post an empty JSON object or form are not refused for it.
const BODY_LIMIT: usize = 4 * 1024;

#[http_component]
fn handle(incoming: IncomingRequest) -> Response {
    route(incoming).unwrap_or_else(|refused| refused)
}

fn route(incoming: IncomingRequest) -> Result<Response, Response> {
    let (request, _ignored_body) = ReceivedRequest::with_body_at_most(incoming, BODY_LIMIT)?;
    match request.path().segments().as_slice() {
        ["auth", "token"] => {
            request.require_method(&[Method::Post])?;
            Ok(issue_token(&request))
        }
        _ => Ok(plain_text(404, "no such endpoint")),
    }
}

fn issue_token(request: &ReceivedRequest) -> Response {
    match exchange_token(request.request()) {
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
