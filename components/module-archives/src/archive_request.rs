use component_http::plain_text;
use github_access::github::{GitRef, Repository};
use github_access::owner_is_allowed;
use spin_sdk::http::Response;
use spin_sdk::key_value::Store;
use terraform_registry::{pinned_commit_key, ModuleAddress};

/// What an archive path names.
pub enum ArchiveRequest {
    Files {
        address: ModuleAddress,
        version: String,
    },
    GitHub {
        repository: Repository,
        commit: GitRef,
    },
}

/// What admitted the request: the URL's signature, which only the download endpoint makes, or
/// the client's credentials.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Signed,
    Credentials,
}

fn no_such_archive() -> Response {
    plain_text(404, "no such archive")
}

impl ArchiveRequest {
    /// From the decoded path segments.
    pub fn parse(segments: &[&str]) -> Result<Self, Response> {
        match segments {
            ["archive", "files", namespace, name, provider, file] => {
                let version = file.strip_suffix(".tar.gz").ok_or_else(no_such_archive)?;
                if version.is_empty() || version.contains("..") {
                    return Err(no_such_archive());
                }
                Ok(ArchiveRequest::Files {
                    address: ModuleAddress::new(namespace, name, provider)
                        .map_err(|error| plain_text(400, &error.to_string()))?,
                    version: (*version).to_owned(),
                })
            }
            ["archive", "github", owner, name, file] => {
                let commit = file.strip_suffix(".tar.gz").ok_or_else(no_such_archive)?;
                if commit.len() != 40 || !commit.bytes().all(|byte| byte.is_ascii_hexdigit()) {
                    return Err(plain_text(
                        400,
                        "the archive URL must name a full commit sha",
                    ));
                }
                Ok(ArchiveRequest::GitHub {
                    repository: Repository::new(owner, name)
                        .map_err(|error| plain_text(400, &error.to_string()))?,
                    commit: GitRef::new(commit)
                        .map_err(|error| plain_text(400, &error.to_string()))?,
                })
            }
            _ => Err(no_such_archive()),
        }
    }

    /// The same boundaries as every other route that reaches GitHub, however the request was
    /// admitted: the repository belongs to `allowed_owners`, and credentials (unlike a
    /// signature, which names one version the download endpoint pinned) reach only commits
    /// wharf pinned to a published module version.
    pub fn check_boundaries(&self, admission: Admission) -> Result<(), Response> {
        let ArchiveRequest::GitHub { repository, commit } = self else {
            return Ok(());
        };
        if !owner_is_allowed(repository.owner())? {
            return Err(no_such_archive());
        }
        if admission == Admission::Credentials && !is_pinned(repository, commit)? {
            return Err(plain_text(
                403,
                &format!(
                    "commit {} of {repository} is not a module version wharf has served; with \
                     credentials only the commits of published versions can be fetched (the \
                     registry's download endpoint gives a signed URL)",
                    commit.as_str()
                ),
            ));
        }
        Ok(())
    }
}

/// Whether the download endpoint pinned a module version to `commit` (terraform-discovery's
/// `check_pin` writes the index).
fn is_pinned(repository: &Repository, commit: &GitRef) -> Result<bool, Response> {
    let unavailable = |error: spin_sdk::key_value::Error| {
        eprintln!("key-value store unavailable while checking a pinned commit: {error}");
        plain_text(
            503,
            "wharf cannot check the archive's commit right now; retry",
        )
    };
    let store = Store::open_default().map_err(unavailable)?;
    let key = pinned_commit_key(repository.owner(), repository.name(), commit.as_str());
    Ok(store.get(&key).map_err(unavailable)?.is_some())
}
