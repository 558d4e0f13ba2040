//! The unsigned paths under which a release's files are served; the component signs them
//! (Terraform sends no credentials there).

use github_access::github::Repository;
use terraform_providers::{ProviderAddress, ProviderVersion};

/// Where provider downloads are routed (spin.toml).
pub const DOWNLOADS_PREFIX: &str = "/provider-downloads";

/// What a download path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadLocation {
    /// `/provider-downloads/files/{namespace}/{type}/{version}/{file}`
    Files {
        /// The provider.
        address: ProviderAddress,
        /// The version.
        version: ProviderVersion,
        /// The file in the version's directory.
        file_name: String,
    },
    /// `/provider-downloads/github/{owner}/{repository}/{asset id}/{file}`
    GitHub {
        /// The repository.
        repository: Repository,
        /// The release asset.
        asset_id: u64,
        /// Its name (for the client; the id decides).
        file_name: String,
    },
}

impl DownloadLocation {
    /// The path, as the client will request it.
    pub fn path(&self) -> String {
        match self {
            DownloadLocation::Files {
                address,
                version,
                file_name,
            } => format!(
                "{DOWNLOADS_PREFIX}/files/{}/{}/{version}/{file_name}",
                address.namespace(),
                address.provider_type()
            ),
            DownloadLocation::GitHub {
                repository,
                asset_id,
                file_name,
            } => format!(
                "{DOWNLOADS_PREFIX}/github/{}/{}/{asset_id}/{file_name}",
                repository.owner(),
                repository.name()
            ),
        }
    }

    /// Reads a path made by [`Self::path`]; `None` for anything else. File names are release
    /// file names (no `/`, no leading `.`).
    pub fn parse(path: &str) -> Option<Self> {
        let rest = path.strip_prefix(DOWNLOADS_PREFIX)?.strip_prefix('/')?;
        let segments: Vec<&str> = rest.split('/').collect();
        let file_ok = |name: &str| {
            !name.is_empty()
                && !name.starts_with('.')
                && name.bytes().all(|byte| {
                    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'+')
                })
        };
        match segments.as_slice() {
            ["files", namespace, provider_type, version, file_name] if file_ok(file_name) => {
                let address = ProviderAddress::new(namespace, provider_type).ok()?;
                let version = ProviderVersion::parse(version)?;
                Some(DownloadLocation::Files {
                    address,
                    version,
                    file_name: (*file_name).to_owned(),
                })
            }
            ["github", owner, name, asset_id, file_name] if file_ok(file_name) => {
                let asset_id = asset_id
                    .bytes()
                    .all(|byte| byte.is_ascii_digit())
                    .then(|| asset_id.parse().ok())
                    .flatten()?;
                Some(DownloadLocation::GitHub {
                    repository: Repository::new(owner, name).ok()?,
                    asset_id,
                    file_name: (*file_name).to_owned(),
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let files = DownloadLocation::Files {
            address: ProviderAddress::new("acme", "hello").expect("valid"),
            version: ProviderVersion::parse("1.0.0+build.1").expect("valid"),
            file_name: "terraform-provider-hello_1.0.0+build.1_SHA256SUMS".to_owned(),
        };
        assert_eq!(
            files.path(),
            "/provider-downloads/files/acme/hello/1.0.0+build.1/terraform-provider-hello_1.0.0+build.1_SHA256SUMS"
        );
        assert_eq!(DownloadLocation::parse(&files.path()), Some(files));
        let github = DownloadLocation::GitHub {
            repository: Repository::new("acme", "terraform-provider-hello").expect("valid"),
            asset_id: 42,
            file_name: "terraform-provider-hello_1.0.0_linux_amd64.zip".to_owned(),
        };
        assert_eq!(DownloadLocation::parse(&github.path()), Some(github));
    }

    #[test]
    fn anything_else_is_refused() {
        for path in [
            "/provider-downloads/files/acme/hello/1.0.0/../../etc/passwd",
            "/provider-downloads/files/acme/hello/1.0.0/.hidden",
            "/provider-downloads/files/acme/hello/1.0.0/a%2fb",
            "/provider-downloads/files/acme/hello/v1.0.0/x.zip",
            "/provider-downloads/files/acme/hello/1.0.0",
            "/provider-downloads/github/acme/repo/-1/x.zip",
            "/provider-downloads/github/acme/repo/1e3/x.zip",
            "/provider-downloads/github/acme/repo/99999999999999999999999/x.zip",
            "/provider-downloads/github/acme/../1/x.zip",
            "/provider-downloads/other/x",
            "/provider-downloadsX/files/acme/hello/1.0.0/x.zip",
        ] {
            assert_eq!(DownloadLocation::parse(path), None, "{path}");
        }
    }
}
