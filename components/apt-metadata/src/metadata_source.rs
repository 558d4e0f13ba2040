//! Where APT metadata comes from. With GitHub, the branch is resolved to a commit and every file
//! is read at that commit; a commit's files never change, so they are kept in key-value and a
//! warm request costs GitHub at most a conditional request for the branch head. When GitHub
//! fails, the files at the last resolved commit are served, marked stale (`github-access`).

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use component_http::{plain_text, variable, Origin, FILES_ROOT};
use github_access::github::{GitRef, RepoPath, Repository};
use github_access::{error_response, mark_stale, AccessError, GitHubAccess, Served};
use spin_sdk::http::{Request, Response};

use crate::metadata_file::MetadataFile;

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

/// A metadata file, and whether GitHub could confirm the commit it was read at.
pub struct ServedFile(Served<MetadataFile>);

impl ServedFile {
    pub fn into_response(self, request: &Request) -> Response {
        let Served { value, stale } = self.0;
        let mut response = value.into_response(request);
        mark_stale(stale.as_ref(), &mut response);
        response
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
                if let Err(error) = access.repository(&repository) {
                    return Err(misconfigured(&format!("apt_repo '{repository}': {error}")));
                }
                Ok(MetadataSource::GitHub {
                    access,
                    repository,
                    branch,
                })
            }
        }
    }

    /// The file at `path` (relative to the repository root), or `None` if it does not exist.
    pub fn read(&self, path: &str) -> Result<Option<ServedFile>, Response> {
        match self {
            MetadataSource::Files => {
                let Some((bytes, last_modified)) = read_file(&format!("{FILES_ROOT}/apt/{path}"))
                else {
                    return Ok(None);
                };
                Ok(Some(ServedFile(Served {
                    value: MetadataFile::new(path, bytes, last_modified, |other| {
                        read_file(&format!("{FILES_ROOT}/apt/{other}")).map(|(bytes, _)| bytes)
                    }),
                    stale: None,
                })))
            }
            MetadataSource::GitHub {
                access,
                repository,
                branch,
            } => read_at_branch(access, repository, branch, path)
                .map_err(|error| error_response(&error)),
        }
    }
}

/// A mounted file's bytes and modification time, from one open: every filesystem call is a
/// call into the host (under Spin, a trip through its blocking thread pool).
fn read_file(path: &str) -> Option<(Vec<u8>, SystemTime)> {
    let mut file = std::fs::File::open(path).ok()?;
    let metadata = file.metadata().ok();
    let length = metadata.as_ref().map_or(0, std::fs::Metadata::len);
    let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    file.read_to_end(&mut bytes).ok()?;
    let modified = metadata.and_then(|metadata| metadata.modified().ok());
    Some((bytes, modified.unwrap_or(UNIX_EPOCH)))
}

fn read_at_branch(
    access: &GitHubAccess,
    repository: &Repository,
    branch: &GitRef,
    path: &str,
) -> Result<Option<ServedFile>, AccessError> {
    let repository = access.repository(repository)?;
    let Served { value: head, stale } = repository.branch_head(branch)?;
    let file_path = RepoPath::new(path)?;
    let Some(bytes) = repository.file_at_commit(&head.sha, &file_path)? else {
        return Ok(None);
    };
    // When wharf first saw the commit, for files whose content holds no date; the others
    // (Release, InRelease, Release.gpg, Packages) take the suite Release's `Date`, read at the
    // same commit.
    let first_seen = UNIX_EPOCH + Duration::from_secs(head.first_seen);
    let value = MetadataFile::new(path, bytes, first_seen, |other| {
        RepoPath::new(other)
            .ok()
            .and_then(|other| repository.file_at_commit(&head.sha, &other).ok().flatten())
    });
    Ok(Some(ServedFile(Served { value, stale })))
}
