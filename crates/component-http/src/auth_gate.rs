use spin_sdk::http::{Request, Response};

use crate::responses::plain_text;

// The import side of wit/auth.wit; the export side lives in components/auth.
wit_bindgen::generate!({
    world: "protected",
    path: "../../wit",
});

use wharf::auth::verifier::{self, Denial, Presented};
pub use wharf::auth::verifier::{Identity, IssuedToken, Method};

/// Both schemes wharf accepts, so apt (Basic) and Terraform (Bearer) each find theirs.
const CHALLENGE: &str = r#"Basic realm="wharf", charset="UTF-8", Bearer realm="wharf""#;
/// When a client may try again after the verifier could not decide: the issuer's keys are
/// asked for at most once a minute, so sooner would find the same answer.
const UNAVAILABLE_RETRY_AFTER_SECS: u32 = 60;

/// Lets the request through with the client's identity, or answers with the reason it may not pass.
pub fn require_identity(request: &Request) -> Result<Identity, Response> {
    verifier::verify(&presented(request)).map_err(denial_response)
}

/// Exchanges the request's GitHub Actions OIDC token for a longer-lived wharf token.
pub fn exchange_token(request: &Request) -> Result<IssuedToken, Response> {
    verifier::exchange(&presented(request)).map_err(denial_response)
}

fn presented(request: &Request) -> Presented {
    Presented {
        authorization: request
            .header("authorization")
            .map(|value| value.as_bytes().to_vec()),
        client_address: request
            .header("spin-client-addr")
            .and_then(|value| value.as_str())
            .map(str::to_owned),
        forwarded_for: forwarded_for(request),
    }
}

/// Every `X-Forwarded-For` header, in order, joined as one list (a proxy may append a header
/// rather than extend the one it received). Values that are not text are left out.
fn forwarded_for(request: &Request) -> Option<String> {
    let values: Vec<&str> = request
        .headers()
        .filter(|(name, _)| name.eq_ignore_ascii_case("x-forwarded-for"))
        .filter_map(|(_, value)| value.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

fn denial_response(denial: Denial) -> Response {
    match denial {
        Denial::Missing => unauthorized("credentials required: use Basic or Bearer authentication"),
        Denial::Rejected(reason) => unauthorized(&reason),
        Denial::Malformed(reason) => plain_text(400, &reason),
        Denial::Throttled(seconds) => Response::builder()
            .status(429)
            .header("content-type", "text/plain; charset=utf-8")
            .header("retry-after", seconds.to_string())
            .body(format!("too many failed attempts; retry in {seconds} s\n"))
            .build(),
        // What kind of thing failed, safe for any client; the verifier logged the details.
        Denial::Unavailable(reason) => Response::builder()
            .status(503)
            .header("content-type", "text/plain; charset=utf-8")
            .header("retry-after", UNAVAILABLE_RETRY_AFTER_SECS.to_string())
            .body(format!("{reason}\n"))
            .build(),
    }
}

fn unauthorized(reason: &str) -> Response {
    Response::builder()
        .status(401)
        .header("content-type", "text/plain; charset=utf-8")
        .header("www-authenticate", CHALLENGE)
        .body(format!("{reason}\n"))
        .build()
}
