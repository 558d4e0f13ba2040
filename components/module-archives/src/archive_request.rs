use component_http::plain_text;
use github_access::github::{GitRef, Repository};
use spin_sdk::http::Response;
use terraform_registry::ModuleAddress;

/// What a (signed, so already trusted) archive path names.
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

impl ArchiveRequest {
    pub fn parse(path: &str) -> Result<Self, Response> {
        let not_found = || plain_text(404, "no such archive");
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            ["archive", "files", namespace, name, provider, file] => {
                let version = file.strip_suffix(".tar.gz").ok_or_else(not_found)?;
                if version.is_empty() || version.contains("..") {
                    return Err(not_found());
                }
                Ok(ArchiveRequest::Files {
                    address: ModuleAddress::new(namespace, name, provider)
                        .map_err(|error| plain_text(400, &error.to_string()))?,
                    version: version.to_owned(),
                })
            }
            ["archive", "github", owner, name, file] => {
                let commit = file.strip_suffix(".tar.gz").ok_or_else(not_found)?;
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
            _ => Err(not_found()),
        }
    }
}
