//! A provider mirror directory, in the layout `terraform providers mirror DIR` writes (and
//! operators copy from a connected machine):
//!
//! ```text
//! DIR/HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip
//! DIR/HOSTNAME/NAMESPACE/TYPE/index.json        (written by Terraform; wharf writes its own)
//! DIR/HOSTNAME/NAMESPACE/TYPE/VERSION.json      (likewise; its h1: hashes are cross-checked)
//! ```

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use serde::Deserialize;

use crate::bounded_read::read_bounded;
use crate::files_origin::{file_names, subdirectory_names};
use crate::{Platform, ProviderAddress, ProviderVersion, RegistryHostname};

/// The largest version document of Terraform's read.
const MAX_VERSION_DOCUMENT_BYTES: usize = 1024 * 1024;

/// One package in the mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorArchive {
    /// The version.
    pub version: ProviderVersion,
    /// The platform.
    pub platform: Platform,
    /// The zip's file name.
    pub file_name: String,
    /// Where it is.
    pub path: PathBuf,
}

/// The mirror directory (`/registry/mirror` inside the components).
#[derive(Debug, Clone)]
pub struct MirrorDirectory {
    root: PathBuf,
}

#[derive(Deserialize)]
struct RecordedVersion {
    archives: BTreeMap<String, RecordedArchive>,
}

#[derive(Deserialize)]
struct RecordedArchive {
    #[serde(default)]
    hashes: Vec<String>,
}

impl MirrorDirectory {
    /// The layout under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Every (origin hostname, provider) with a directory, sorted.
    pub fn providers(&self) -> Vec<(RegistryHostname, ProviderAddress)> {
        let mut found = Vec::new();
        for host in subdirectory_names(&self.root) {
            let Ok(hostname) = RegistryHostname::new(&host) else {
                continue;
            };
            for namespace in subdirectory_names(&self.root.join(&host)) {
                for provider_type in subdirectory_names(&self.root.join(&host).join(&namespace)) {
                    if let Ok(address) = ProviderAddress::new(&namespace, &provider_type) {
                        found.push((hostname.clone(), address));
                    }
                }
            }
        }
        found.sort();
        found
    }

    /// `root/HOSTNAME/NAMESPACE/TYPE`.
    pub fn provider_directory(
        &self,
        hostname: &RegistryHostname,
        address: &ProviderAddress,
    ) -> PathBuf {
        self.root
            .join(hostname.as_str())
            .join(address.namespace())
            .join(address.provider_type())
    }

    /// Every package of a provider, by version then platform; `NotFound` if the mirror has no
    /// directory for it.
    pub fn archives(
        &self,
        hostname: &RegistryHostname,
        address: &ProviderAddress,
    ) -> io::Result<Vec<MirrorArchive>> {
        let directory = self.provider_directory(hostname, address);
        if !directory.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "not mirrored"));
        }
        let mut archives: Vec<MirrorArchive> = file_names(&directory)
            .into_iter()
            .filter_map(|file_name| {
                let (version, platform) = parse_archive_name(address.provider_type(), &file_name)?;
                Some(MirrorArchive {
                    version,
                    platform,
                    path: directory.join(&file_name),
                    file_name,
                })
            })
            .collect();
        archives.sort_by(|a, b| (&a.version, &a.platform).cmp(&(&b.version, &b.platform)));
        Ok(archives)
    }

    /// The hashes Terraform recorded for each platform when it wrote the mirror
    /// (`VERSION.json`), if that file is there and readable.
    pub fn recorded_hashes(
        &self,
        hostname: &RegistryHostname,
        address: &ProviderAddress,
        version: &ProviderVersion,
    ) -> Option<BTreeMap<String, Vec<String>>> {
        let path = self
            .provider_directory(hostname, address)
            .join(format!("{version}.json"));
        let bytes = read_bounded(&path, MAX_VERSION_DOCUMENT_BYTES).ok()?;
        let recorded: RecordedVersion = serde_json::from_slice(&bytes).ok()?;
        Some(
            recorded
                .archives
                .into_iter()
                .map(|(platform, archive)| (platform, archive.hashes))
                .collect(),
        )
    }
}

/// `terraform-provider-{type}_{version}_{os}_{arch}.zip` → version and platform.
pub fn parse_archive_name(
    provider_type: &str,
    file_name: &str,
) -> Option<(ProviderVersion, Platform)> {
    let rest = file_name
        .strip_prefix("terraform-provider-")?
        .strip_prefix(provider_type)?
        .strip_prefix('_')?
        .strip_suffix(".zip")?;
    let mut parts = rest.split('_');
    let (version_text, os, arch) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let version = ProviderVersion::parse(version_text)?;
    // Only canonical spellings: the file name is the version's identity in the mirror.
    if version.to_string() != version_text {
        return None;
    }
    Some((version, Platform::new(os, arch).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_as_terraform_writes_them() {
        let (version, platform) = parse_archive_name(
            "hello",
            "terraform-provider-hello_1.2.0-rc.1_linux_arm64.zip",
        )
        .expect("parses");
        assert_eq!(version.to_string(), "1.2.0-rc.1");
        assert_eq!(platform.to_string(), "linux_arm64");
        for other in [
            "terraform-provider-hello_1.2.0_linux_arm64.tar.gz",
            "terraform-provider-hello_1.2.0_linux.zip",
            "terraform-provider-hello_1.2.0_linux_arm64_v8.zip",
            "terraform-provider-hellos_1.2.0_linux_arm64.zip",
            "terraform-provider-hello_v1.2.0_linux_arm64.zip",
            "terraform-provider-hello_1.2_linux_arm64.zip",
            "index.json",
        ] {
            assert!(parse_archive_name("hello", other).is_none(), "{other}");
        }
    }
}
