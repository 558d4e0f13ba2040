//! One entry of `oidc_allowed_repositories`: which workflows may authenticate.
//!
//! Syntax: `owner/repo` or `owner/*`, optionally followed by `;claim=value` constraints that
//! must all match exactly, e.g.
//! `acme/infra;ref=refs/heads/main;environment=production;repository_id=123456`.
//! Constraint claims: `ref`, `environment`, `job_workflow_ref`, `repository_id`,
//! `repository_owner_id`. `;` and `=` were chosen over `@`/`:` because `job_workflow_ref`
//! values contain `@`. Values cannot contain `,` (the list separator) or `;`.

use crate::errors::OidcConfigError;
use crate::identity::GithubActionsIdentity;
use std::fmt;

/// A parsed entry of `oidc_allowed_repositories`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryRule {
    owner: String,
    repository: RepositoryPattern,
    constraints: Vec<ClaimConstraint>,
}

/// Which repositories of the owner a rule covers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RepositoryPattern {
    Named(String),
    AnyOfOwner,
}

/// A claim that a rule can pin to one exact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstrainedClaim {
    /// `ref`
    Ref,
    /// `environment`
    Environment,
    /// `job_workflow_ref`
    JobWorkflowRef,
    /// `repository_id`
    RepositoryId,
    /// `repository_owner_id`
    RepositoryOwnerId,
}

impl ConstrainedClaim {
    const ALL: [ConstrainedClaim; 5] = [
        ConstrainedClaim::Ref,
        ConstrainedClaim::Environment,
        ConstrainedClaim::JobWorkflowRef,
        ConstrainedClaim::RepositoryId,
        ConstrainedClaim::RepositoryOwnerId,
    ];

    /// The claim's name in the token, which is also its key in a rule.
    pub fn claim_name(self) -> &'static str {
        match self {
            ConstrainedClaim::Ref => "ref",
            ConstrainedClaim::Environment => "environment",
            ConstrainedClaim::JobWorkflowRef => "job_workflow_ref",
            ConstrainedClaim::RepositoryId => "repository_id",
            ConstrainedClaim::RepositoryOwnerId => "repository_owner_id",
        }
    }

    fn from_claim_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.claim_name() == name)
    }

    fn value_in(self, identity: &GithubActionsIdentity) -> Option<&str> {
        match self {
            ConstrainedClaim::Ref => identity.ref_.as_deref(),
            ConstrainedClaim::Environment => identity.environment.as_deref(),
            ConstrainedClaim::JobWorkflowRef => identity.job_workflow_ref.as_deref(),
            ConstrainedClaim::RepositoryId => identity.repository_id.as_deref(),
            ConstrainedClaim::RepositoryOwnerId => identity.repository_owner_id.as_deref(),
        }
    }
}

/// `claim=value`: the token's claim must equal `value` byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimConstraint {
    /// The pinned claim.
    pub claim: ConstrainedClaim,
    /// The only accepted value.
    pub value: String,
}

impl RepositoryRule {
    /// Parses one entry (already split off the comma-separated list).
    pub fn parse(entry: &str) -> Result<RepositoryRule, OidcConfigError> {
        let invalid = |reason| OidcConfigError::InvalidRule {
            rule: entry.to_string(),
            reason,
        };
        let mut parts = entry.split(';').map(str::trim);
        let path = parts.next().unwrap_or_default();
        let (owner, name) = path
            .split_once('/')
            .ok_or_else(|| invalid("expected owner/repo or owner/*"))?;
        if owner == "*" {
            // Anyone can get a GitHub Actions token for their own repository, so a
            // wildcard owner would admit the whole of GitHub.
            return Err(invalid("the owner cannot be a wildcard"));
        }
        if !is_owner_name(owner) {
            return Err(invalid(
                "the owner is not a GitHub user or organization name",
            ));
        }
        let repository = if name == "*" {
            RepositoryPattern::AnyOfOwner
        } else if is_repository_name(name) {
            RepositoryPattern::Named(name.to_string())
        } else {
            return Err(invalid(
                "the repository is not a GitHub repository name or *",
            ));
        };

        let mut constraints: Vec<ClaimConstraint> = Vec::new();
        for part in parts {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| invalid("a constraint must look like claim=value"))?;
            let claim = ConstrainedClaim::from_claim_name(key.trim()).ok_or_else(|| {
                // Fail closed: ignoring a constraint the operator believes is enforced
                // would widen access silently.
                invalid("unknown constraint (known: ref, environment, job_workflow_ref, repository_id, repository_owner_id)")
            })?;
            let value = value.trim();
            if value.is_empty() {
                return Err(invalid("a constraint value is empty"));
            }
            if constraints.iter().any(|c| c.claim == claim) {
                return Err(invalid("a claim is constrained twice"));
            }
            constraints.push(ClaimConstraint {
                claim,
                value: value.to_string(),
            });
        }
        Ok(RepositoryRule {
            owner: owner.to_string(),
            repository,
            constraints,
        })
    }

    /// The owner this rule is about.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The constraints beyond the repository name.
    pub fn constraints(&self) -> &[ClaimConstraint] {
        &self.constraints
    }

    /// Whether this rule admits `identity`. Owner and repository names compare
    /// case-insensitively (GitHub treats them so); constrained claims compare exactly.
    pub fn admits(&self, identity: &GithubActionsIdentity) -> bool {
        let Some((claimed_owner, claimed_name)) = identity.repository.split_once('/') else {
            return false;
        };
        let owner_matches = claimed_owner.eq_ignore_ascii_case(&self.owner)
            && identity.repository_owner.eq_ignore_ascii_case(&self.owner);
        let name_matches = match &self.repository {
            RepositoryPattern::Named(name) => claimed_name.eq_ignore_ascii_case(name),
            RepositoryPattern::AnyOfOwner => true,
        };
        owner_matches
            && name_matches
            && self
                .constraints
                .iter()
                .all(|c| c.claim.value_in(identity) == Some(c.value.as_str()))
    }
}

impl fmt::Display for RepositoryRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repository {
            RepositoryPattern::Named(name) => write!(f, "{}/{}", self.owner, name)?,
            RepositoryPattern::AnyOfOwner => write!(f, "{}/*", self.owner)?,
        }
        for c in &self.constraints {
            write!(f, ";{}={}", c.claim.claim_name(), c.value)?;
        }
        Ok(())
    }
}

/// GitHub logins: letters, digits and hyphens; `_` appears in Enterprise Managed Users.
fn is_owner_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// GitHub repository names: letters, digits, `-`, `_`, `.`, but never `.` or `..`.
fn is_repository_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(repository: &str, owner: &str) -> GithubActionsIdentity {
        GithubActionsIdentity {
            repository: repository.to_string(),
            repository_owner: owner.to_string(),
            repository_id: Some("42".to_string()),
            repository_owner_id: Some("7".to_string()),
            ref_: Some("refs/heads/main".to_string()),
            environment: None,
            job_workflow_ref: Some("acme/infra/.github/workflows/ci.yml@refs/heads/main".into()),
            expires_at: 0,
        }
    }

    #[test]
    fn named_rule_admits_that_repository_case_insensitively() {
        let rule = RepositoryRule::parse("Acme/Infra").unwrap();
        assert!(rule.admits(&identity("acme/infra", "acme")));
        assert!(!rule.admits(&identity("acme/infra2", "acme")));
        assert!(!rule.admits(&identity("other/infra", "other")));
    }

    #[test]
    fn wildcard_rule_admits_only_that_owner() {
        let rule = RepositoryRule::parse("acme/*").unwrap();
        assert!(rule.admits(&identity("acme/anything", "acme")));
        assert!(!rule.admits(&identity("acme-evil/anything", "acme-evil")));
        // Inconsistent claims never match, whichever half names the owner.
        assert!(!rule.admits(&identity("acme/anything", "evil")));
        assert!(!rule.admits(&identity("evil/anything", "acme")));
    }

    #[test]
    fn constraints_must_all_match_exactly() {
        let rule = RepositoryRule::parse(
            "acme/infra; ref=refs/heads/main ;job_workflow_ref=acme/infra/.github/workflows/ci.yml@refs/heads/main",
        )
        .unwrap();
        assert!(rule.admits(&identity("acme/infra", "acme")));
        let mut other_ref = identity("acme/infra", "acme");
        other_ref.ref_ = Some("refs/heads/Main".to_string());
        assert!(!rule.admits(&other_ref));
        let mut no_ref = identity("acme/infra", "acme");
        no_ref.ref_ = None;
        assert!(!rule.admits(&no_ref));
    }

    #[test]
    fn id_and_environment_constraints() {
        let rule = RepositoryRule::parse("acme/*;repository_id=42;environment=prod").unwrap();
        let mut id = identity("acme/infra", "acme");
        assert!(!rule.admits(&id), "no environment claim");
        id.environment = Some("prod".to_string());
        assert!(rule.admits(&id));
        id.repository_id = Some("43".to_string());
        assert!(!rule.admits(&id));
    }

    #[test]
    fn display_is_the_normalised_rule() {
        let rule = RepositoryRule::parse(" acme/* ; ref = refs/tags/v1 ").unwrap();
        assert_eq!(rule.to_string(), "acme/*;ref=refs/tags/v1");
    }

    #[test]
    fn malformed_rules_are_refused() {
        for entry in [
            "",
            "acme",
            "*/*",
            "*/repo",
            "acme/",
            "/repo",
            "acme/re*",
            "acme/repo/extra",
            "acme/..",
            "ac me/repo",
            "acme/repo;ref",
            "acme/repo;ref=",
            "acme/repo;branch=main",
            "acme/repo;ref=a;ref=b",
        ] {
            assert!(RepositoryRule::parse(entry).is_err(), "{entry:?}");
        }
    }
}
