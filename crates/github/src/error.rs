//! Everything that can go wrong talking to GitHub, phrased for the operator's log.

/// Why a GitHub request could not be built or its answer could not be used.
///
/// Messages never contain tokens or keys: they are safe to log and, for
/// [`GitHubError::InvalidInput`], to send to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitHubError {
    /// HTTP 404. GitHub also answers 404 for a private repository when the token is missing or
    /// cannot see it, so this may mean "no access" as much as "does not exist".
    #[error("not found on GitHub (a private repository also answers 404 when the token is missing or has no access to it)")]
    NotFound,
    /// 401: the token or App credentials were refused.
    #[error("GitHub refused the credentials (401): check github_token or the GitHub App settings; an installation token is refreshed on the next request")]
    Unauthorized,
    /// 403/429 because of a primary or secondary rate limit.
    #[error("GitHub rate limit reached: {}", retry_hint(*.retry_after_seconds))]
    RateLimited {
        /// Seconds to wait before retrying, when GitHub said so.
        retry_after_seconds: Option<u64>,
    },
    /// Any other failure status.
    #[error("GitHub answered HTTP {status}: {summary}")]
    Upstream {
        /// The HTTP status code.
        status: u16,
        /// The reason phrase and GitHub's `message`, when it sent one.
        summary: String,
    },
    /// GitHub answered successfully but not in the expected shape.
    #[error("{0}")]
    Malformed(String),
    /// A name coming from the client (owner, repository, tag, path) is not acceptable.
    #[error("{0}")]
    InvalidInput(String),
    /// The operator's settings (API URL, token, App key) are unusable.
    #[error("{0}")]
    Configuration(String),
    /// A redirect or pagination link points somewhere wharf will not go.
    #[error("{0}")]
    Refused(String),
}

fn retry_hint(retry_after_seconds: Option<u64>) -> String {
    match retry_after_seconds {
        Some(seconds) => format!("retry in {seconds} s"),
        None => "retry later (GitHub gave no reset time)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_message_says_when_to_retry() {
        let limited = GitHubError::RateLimited {
            retry_after_seconds: Some(42),
        };
        assert_eq!(
            limited.to_string(),
            "GitHub rate limit reached: retry in 42 s"
        );
        let unknown = GitHubError::RateLimited {
            retry_after_seconds: None,
        };
        assert!(unknown.to_string().contains("retry later"));
    }

    #[test]
    fn messages_are_one_line() {
        let errors = [
            GitHubError::NotFound,
            GitHubError::Unauthorized,
            GitHubError::Upstream {
                status: 502,
                summary: "Bad Gateway".to_owned(),
            },
        ];
        for error in errors {
            assert!(!error.to_string().contains('\n'), "{error}");
        }
    }
}
