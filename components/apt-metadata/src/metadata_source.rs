//! Where APT metadata comes from. With GitHub, the branch is resolved to a commit and every file
//! is read at that commit; a commit's files never change, so they are kept in key-value and a
//! warm request costs GitHub nothing.

use std::time::{Duration, UNIX_EPOCH};

use component_http::{plain_text, unix_now, variable, Origin, FILES_ROOT};
use github_access::github::{parse_branch_head, GitHubError, GitRef, RepoPath, Repository};
use github_access::{error_response, AccessError, GitHubAccess};
use spin_sdk::http::Response;
use spin_sdk::key_value::Store;

use crate::metadata_file::MetadataFile;

/// How long a resolved branch head is trusted before GitHub is asked again (conditionally).
const HEAD_FRESH_FOR: u64 = 10;
/// Spin's default key-value store holds values up to 1 MB.
const CACHEABLE_BYTES: usize = 900_000;

pub enum MetadataSource {
    Files,
    GitHub {
        // Boxed: one instance per request, and the Files case stays small.
        access: Box<GitHubAccess>,
        repository: Repository,
        branch: GitRef,
    },
}

fn misconfigured(what: &str) -> Response {
    eprintln!("{what}");
    plain_text(500, "wharf is misconfigured; the server log says how")
}

/// A branch head as remembered in key-value: `sha first_seen checked_at etag`.
#[derive(Clone)]
struct BranchHead {
    sha: String,
    first_seen: u64,
    checked_at: u64,
    etag: String,
}

impl BranchHead {
    fn parse(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut parts = text.splitn(4, ' ');
        Some(Self {
            sha: parts.next()?.to_owned(),
            first_seen: parts.next()?.parse().ok()?,
            checked_at: parts.next()?.parse().ok()?,
            etag: parts.next().unwrap_or_default().to_owned(),
        })
    }

    fn to_bytes(&self) -> Vec<u8> {
        format!(
            "{} {} {} {}",
            self.sha, self.first_seen, self.checked_at, self.etag
        )
        .into_bytes()
    }
}

impl MetadataSource {
    pub fn from_variables() -> Result<Self, Response> {
        match Origin::from_variables()? {
            Origin::Files => Ok(MetadataSource::Files),
            Origin::GitHub => {
                let repository = variable("apt_repo")?;
                let repository = Repository::parse(&repository)
                    .map_err(|error| misconfigured(&format!("apt_repo '{repository}': {error}")))?;
                let branch = variable("apt_branch")?;
                let branch = GitRef::new(&branch)
                    .map_err(|error| misconfigured(&format!("apt_branch '{branch}': {error}")))?;
                let access = Box::new(
                    GitHubAccess::from_variables().map_err(|error| error_response(&error))?,
                );
                Ok(MetadataSource::GitHub {
                    access,
                    repository,
                    branch,
                })
            }
        }
    }

    /// The file at `path` (relative to the repository root), or `None` if it does not exist.
    pub fn read(&self, path: &str) -> Result<Option<MetadataFile>, Response> {
        match self {
            MetadataSource::Files => {
                let full = format!("{FILES_ROOT}/apt/{path}");
                let Ok(bytes) = std::fs::read(&full) else {
                    return Ok(None);
                };
                let last_modified = std::fs::metadata(&full)
                    .and_then(|metadata| metadata.modified())
                    .unwrap_or(UNIX_EPOCH);
                Ok(Some(MetadataFile::new(
                    path,
                    bytes,
                    last_modified,
                    |other| std::fs::read(format!("{FILES_ROOT}/apt/{other}")).ok(),
                )))
            }
            MetadataSource::GitHub {
                access,
                repository,
                branch,
            } => {
                let store = Store::open_default().ok();
                let head = self
                    .branch_head(access, repository, branch, store.as_ref())
                    .map_err(|error| error_response(&error))?;
                let Some(bytes) =
                    read_at_commit(access, repository, &head.sha, path, store.as_ref())
                        .map_err(|error| error_response(&error))?
                else {
                    return Ok(None);
                };
                // When wharf first saw the commit, for files whose content holds no date.
                let first_seen = UNIX_EPOCH + Duration::from_secs(head.first_seen);
                Ok(Some(MetadataFile::new(path, bytes, first_seen, |other| {
                    read_at_commit(access, repository, &head.sha, other, store.as_ref())
                        .ok()
                        .flatten()
                })))
            }
        }
    }

    fn branch_head(
        &self,
        access: &GitHubAccess,
        repository: &Repository,
        branch: &GitRef,
        store: Option<&Store>,
    ) -> Result<BranchHead, AccessError> {
        let key = format!(
            "v1/apt-branch-head/{}/{}/{}",
            repository.owner().to_ascii_lowercase(),
            repository.name().to_ascii_lowercase(),
            branch.as_str()
        );
        let known = store
            .and_then(|store| store.get(&key).ok().flatten())
            .and_then(|bytes| BranchHead::parse(&bytes));
        let now = unix_now();
        if let Some(head) = &known {
            if now.saturating_sub(head.checked_at) < HEAD_FRESH_FOR {
                return Ok(head.clone());
            }
        }
        let etag = known
            .as_ref()
            .map(|head| head.etag.clone())
            .filter(|etag| !etag.is_empty());
        let response =
            access.fetch(|requests| requests.branch(repository, branch, etag.as_deref()))?;
        let head = match (response.status().as_u16(), known) {
            // Unchanged: a conditional request GitHub does not count against the rate limit.
            (304, Some(known)) => BranchHead {
                checked_at: now,
                ..known
            },
            _ => {
                let sha = parse_branch_head(response.body())?;
                let etag = response
                    .headers()
                    .get("etag")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .replace(' ', "");
                BranchHead {
                    sha,
                    first_seen: now,
                    checked_at: now,
                    etag,
                }
            }
        };
        if let Some(store) = store {
            let _ = store.set(&key, &head.to_bytes());
        }
        Ok(head)
    }
}

fn read_at_commit(
    access: &GitHubAccess,
    repository: &Repository,
    sha: &str,
    path: &str,
    store: Option<&Store>,
) -> Result<Option<Vec<u8>>, AccessError> {
    let key = format!(
        "v1/apt-file/{}/{}/{sha}/{path}",
        repository.owner().to_ascii_lowercase(),
        repository.name().to_ascii_lowercase()
    );
    if let Some(bytes) = store.and_then(|store| store.get(&key).ok().flatten()) {
        return Ok(Some(bytes));
    }
    let file_path = RepoPath::new(path).map_err(AccessError::GitHub)?;
    let commit = GitRef::new(sha).map_err(AccessError::GitHub)?;
    let bytes =
        match access.fetch(|requests| requests.raw_file(repository, &file_path, &commit, None)) {
            Ok(response) => response.into_body(),
            Err(AccessError::GitHub(GitHubError::NotFound)) => return Ok(None),
            Err(error) => return Err(error),
        };
    if bytes.len() <= CACHEABLE_BYTES {
        if let Some(store) = store {
            let _ = store.set(&key, &bytes);
        }
    }
    Ok(Some(bytes))
}
