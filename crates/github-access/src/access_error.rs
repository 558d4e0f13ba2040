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
    #[error("GitHub is unavailable ({}) and wharf has no earlier copy of {what}; retry in {} s", .unavailable.reason, .unavailable.retry_after)]
    Unavailable {
        what: String,
        unavailable: Unavailable,
    },
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
