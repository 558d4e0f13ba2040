//! Turns a GitHub status and headers into "go on" or a [`GitHubError`].

use http::{HeaderMap, Response, StatusCode};

use crate::config::printable;
use crate::GitHubError;

/// GitHub asks clients hit by a secondary rate limit without a reset time to wait at least
/// a minute.
const SECONDARY_LIMIT_WAIT_SECONDS: u64 = 60;

/// Decides whether a response can be used. 1xx–3xx are not errors: 304 means "use your cached
/// copy" and 301/302/307/308 go through [`crate::RedirectChain`]. `now_unix` turns
/// `x-ratelimit-reset` (an absolute time) into a wait.
///
/// Use this when the body is streamed and not at hand; [`classify_response`] also reads
/// GitHub's error `message` from the body.
pub fn classify(status: StatusCode, headers: &HeaderMap, now_unix: u64) -> Result<(), GitHubError> {
    classify_with_body(status, headers, None, now_unix)
}

/// [`classify`] for a buffered response, adding GitHub's JSON `message` to the error summary
/// and recognising secondary rate limits that come without rate-limit headers.
pub fn classify_response(response: &Response<Vec<u8>>, now_unix: u64) -> Result<(), GitHubError> {
    classify_with_body(
        response.status(),
        response.headers(),
        Some(response.body()),
        now_unix,
    )
}

fn classify_with_body(
    status: StatusCode,
    headers: &HeaderMap,
    body: Option<&[u8]>,
    now_unix: u64,
) -> Result<(), GitHubError> {
    if status.as_u16() < 400 {
        return Ok(());
    }
    let message = body.and_then(github_message);
    if status == StatusCode::FORBIDDEN || status == StatusCode::TOO_MANY_REQUESTS {
        if let Some(wait) = rate_limit_wait(headers, now_unix) {
            return Err(GitHubError::RateLimited {
                retry_after_seconds: Some(wait),
            });
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(GitHubError::RateLimited {
                retry_after_seconds: None,
            });
        }
        let mentions_rate_limit = message
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains("rate limit"));
        if mentions_rate_limit {
            return Err(GitHubError::RateLimited {
                retry_after_seconds: Some(SECONDARY_LIMIT_WAIT_SECONDS),
            });
        }
    }
    match status {
        StatusCode::UNAUTHORIZED => Err(GitHubError::Unauthorized),
        StatusCode::NOT_FOUND => Err(GitHubError::NotFound),
        _ => {
            let reason = status.canonical_reason().unwrap_or("unexpected status");
            let summary = match message {
                Some(message) => format!("{reason}: {message}"),
                None => reason.to_owned(),
            };
            Err(GitHubError::Upstream {
                status: status.as_u16(),
                summary,
            })
        }
    }
}

/// Seconds to wait from `retry-after` and/or an exhausted `x-ratelimit-remaining` with its
/// `x-ratelimit-reset`; the longer wait wins when both are present. At least one second, so
/// a caller never retries in a tight loop on clock skew.
fn rate_limit_wait(headers: &HeaderMap, now_unix: u64) -> Option<u64> {
    let retry_after = header_u64(headers, "retry-after");
    let exhausted = header_u64(headers, "x-ratelimit-remaining") == Some(0);
    let until_reset = if exhausted {
        header_u64(headers, "x-ratelimit-reset").map(|reset| reset.saturating_sub(now_unix))
    } else {
        None
    };
    let wait = match (retry_after, until_reset) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    match wait {
        Some(seconds) => Some(seconds.max(1)),
        // Remaining 0 without a usable reset time is still a rate limit.
        None if exhausted => Some(SECONDARY_LIMIT_WAIT_SECONDS),
        None => None,
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// GitHub's JSON error `{"message": "..."}`, made safe for a one-line log message.
fn github_message(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        message: String,
    }
    let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
    let message = printable(parsed.message.trim());
    (!message.is_empty()).then_some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("valid header value"));
        }
        map
    }

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).expect("valid status")
    }

    #[test]
    fn success_and_redirects_pass() {
        for code in [200, 204, 206, 302, 304] {
            assert_eq!(classify(status(code), &HeaderMap::new(), NOW), Ok(()));
        }
    }

    #[test]
    fn not_found_and_unauthorized() {
        assert_eq!(
            classify(status(404), &HeaderMap::new(), NOW),
            Err(GitHubError::NotFound)
        );
        assert_eq!(
            classify(status(401), &HeaderMap::new(), NOW),
            Err(GitHubError::Unauthorized)
        );
    }

    #[test]
    fn exhausted_primary_limit_waits_until_reset() {
        let limited = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &(NOW + 120).to_string()),
        ]);
        assert_eq!(
            classify(status(403), &limited, NOW),
            Err(GitHubError::RateLimited {
                retry_after_seconds: Some(120)
            })
        );
        assert_eq!(
            classify(status(429), &limited, NOW),
            Err(GitHubError::RateLimited {
                retry_after_seconds: Some(120)
            })
        );
    }

    #[test]
    fn reset_in_the_past_still_waits_a_second() {
        let limited = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &(NOW - 5).to_string()),
        ]);
        assert_eq!(
            classify(status(403), &limited, NOW),
            Err(GitHubError::RateLimited {
                retry_after_seconds: Some(1)
            })
        );
    }

    #[test]
    fn retry_after_is_used_and_the_longer_wait_wins() {
        assert_eq!(
            classify(status(429), &headers(&[("retry-after", "30")]), NOW),
            Err(GitHubError::RateLimited {
                retry_after_seconds: Some(30)
            })
        );
        let both = headers(&[
            ("retry-after", "30"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &(NOW + 90).to_string()),
        ]);
        assert_eq!(
            classify(status(403), &both, NOW),
            Err(GitHubError::RateLimited {
                retry_after_seconds: Some(90)
            })
        );
    }

    #[test]
    fn forbidden_with_remaining_quota_is_not_a_rate_limit() {
        let plenty = headers(&[
            ("x-ratelimit-remaining", "4999"),
            ("x-ratelimit-reset", &(NOW + 90).to_string()),
        ]);
        let error = classify(status(403), &plenty, NOW).expect_err("403");
        assert_eq!(
            error,
            GitHubError::Upstream {
                status: 403,
                summary: "Forbidden".to_owned()
            }
        );
    }

    #[test]
    fn bare_429_is_a_rate_limit_without_time() {
        assert_eq!(
            classify(status(429), &HeaderMap::new(), NOW),
            Err(GitHubError::RateLimited {
                retry_after_seconds: None
            })
        );
    }

    #[test]
    fn secondary_limit_recognised_from_the_message() {
        let response = Response::builder()
            .status(403)
            .body(br#"{"message":"You have exceeded a secondary rate limit."}"#.to_vec())
            .expect("valid response");
        assert_eq!(
            classify_response(&response, NOW),
            Err(GitHubError::RateLimited {
                retry_after_seconds: Some(60)
            })
        );
    }

    #[test]
    fn upstream_summary_carries_githubs_message() {
        let response = Response::builder()
            .status(422)
            .body(br#"{"message":"Validation\nFailed","documentation_url":"x"}"#.to_vec())
            .expect("valid response");
        assert_eq!(
            classify_response(&response, NOW),
            Err(GitHubError::Upstream {
                status: 422,
                summary: "Unprocessable Entity: Validation?Failed".to_owned()
            })
        );
        let html = Response::builder()
            .status(502)
            .body(b"<html>oops</html>".to_vec())
            .expect("valid response");
        assert_eq!(
            classify_response(&html, NOW),
            Err(GitHubError::Upstream {
                status: 502,
                summary: "Bad Gateway".to_owned()
            })
        );
    }
}
