//! Where APT metadata comes from. With GitHub, the branch is resolved to a commit and every file
//! is read at that commit; a commit's files never change, so they are kept in key-value and a
//! warm request costs GitHub at most a conditional request for the branch head. When GitHub
//! fails, the files at the last resolved commit are served, marked stale (`github-access`).

use std::time::{Duration, UNIX_EPOCH};

use component_http::{
    plain_text, variable, MountedFile, MountedFileError, MountedRegistry, Origin,
};
use debian::RELEASE_DATE_WITHIN;
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
                let registry = MountedRegistry::find().map_err(|error| unreadable(&error))?;
                let mounted = |path: &str| format!("apt/{path}");
                let file = registry
                    .read(&mounted(path))
                    .map_err(|error| unreadable(&error))?;
                let Some(MountedFile { bytes, modified }) = file else {
                    return Ok(None);
                };
                let value = MetadataFile::new(path, bytes, modified, |other| {
                    registry.read_head(&mounted(other), RELEASE_DATE_WITHIN)
                });
                Ok(Some(ServedFile(Served { value, stale: None })))
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

fn unreadable(error: &MountedFileError) -> Response {
    eprintln!("{error}");
    plain_text(500, "cannot read the repository; the server log says why")
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
