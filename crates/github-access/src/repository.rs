//! One repository of an allowed owner: the only way components read GitHub. What is read and
//! how it is cached lives in `tags`, `branch_files`, `releases` and `archives`.

use github::Repository;
use origin_cache::CachePolicy;

use crate::GitHubAccess;

/// Reads `repository`, whose owner `allowed_owners` lists (see [`GitHubAccess::repository`]).
pub struct RepositoryAccess<'a> {
    pub(crate) access: &'a GitHubAccess,
    pub(crate) repository: &'a Repository,
}

impl RepositoryAccess<'_> {
    pub fn repository(&self) -> &Repository {
        self.repository
    }

    /// `v2/{kind}/{owner}/{name}/{detail}`. Owner and name are lowercased because GitHub
    /// names are case-insensitive; nothing secret goes into a key.
    pub(crate) fn cache_key(&self, kind: &str, detail: &str) -> String {
        format!(
            "v2/{kind}/{}/{}/{detail}",
            self.repository.owner().to_ascii_lowercase(),
            self.repository.name().to_ascii_lowercase()
        )
    }

    /// For answers that can change: tag lists, branch heads, releases.
    pub(crate) fn mutable_policy(&self) -> CachePolicy {
        CachePolicy::mutable(self.access.stale_if_error)
    }
}

/// The first 12 characters of a commit, enough for log lines and messages.
pub(crate) fn short_sha(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

/// GitHub's `ETag`, kept to send back as `If-None-Match`.
pub(crate) fn etag_of<B>(response: &github::http::Response<B>) -> Option<String> {
    response
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}
