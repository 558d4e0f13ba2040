//! The operator's OIDC settings, validated once: issuer, audience and allowed repositories.

use crate::errors::{OidcConfigError, OidcError};
use crate::identity::GithubActionsIdentity;
use crate::issuer::validate_issuer;
use crate::repository_rule::RepositoryRule;

/// Which GitHub Actions tokens wharf accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcPolicy {
    issuer: String,
    audience: String,
    rules: Vec<RepositoryRule>,
}

impl OidcPolicy {
    /// Builds the policy from the Spin variables `oidc_issuer`, `oidc_audience` and
    /// `oidc_allowed_repositories` (comma-separated [`RepositoryRule`]s).
    ///
    /// Returns `Ok(None)` — OIDC off — when the audience or the repository list is empty:
    /// without both, any GitHub repository's token could be replayed here, so the feature
    /// fails closed. Surrounding whitespace is trimmed from each setting (environment
    /// variables often end in a newline); the values themselves are then compared exactly.
    pub fn from_settings(
        issuer: &str,
        audience: &str,
        allowed_repositories: &str,
    ) -> Result<Option<OidcPolicy>, OidcConfigError> {
        let issuer = issuer.trim();
        let audience = audience.trim();
        let allowed_repositories = allowed_repositories.trim();
        if audience.is_empty() || allowed_repositories.is_empty() {
            return Ok(None);
        }
        validate_issuer(issuer)?;
        let rules = allowed_repositories
            .split(',')
            .map(str::trim)
            // A trailing or doubled comma is a typo, not a rule.
            .filter(|entry| !entry.is_empty())
            .map(RepositoryRule::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if rules.is_empty() {
            return Ok(None);
        }
        Ok(Some(OidcPolicy {
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            rules,
        }))
    }

    /// The accepted `iss`, exactly as configured.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The required `aud`.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The allowed-repository rules, in configured order.
    pub fn rules(&self) -> &[RepositoryRule] {
        &self.rules
    }

    /// Whether some rule admits `identity`. Public so that a stored exchanged token can be
    /// re-checked against the current settings: removing a repository revokes it at once.
    pub fn authorize(&self, identity: &GithubActionsIdentity) -> Result<(), OidcError> {
        if self.rules.iter().any(|rule| rule.admits(identity)) {
            Ok(())
        } else {
            Err(OidcError::RepositoryNotAllowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: &str = "https://token.actions.githubusercontent.com";

    #[test]
    fn empty_audience_or_repositories_turn_oidc_off() {
        assert_eq!(OidcPolicy::from_settings(GITHUB, "", "acme/*"), Ok(None));
        assert_eq!(OidcPolicy::from_settings(GITHUB, "wharf", ""), Ok(None));
        assert_eq!(OidcPolicy::from_settings(GITHUB, " ", " , "), Ok(None));
        assert_eq!(OidcPolicy::from_settings(GITHUB, "wharf", " , "), Ok(None));
    }

    #[test]
    fn off_does_not_validate_the_issuer() {
        // The issuer has a default; an operator who never enabled OIDC must not be
        // bothered about it.
        assert_eq!(OidcPolicy::from_settings("", "", ""), Ok(None));
    }

    #[test]
    fn rules_are_comma_separated() {
        let policy = OidcPolicy::from_settings(
            GITHUB,
            "https://wharf.example",
            "acme/infra, acme-labs/*;ref=refs/heads/main,",
        )
        .unwrap()
        .unwrap();
        assert_eq!(policy.issuer(), GITHUB);
        assert_eq!(policy.audience(), "https://wharf.example");
        let shown: Vec<String> = policy.rules().iter().map(|r| r.to_string()).collect();
        assert_eq!(shown, ["acme/infra", "acme-labs/*;ref=refs/heads/main"]);
    }

    #[test]
    fn bad_issuer_or_rule_is_an_error_not_off() {
        assert!(matches!(
            OidcPolicy::from_settings("http://token.example", "wharf", "acme/*"),
            Err(OidcConfigError::InvalidIssuer(_))
        ));
        assert!(matches!(
            OidcPolicy::from_settings(GITHUB, "wharf", "acme/*,*/*"),
            Err(OidcConfigError::InvalidRule { .. })
        ));
    }
}
