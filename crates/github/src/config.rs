//! Where GitHub's REST API lives and who we are when we call it.

use http::{HeaderValue, Uri};

use crate::origin::{Origin, OriginProblem};
use crate::{GitHubError, Secret};

/// The REST API base URL and the `User-Agent` every request carries.
#[derive(Debug, Clone)]
pub struct GitHubConfig {
    /// Without trailing slash, e.g. `https://api.github.com` or `https://ghe.example/api/v3`.
    api_url: String,
    /// The path part of `api_url` (`""` or `/api/v3`); pagination links must stay under it.
    base_path: String,
    origin: Origin,
    user_agent: HeaderValue,
}

impl GitHubConfig {
    /// github.com's REST API.
    pub const DEFAULT_API_URL: &'static str = "https://api.github.com";

    /// Checks and stores the API base URL (github.com, GitHub Enterprise Server's
    /// `https://HOST/api/v3`, or a local fake such as `http://127.0.0.1:PORT`).
    pub fn new(api_url: &str, user_agent: &str) -> Result<Self, GitHubError> {
        let trimmed = api_url.trim().trim_end_matches('/');
        let uri: Uri = trimmed.parse().map_err(|_| {
            GitHubError::Configuration(format!(
                "github_api_url '{trimmed}' is not a URL: use e.g. https://api.github.com or https://HOST/api/v3"
            ))
        })?;
        let origin = Origin::of(&uri).map_err(|problem| {
            let why = match problem {
                OriginProblem::NotAbsolute => "it needs a scheme and a host",
                OriginProblem::UnsupportedScheme(_) => "only http and https are supported",
                OriginProblem::HasUserInfo => "put credentials in github_token, not in the URL",
            };
            GitHubError::Configuration(format!("github_api_url '{trimmed}' is unusable: {why}"))
        })?;
        if uri.query().is_some() || trimmed.contains('#') {
            return Err(GitHubError::Configuration(format!(
                "github_api_url '{trimmed}' must not have a query or fragment"
            )));
        }
        let user_agent = HeaderValue::from_str(user_agent)
            .ok()
            .filter(|_| !user_agent.trim().is_empty())
            .ok_or_else(|| {
                GitHubError::Configuration(
                    "the GitHub User-Agent must be non-empty visible ASCII (GitHub rejects requests without one)"
                        .to_owned(),
                )
            })?;
        Ok(Self {
            api_url: trimmed.to_owned(),
            base_path: uri.path().trim_end_matches('/').to_owned(),
            origin,
            user_agent,
        })
    }

    /// The base URL without trailing slash.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The `User-Agent` value sent with every request.
    pub fn user_agent(&self) -> &HeaderValue {
        &self.user_agent
    }

    /// Turns an absolute URL that GitHub handed us (a `Link: rel="next"` URL) into a [`Uri`],
    /// refusing anything that leaves the API's origin or base path: the request will carry
    /// our token, and a forged or misconfigured link must not send it elsewhere.
    pub fn same_origin_uri(&self, url: &str) -> Result<Uri, GitHubError> {
        let refuse = |why: &str| {
            GitHubError::Refused(format!(
                "refusing to follow GitHub link '{}': {why}",
                printable(url)
            ))
        };
        let uri: Uri = url.parse().map_err(|_| refuse("not a valid URL"))?;
        let origin = Origin::of(&uri).map_err(|_| refuse("not an absolute http(s) URL"))?;
        if origin != self.origin {
            return Err(refuse(&format!(
                "it leaves the API origin {}",
                self.api_url
            )));
        }
        let path = uri.path();
        let under_base = self.base_path.is_empty()
            || path == self.base_path
            || path
                .strip_prefix(self.base_path.as_str())
                .is_some_and(|rest| rest.starts_with('/'));
        if !under_base {
            return Err(refuse(&format!("it is not under {}", self.api_url)));
        }
        Ok(uri)
    }
}

impl Default for GitHubConfig {
    fn default() -> Self {
        Self {
            api_url: Self::DEFAULT_API_URL.to_owned(),
            base_path: String::new(),
            origin: Origin {
                scheme: crate::origin::Scheme::Https,
                host: "api.github.com".to_owned(),
                port: 443,
            },
            user_agent: HeaderValue::from_static("wharf"),
        }
    }
}

/// How requests authenticate to GitHub.
#[derive(Debug, Clone, Default)]
pub enum Credentials {
    /// Anonymous: public repositories only, 60 requests/hour.
    #[default]
    None,
    /// A personal access token or fine-grained token (`github_token`).
    Token(Secret),
    /// A GitHub App installation token (valid about one hour).
    InstallationToken(Secret),
}

impl Credentials {
    /// `Token` for a non-empty value, `None` for an empty one (an unset Spin variable).
    pub fn from_token(token: &str) -> Self {
        let token = token.trim();
        if token.is_empty() {
            Self::None
        } else {
            Self::Token(Secret::new(token))
        }
    }

    /// The secret to send as `Authorization: Bearer`, if any.
    pub(crate) fn bearer(&self) -> Option<&Secret> {
        match self {
            Self::None => None,
            Self::Token(secret) | Self::InstallationToken(secret) => Some(secret),
        }
    }
}

/// A URL shortened and stripped of control characters, for error messages.
pub(crate) fn printable(text: &str) -> String {
    const LIMIT: usize = 200;
    let mut shown: String = text
        .chars()
        .take(LIMIT)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > LIMIT {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_github_ghes_and_local_fake() {
        let github = GitHubConfig::new("https://api.github.com/", "wharf").expect("valid");
        assert_eq!(github.api_url(), "https://api.github.com");
        let ghes = GitHubConfig::new("https://ghe.example/api/v3", "wharf").expect("valid");
        assert_eq!(ghes.api_url(), "https://ghe.example/api/v3");
        let fake = GitHubConfig::new("http://127.0.0.1:8123", "wharf").expect("valid");
        assert_eq!(fake.api_url(), "http://127.0.0.1:8123");
    }

    #[test]
    fn default_is_github_com() {
        let config = GitHubConfig::default();
        assert_eq!(config.api_url(), "https://api.github.com");
        assert!(config
            .same_origin_uri("https://api.github.com/repositories/1/tags?page=2")
            .is_ok());
    }

    #[test]
    fn rejects_unusable_urls_and_agents() {
        for bad in [
            "",
            "api.github.com",
            "ftp://x/",
            "https://u:p@x/",
            "https://x/?a=1",
        ] {
            assert!(
                matches!(
                    GitHubConfig::new(bad, "wharf"),
                    Err(GitHubError::Configuration(_))
                ),
                "{bad}"
            );
        }
        assert!(GitHubConfig::new("https://api.github.com", "").is_err());
        assert!(GitHubConfig::new("https://api.github.com", "a\nb").is_err());
    }

    #[test]
    fn same_origin_guard_checks_origin_and_base_path() {
        let ghes = GitHubConfig::new("https://ghe.example/api/v3", "wharf").expect("valid");
        assert!(ghes
            .same_origin_uri("https://ghe.example/api/v3/repos/o/r/tags?page=2")
            .is_ok());
        assert!(ghes
            .same_origin_uri("https://GHE.example:443/api/v3/x")
            .is_ok());
        for bad in [
            "https://evil.example/api/v3/repos/o/r/tags?page=2",
            "http://ghe.example/api/v3/x",
            "https://ghe.example:8443/api/v3/x",
            "https://ghe.example/api/v30/x",
            "https://ghe.example/other",
            "/api/v3/relative",
        ] {
            assert!(
                matches!(ghes.same_origin_uri(bad), Err(GitHubError::Refused(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn empty_token_means_anonymous() {
        assert!(matches!(Credentials::from_token("  "), Credentials::None));
        assert!(matches!(
            Credentials::from_token("t"),
            Credentials::Token(_)
        ));
    }

    #[test]
    fn credentials_debug_hides_tokens() {
        let printed = format!(
            "{:?} {:?}",
            Credentials::Token(Secret::new("ghp_leak")),
            Credentials::InstallationToken(Secret::new("ghs_leak"))
        );
        assert!(!printed.contains("leak"), "{printed}");
    }
}
