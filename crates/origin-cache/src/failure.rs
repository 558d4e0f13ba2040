//! How a call to the origin failed, as far as the policy cares.

/// Clients are never told to wait longer than this. Terraform (go-retryablehttp) sleeps for
/// the whole `Retry-After` of a 503 before its one retry, so a rate limit that resets in 40
/// minutes must not hold `terraform init` for 40 minutes: it retries soon and fails fast.
pub const MAX_CLIENT_RETRY_AFTER_SECONDS: u64 = 30;

/// A failed call to the origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What kind of failure it was.
    pub kind: FailureKind,
    /// How long the origin asked us to wait (`Retry-After`, rate-limit reset), if it said.
    pub retry_after: Option<u64>,
    /// One line for the log and the client, without secrets.
    pub reason: String,
}

/// Failures differ in whether the next request would fare better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer: connection refused, DNS, a timeout.
    Unreachable,
    /// The origin answered 5xx.
    ServerError,
    /// The origin refused because of a (primary or secondary) rate limit.
    RateLimited,
    /// Anything else (refused credentials, an answer that is not what the API promises):
    /// cached data may still stand in, but the origin is not considered down.
    Other,
}

impl FailureKind {
    /// Whether the origin is down for everyone for a while, not only for this request.
    pub fn is_outage(self) -> bool {
        matches!(
            self,
            FailureKind::Unreachable | FailureKind::ServerError | FailureKind::RateLimited
        )
    }
}

/// The `Retry-After` to send a client for a wait of `seconds`: at least 1, at most
/// [`MAX_CLIENT_RETRY_AFTER_SECONDS`].
pub fn client_retry_after(seconds: u64) -> u64 {
    seconds.clamp(1, MAX_CLIENT_RETRY_AFTER_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_the_failures_that_outlast_a_request() {
        assert!(FailureKind::Unreachable.is_outage());
        assert!(FailureKind::ServerError.is_outage());
        assert!(FailureKind::RateLimited.is_outage());
        assert!(!FailureKind::Other.is_outage());
    }

    #[test]
    fn client_waits_are_bounded() {
        assert_eq!(client_retry_after(0), 1);
        assert_eq!(client_retry_after(12), 12);
        assert_eq!(client_retry_after(3600), MAX_CLIENT_RETRY_AFTER_SECONDS);
    }
}
