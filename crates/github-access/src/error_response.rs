use component_http::plain_text;
use github::GitHubError;
use origin_cache::{client_retry_after, OUTAGE_BACKOFF_SECONDS};
use spin_sdk::http::Response;

use crate::AccessError;

/// What the client sees when GitHub could not give wharf what it needed and nothing cached
/// stood in. Every answer has a body (apt retries only then); when GitHub is down (no answer,
/// 5xx, rate-limited) it is a 503 with `Retry-After`, bounded so Terraform, which sleeps
/// for all of it before retrying, is not held for long.
pub fn error_response(error: &AccessError) -> Response {
    eprintln!("GitHub: {error}");
    match error {
        AccessError::Unreachable(_) => retry_later(error, OUTAGE_BACKOFF_SECONDS),
        AccessError::Unavailable { unavailable, .. } => retry_later(error, unavailable.retry_after),
        // The same answer as for a repository that does not exist: a client learns nothing
        // about which owners wharf knows.
        AccessError::OwnerNotAllowed(_) => plain_text(404, "not found"),
        AccessError::GitHub(github) => match github {
            GitHubError::NotFound => plain_text(404, "not found"),
            GitHubError::InvalidInput(reason) => plain_text(400, reason),
            GitHubError::RateLimited {
                retry_after_seconds,
            } => retry_later(error, retry_after_seconds.unwrap_or(60)),
            GitHubError::Upstream { status, .. } if *status >= 500 => {
                retry_later(error, OUTAGE_BACKOFF_SECONDS)
            }
            GitHubError::Configuration(_) => plain_text(
                500,
                "wharf's GitHub settings are unusable; the server log says which",
            ),
            GitHubError::Unauthorized
            | GitHubError::Upstream { .. }
            | GitHubError::Malformed(_)
            | GitHubError::Refused(_) => plain_text(502, &format!("GitHub: {github}")),
        },
    }
}

fn retry_later(error: &AccessError, seconds: u64) -> Response {
    let seconds = client_retry_after(seconds);
    Response::builder()
        .status(503)
        .header("content-type", "text/plain; charset=utf-8")
        .header("retry-after", seconds.to_string())
        .body(format!("{error}\n"))
        .build()
}
