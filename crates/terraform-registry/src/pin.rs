//! Tag pinning: a published module version must keep serving the commit it first served.
//!
//! Git tags can be moved (`git tag -f`, force-push). If `1.2.0` silently changed code, every
//! `terraform init` would pull something nobody reviewed under a version that claims to be
//! known. So the first commit served per version is remembered in key-value and a moved tag
//! is refused with instructions.

use std::fmt;

use crate::TagVersion;

/// The key-value record remembering which commit a module version was first served from.
/// Holds no secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedCommit {
    /// `owner/repository` as given.
    repository: String,
    tag: String,
    version: String,
    commit_sha: String,
}

/// What to do after [`PinnedCommit::check_pin`] passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinDecision {
    /// First time this version is served: store [`PinnedCommit::value`] under
    /// [`PinnedCommit::key`].
    Remember,
    /// The tag still points where it did: nothing to write.
    Unchanged,
}

/// The tag behind a published version now points at another commit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "tag '{}' of {} (module version {}) moved from commit {pinned_sha} to {}; \
     published versions must not change: publish a new version tag, or if the move was intended delete key-value entry '{}'",
    .current.tag, .current.repository, .current.version, .current.commit_sha, .current.key()
)]
pub struct TagMoved {
    /// The commit remembered when the version was first served.
    pub pinned_sha: String,
    /// The version as the repository looks now; its [`PinnedCommit::key`] is the entry to
    /// delete to accept the move.
    pub current: PinnedCommit,
}

impl PinnedCommit {
    /// The pin for `version` of `owner/repository` as the repository looks now.
    pub fn new(owner: &str, repository: &str, version: &TagVersion) -> Self {
        Self {
            repository: format!("{owner}/{repository}"),
            tag: version.tag.clone(),
            version: version.version.clone(),
            commit_sha: version.commit_sha.clone(),
        }
    }

    /// `v1/module-pin/{owner}/{repo}/{version}`. Owner and repository are lowercased because
    /// GitHub names are case-insensitive: `Acme/VPC` and `acme/vpc` are one repository and
    /// must share one pin.
    pub fn key(&self) -> String {
        format!(
            "v1/module-pin/{}/{}",
            self.repository.to_ascii_lowercase(),
            self.version
        )
    }

    /// `v1/module-commit/{owner}/{repo}/{sha}`: the index of commits wharf pinned, so a
    /// request naming a commit (an archive fetched with credentials instead of a signed URL)
    /// can tell a published version's commit from any other commit of the repository. Store
    /// [`Self::version`] under it, before the pin itself.
    pub fn commit_key(&self) -> String {
        let (owner, repository) = self
            .repository
            .split_once('/')
            .unwrap_or((&self.repository, ""));
        pinned_commit_key(owner, repository, &self.commit_sha)
    }

    /// `owner/repository` as given.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The git tag.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The canonical module version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The value to store: the commit SHA.
    pub fn value(&self) -> &str {
        &self.commit_sha
    }

    /// Compares with the value previously stored under [`Self::key`] (`None` if there was
    /// none). A stored value that is not the current SHA, including a damaged one, counts as
    /// a move: failing closed is the point of pinning.
    pub fn check_pin(&self, previous: Option<&str>) -> Result<PinDecision, TagMoved> {
        let Some(previous) = previous else {
            return Ok(PinDecision::Remember);
        };
        let previous = previous.trim();
        if previous.eq_ignore_ascii_case(&self.commit_sha) {
            return Ok(PinDecision::Unchanged);
        }
        Err(TagMoved {
            pinned_sha: printable_sha(previous),
            current: self.clone(),
        })
    }
}

/// The key [`PinnedCommit::commit_key`] writes for `commit_sha` of `owner/repository`; an entry
/// under it means wharf pinned a module version to that commit. Names and SHA are lowercased,
/// as GitHub compares them.
pub fn pinned_commit_key(owner: &str, repository: &str, commit_sha: &str) -> String {
    format!(
        "v1/module-commit/{}/{}/{}",
        owner.to_ascii_lowercase(),
        repository.to_ascii_lowercase(),
        commit_sha.to_ascii_lowercase()
    )
}

impl fmt::Display for PinnedCommit {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} = {}", self.key(), self.commit_sha)
    }
}

/// A stored value is shown in the error only as far as it looks like a SHA.
fn printable_sha(value: &str) -> String {
    let shown: String = value
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_hexdigit() { c } else { '?' })
        .collect();
    if shown.is_empty() {
        "(empty)".to_owned()
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "1111111111111111111111111111111111111111";
    const NEW: &str = "2222222222222222222222222222222222222222";

    fn pin(sha: &str) -> PinnedCommit {
        let version = TagVersion {
            tag: "v1.2".to_owned(),
            commit_sha: sha.to_owned(),
            version: "1.2.0".to_owned(),
        };
        PinnedCommit::new("Acme", "Terraform-AWS-VPC", &version)
    }

    #[test]
    fn key_and_value() {
        let pin = pin(OLD);
        assert_eq!(pin.key(), "v1/module-pin/acme/terraform-aws-vpc/1.2.0");
        assert_eq!(pin.value(), OLD);
    }

    #[test]
    fn the_commit_index_key_is_what_an_archive_request_looks_up() {
        let pin = pin(OLD);
        assert_eq!(
            pin.commit_key(),
            format!("v1/module-commit/acme/terraform-aws-vpc/{OLD}")
        );
        assert_eq!(
            pin.commit_key(),
            pinned_commit_key("ACME", "terraform-aws-vpc", &OLD.to_ascii_uppercase())
        );
        assert_ne!(
            pinned_commit_key("acme", "terraform-aws-vpc", NEW),
            pin.commit_key()
        );
        assert_ne!(pin.commit_key(), pin.key(), "the index never shadows a pin");
    }

    #[test]
    fn first_sight_is_remembered_and_same_commit_is_unchanged() {
        assert_eq!(pin(OLD).check_pin(None), Ok(PinDecision::Remember));
        assert_eq!(pin(OLD).check_pin(Some(OLD)), Ok(PinDecision::Unchanged));
        assert_eq!(
            pin(OLD).check_pin(Some(&format!("{}\n", OLD.to_ascii_uppercase()))),
            Ok(PinDecision::Unchanged)
        );
    }

    #[test]
    fn moved_tag_is_refused_with_recovery_steps() {
        let moved = pin(NEW).check_pin(Some(OLD)).expect_err("moved");
        assert_eq!(moved.pinned_sha, OLD);
        assert_eq!(moved.current.value(), NEW);
        let message = moved.to_string();
        assert!(
            message.contains("tag 'v1.2' of Acme/Terraform-AWS-VPC"),
            "{message}"
        );
        assert!(message.contains("publish a new version"), "{message}");
        assert!(
            message.contains("delete key-value entry 'v1/module-pin/acme/terraform-aws-vpc/1.2.0'"),
            "{message}"
        );
        assert!(!message.contains('\n'));
    }

    #[test]
    fn damaged_stored_value_fails_closed() {
        let moved = pin(OLD).check_pin(Some("")).expect_err("empty");
        assert_eq!(moved.pinned_sha, "(empty)");
        let moved = pin(OLD)
            .check_pin(Some("garbage\nvalue"))
            .expect_err("garbage");
        assert!(!moved.to_string().contains("garbage"));
    }
}
