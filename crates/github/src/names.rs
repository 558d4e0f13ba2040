//! Owner, repository, ref and path names, checked before they go into a GitHub URL.
//!
//! These values come from clients' URLs (module addresses, package paths), so each type can
//! only be built through a validating constructor.

use std::fmt;

use crate::config::printable;
use crate::GitHubError;

/// A repository `owner/name` whose parts are safe to put in a URL path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repository {
    owner: String,
    name: String,
}

impl Repository {
    /// GitHub's owner rules: letters, digits, `-` and `_` (Enterprise managed users), not
    /// starting with `-`. Repository names: letters, digits, `-`, `_`, `.`, but not `.`/`..`.
    pub fn new(owner: &str, name: &str) -> Result<Self, GitHubError> {
        check_owner(owner)?;
        check_repository_name(name)?;
        Ok(Self {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }

    /// Parses `owner/name`, the form used in settings such as `apt_repo`.
    pub fn parse(slug: &str) -> Result<Self, GitHubError> {
        let (owner, name) = slug.split_once('/').ok_or_else(|| {
            GitHubError::InvalidInput(format!(
                "'{}' is not a repository: write it as owner/name",
                printable(slug)
            ))
        })?;
        Self::new(owner, name)
    }

    /// The user or organisation.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The repository name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.owner, self.name)
    }
}

const MAX_NAME_LEN: usize = 100;

fn check_owner(owner: &str) -> Result<(), GitHubError> {
    let bad = |why: &str| {
        GitHubError::InvalidInput(format!(
            "invalid GitHub owner '{}': {why}",
            printable(owner)
        ))
    };
    if owner.is_empty() {
        return Err(bad("it is empty"));
    }
    if owner.len() > MAX_NAME_LEN {
        return Err(bad("it is longer than 100 characters"));
    }
    if owner.starts_with('-') {
        return Err(bad("it starts with '-'"));
    }
    if !owner
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(bad("only letters, digits, '-' and '_' are allowed"));
    }
    Ok(())
}

fn check_repository_name(name: &str) -> Result<(), GitHubError> {
    let bad = |why: &str| {
        GitHubError::InvalidInput(format!(
            "invalid GitHub repository name '{}': {why}",
            printable(name)
        ))
    };
    if name.is_empty() {
        return Err(bad("it is empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(bad("it is longer than 100 characters"));
    }
    if name == "." || name.contains("..") {
        return Err(bad("'.' and '..' are not allowed"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(bad("only letters, digits, '-', '_' and '.' are allowed"));
    }
    Ok(())
}

/// A tag, branch or commit name, following `git check-ref-format`'s rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GitRef(String);

impl GitRef {
    /// Refuses what git refuses (`..`, `@{`, control characters, space, `~^:?*[\`, empty or
    /// dot-leading components, `.lock` endings) so no ref can smuggle path traversal or query
    /// syntax into a URL; the rest is percent-encoded when used.
    pub fn new(reference: &str) -> Result<Self, GitHubError> {
        let bad = |why: &str| {
            GitHubError::InvalidInput(format!("invalid git ref '{}': {why}", printable(reference)))
        };
        if reference.is_empty() {
            return Err(bad("it is empty"));
        }
        if reference.len() > 255 {
            return Err(bad("it is longer than 255 bytes"));
        }
        if reference
            .chars()
            .any(|c| c.is_control() || matches!(c, ' ' | '~' | '^' | ':' | '?' | '*' | '[' | '\\'))
        {
            return Err(bad(
                "control characters, space and ~ ^ : ? * [ \\ are not allowed",
            ));
        }
        if reference.contains("..") || reference.contains("@{") || reference == "@" {
            return Err(bad("'..', '@{' and a lone '@' are not allowed"));
        }
        if reference.ends_with('.') {
            return Err(bad("it ends with '.'"));
        }
        for component in reference.split('/') {
            if component.is_empty() {
                return Err(bad(
                    "it has an empty component (leading, trailing or double '/')",
                ));
            }
            if component.starts_with('.') {
                return Err(bad("a component starts with '.'"));
            }
            if component.ends_with(".lock") {
                return Err(bad("a component ends with '.lock'"));
            }
        }
        Ok(Self(reference.to_owned()))
    }

    /// The ref as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GitRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// A file path inside a repository, such as `dists/stable/InRelease`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepoPath(String);

impl RepoPath {
    /// Relative, `/`-separated, without empty, `.` or `..` segments, backslashes or control
    /// characters.
    pub fn new(path: &str) -> Result<Self, GitHubError> {
        let bad = |why: &str| {
            GitHubError::InvalidInput(format!(
                "invalid repository file path '{}': {why}",
                printable(path)
            ))
        };
        if path.is_empty() {
            return Err(bad("it is empty"));
        }
        if path.len() > 4096 {
            return Err(bad("it is longer than 4096 bytes"));
        }
        if path.chars().any(|c| c.is_control() || c == '\\') {
            return Err(bad("control characters and '\\' are not allowed"));
        }
        for segment in path.split('/') {
            if segment.is_empty() {
                return Err(bad(
                    "it has an empty segment (leading, trailing or double '/')",
                ));
            }
            if segment == "." || segment == ".." {
                return Err(bad("'.' and '..' segments are not allowed"));
            }
        }
        Ok(Self(path.to_owned()))
    }

    /// The path as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RepoPath {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_repositories() {
        let repo = Repository::new("octo-org", "terraform-aws-vpc.v2").expect("valid");
        assert_eq!(repo.to_string(), "octo-org/terraform-aws-vpc.v2");
        assert!(Repository::new("user_shortcode", "r").is_ok());
        assert_eq!(
            Repository::parse("acme/apt").expect("valid"),
            Repository::new("acme", "apt").expect("valid")
        );
    }

    #[test]
    fn rejects_bad_owners() {
        for owner in [
            "",
            "a/b",
            "-lead",
            "..",
            "a.b",
            "a b",
            "a\n",
            "ä",
            &"x".repeat(101),
        ] {
            let error = Repository::new(owner, "repo").expect_err(owner);
            assert!(error.to_string().contains("owner"), "{error}");
        }
    }

    #[test]
    fn rejects_bad_repository_names() {
        for name in [
            "",
            ".",
            "..",
            "a..b",
            "a/b",
            "a%2Fb",
            "a?b",
            "a\0",
            &"x".repeat(101),
        ] {
            let error = Repository::new("owner", name).expect_err(name);
            assert!(error.to_string().contains("repository name"), "{error}");
        }
        assert!(Repository::parse("no-slash").is_err());
        assert!(Repository::parse("a/b/c").is_err());
    }

    #[test]
    fn accepts_ordinary_refs() {
        for reference in [
            "v1.2.3",
            "1.0.0-rc.1+build.5",
            "release/2024-01",
            "main",
            "abc123",
        ] {
            assert_eq!(GitRef::new(reference).expect(reference).as_str(), reference);
        }
    }

    #[test]
    fn rejects_bad_refs() {
        for reference in [
            "", "..", "a..b", "../etc", "a/../b", "/lead", "trail/", "a//b", ".hidden", "a/.b",
            "x.lock", "end.", "a b", "a\tb", "a~1", "a^", "a:b", "a?b", "a*", "a[b", "a\\b",
            "a@{1}", "@",
        ] {
            assert!(GitRef::new(reference).is_err(), "{reference:?} accepted");
        }
        assert!(GitRef::new(&"x".repeat(256)).is_err());
    }

    #[test]
    fn paths_reject_traversal_and_empty_segments() {
        assert!(RepoPath::new("dists/stable/InRelease").is_ok());
        assert!(RepoPath::new("pool/a b+c.deb").is_ok());
        for path in [
            "", "/abs", "a//b", "a/", "../x", "a/./b", "a/..", "a\\b", "a\nb",
        ] {
            assert!(RepoPath::new(path).is_err(), "{path:?} accepted");
        }
    }
}
