//! A branch resolved to a commit, and files read at that commit (APT metadata). The head is
//! revalidated with its ETag; a commit's files never change, so they are kept as they are.

use github::{parse_branch_head, parse_directory, DirectoryEntry, GitRef, RepoPath};
use origin_cache::CachePolicy;

use crate::origin_store::{Fetched, Served};
use crate::repository::{etag_of, short_sha};
use crate::{AccessError, RepositoryAccess};

/// Where a branch pointed when GitHub last said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchHead {
    /// The commit, lowercase hex.
    pub sha: String,
    /// When wharf first saw the branch at this commit (Unix seconds): a stable
    /// `Last-Modified` for everything read at it.
    pub first_seen: u64,
}

impl BranchHead {
    fn encode(&self) -> Vec<u8> {
        format!("{} {}", self.sha, self.first_seen).into_bytes()
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let (sha, first_seen) = std::str::from_utf8(bytes).ok()?.split_once(' ')?;
        Some(Self {
            sha: sha.to_owned(),
            first_seen: first_seen.parse().ok()?,
        })
    }
}

impl RepositoryAccess<'_> {
    /// The commit `branch` points at.
    pub fn branch_head(&self, branch: &GitRef) -> Result<Served<BranchHead>, AccessError> {
        let key = self.cache_key("github-branch", branch.as_str());
        let what = format!("branch {branch} of {}", self.repository);
        let served =
            self.access
                .cache
                .through(&key, self.mutable_policy(), &what, |cached, etag| {
                    let response = self
                        .access
                        .fetch(|requests| requests.branch(self.repository, branch, etag))?;
                    if response.status() == 304 {
                        return Ok(Fetched::NotModified);
                    }
                    let sha = parse_branch_head(response.body())?;
                    // GitHub's ETag also changes for reasons other than a new commit; the
                    // commit's first sighting stays.
                    let first_seen = cached
                        .and_then(|entry| BranchHead::decode(&entry.body))
                        .filter(|known| known.sha == sha)
                        .map_or_else(component_http::unix_now, |known| known.first_seen);
                    Ok(Fetched::Changed {
                        etag: etag_of(&response),
                        body: BranchHead { sha, first_seen }.encode(),
                    })
                })?;
        served.read(&what, BranchHead::decode)
    }

    /// The file at `path` in commit `sha`, or `None` if the commit has no such file. Files up
    /// to the cache bound are kept; larger ones are read from GitHub each time.
    pub fn file_at_commit(
        &self,
        sha: &str,
        path: &RepoPath,
    ) -> Result<Option<Vec<u8>>, AccessError> {
        let what = format!("{path} at commit {}", short_sha(sha));
        self.kept_at_commit("github-file", sha, path, &what, |commit| {
            let response = self
                .access
                .fetch(|requests| requests.raw_file(self.repository, path, commit, None))?;
            Ok(response.into_body())
        })
    }

    /// What `fetch` reads of `path` in commit `sha` (`kind` says what it is), kept for good: a
    /// commit never changes. `None` if the commit has no such path.
    fn kept_at_commit(
        &self,
        kind: &str,
        sha: &str,
        path: &RepoPath,
        what: &str,
        fetch: impl FnOnce(&GitRef) -> Result<Vec<u8>, AccessError>,
    ) -> Result<Option<Vec<u8>>, AccessError> {
        let commit = GitRef::new(sha)?;
        let key = self.cache_key(kind, &format!("{sha}/{path}"));
        let read = self
            .access
            .cache
            .through(&key, CachePolicy::immutable(), what, |_, _| {
                Ok(Fetched::Changed {
                    etag: None,
                    body: fetch(&commit)?,
                })
            });
        match read {
            Ok(served) => Ok(Some(served.value)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }
}

impl RepositoryAccess<'_> {
    /// The entries of directory `path` in commit `sha`, or `None` if the commit has no such
    /// directory. A commit's directories never change, so the listing is kept.
    pub fn directory_at_commit(
        &self,
        sha: &str,
        path: &RepoPath,
    ) -> Result<Option<Vec<DirectoryEntry>>, AccessError> {
        let what = format!("directory {path} at commit {}", short_sha(sha));
        let listing = self.kept_at_commit("github-directory", sha, path, &what, |commit| {
            let response = self
                .access
                .fetch(|requests| requests.directory(self.repository, path, commit))?;
            // Parsed before it is kept, so what is kept always reads back.
            parse_directory(response.body())?;
            Ok(response.into_body())
        })?;
        Ok(listing.map(|body| parse_directory(&body)).transpose()?)
    }

    /// Something derived from commit `sha`'s content (a module's documentation read from its
    /// archive), computed once by `compute` and kept: a commit never changes, so neither
    /// does what is derived from it. `kind` names what it is, with a format version.
    pub fn kept_for_commit(
        &self,
        kind: &str,
        sha: &str,
        compute: impl FnOnce() -> Result<Vec<u8>, AccessError>,
    ) -> Result<Vec<u8>, AccessError> {
        let key = self.cache_key(kind, &sha.to_ascii_lowercase());
        let what = format!("{kind} of {} at {}", self.repository, short_sha(sha));
        let served = self
            .access
            .cache
            .through(&key, CachePolicy::immutable(), &what, |_, _| {
                Ok(Fetched::Changed {
                    etag: None,
                    body: compute()?,
                })
            })?;
        Ok(served.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_round_trip() {
        let head = BranchHead {
            sha: "a".repeat(40),
            first_seen: 1_700_000_000,
        };
        assert_eq!(BranchHead::decode(&head.encode()), Some(head));
        assert_eq!(BranchHead::decode(b"no-space"), None);
        assert_eq!(BranchHead::decode(b"sha soon"), None);
    }
}
