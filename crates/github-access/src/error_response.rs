use component_http::plain_text;
use github::GitHubError;
use spin_sdk::http::Response;

use crate::transport::AccessError;

/// What the client sees when GitHub could not give wharf what it needed. Every answer has a
/// body (apt retries only then) and, where a wait helps, `Retry-After`.
pub fn error_response(error: &AccessError) -> Response {
    eprintln!("GitHub: {error}");
    match error {
        AccessError::Unreachable(_) => retry_later(502, error, 30),
        AccessError::GitHub(github) => match github {
            GitHubError::NotFound => plain_text(404, "not found"),
            GitHubError::InvalidInput(reason) => plain_text(400, reason),
            GitHubError::RateLimited {
                retry_after_seconds,
            } => retry_later(503, error, retry_after_seconds.unwrap_or(60)),
            GitHubError::Upstream { status, .. } if *status >= 500 => retry_later(502, error, 30),
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

fn retry_later(status: u16, error: &AccessError, seconds: u64) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .header("retry-after", seconds.to_string())
        .body(format!("{error}\n"))
        .build()
}
