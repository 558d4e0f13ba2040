//! Why GitHub could not give a component what it asked for.

use github::GitHubError;
use origin_cache::{Failure, FailureKind, Unavailable};

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    /// The request never got an answer (connection refused, DNS, a timeout, a host not
    /// allowed).
    #[error("cannot reach GitHub: {0}")]
    Unreachable(String),
    /// The owner is not in `allowed_owners`; nothing was read, from GitHub or the cache.
    #[error("GitHub owner '{0}' is not in allowed_owners")]
    OwnerNotAllowed(String),
    /// GitHub is known to be down (a recent failure), so it was not asked, and nothing
    /// cached stands in for `what`.
    #[error("GitHub is unavailable ({}) and {}; retry in {} s", .unavailable.reason, no_copy(.what, .unavailable.too_old.as_ref()), .unavailable.retry_after)]
    Unavailable {
        what: String,
        unavailable: Unavailable,
    },
}

fn no_copy(what: &str, too_old: Option<&u64>) -> String {
    match too_old {
        Some(age) => format!(
            "wharf's copy of {what} is {age} s old, older than stale_if_error allows serving"
        ),
        None => format!("wharf has no earlier copy of {what}"),
    }
}

impl AccessError {
    /// How the caching policy sees this failure.
    pub(crate) fn failure(&self) -> Failure {
        let (kind, retry_after) = match self {
            AccessError::Unreachable(_) => (FailureKind::Unreachable, None),
            AccessError::GitHub(GitHubError::RateLimited {
                retry_after_seconds,
            }) => (FailureKind::RateLimited, *retry_after_seconds),
            AccessError::GitHub(GitHubError::Upstream { status, .. }) if *status >= 500 => {
                (FailureKind::ServerError, None)
            }
            AccessError::Unavailable { unavailable, .. } => {
                (FailureKind::Other, Some(unavailable.retry_after))
            }
            _ => (FailureKind::Other, None),
        };
        Failure {
            kind,
            retry_after,
            reason: self.to_string(),
        }
    }

    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, AccessError::GitHub(GitHubError::NotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(error: AccessError) -> (FailureKind, Option<u64>) {
        let failure = error.failure();
        (failure.kind, failure.retry_after)
    }

    #[test]
    fn github_failures_map_to_what_the_policy_distinguishes() {
        assert_eq!(
            kind(AccessError::Unreachable("timed out".to_owned())),
            (FailureKind::Unreachable, None)
        );
        assert_eq!(
            kind(
                GitHubError::RateLimited {
                    retry_after_seconds: Some(42)
                }
                .into()
            ),
            (FailureKind::RateLimited, Some(42))
        );
        for status in [500, 502, 503] {
            let error = GitHubError::Upstream {
                status,
                summary: "Server Error".to_owned(),
            };
            assert_eq!(kind(error.into()), (FailureKind::ServerError, None));
        }
        for other in [
            GitHubError::Unauthorized,
            GitHubError::Malformed("not JSON".to_owned()),
            GitHubError::Upstream {
                status: 422,
                summary: "Unprocessable".to_owned(),
            },
        ] {
            assert_eq!(kind(other.into()), (FailureKind::Other, None));
        }
        assert!(AccessError::GitHub(GitHubError::NotFound).is_not_found());
        assert!(!AccessError::Unreachable(String::new()).is_not_found());
    }

    #[test]
    fn unavailable_says_whether_a_copy_was_too_old() {
        let unavailable = |too_old| AccessError::Unavailable {
            what: "the tags of acme/vpc".to_owned(),
            unavailable: Unavailable {
                retry_after: 7,
                reason: "GitHub answered HTTP 500".to_owned(),
                too_old,
            },
        };
        assert_eq!(
            unavailable(None).to_string(),
            "GitHub is unavailable (GitHub answered HTTP 500) and wharf has no earlier copy of the tags of acme/vpc; retry in 7 s"
        );
        assert!(unavailable(Some(90_000))
            .to_string()
            .contains("copy of the tags of acme/vpc is 90000 s old, older than stale_if_error"));
    }
}
