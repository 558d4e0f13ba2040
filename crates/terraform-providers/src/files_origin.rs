//! The files origin's provider layout (what `wharf provider pack` writes):
//!
//! ```text
//! registry/providers/
//!   NAMESPACE/
//!     signing-keys.asc                 public keys trusted for this namespace (armored)
//!     TYPE/
//!       VERSION/                       e.g. 1.2.0 (no v)
//!         terraform-provider-TYPE_VERSION_OS_ARCH.zip
//!         terraform-provider-TYPE_VERSION_SHA256SUMS
//!         terraform-provider-TYPE_VERSION_SHA256SUMS.sig
//!         terraform-provider-TYPE_VERSION_manifest.json   (optional)
//! ```
//!
//! A version directory is exactly a GoReleaser release's provider files.

use std::io;
use std::path::{Path, PathBuf};

use crate::bounded_read::read_bounded;
use crate::{
    OfferedRelease, ProviderAddress, ProviderReleases, ProviderVersion, ReleaseLayout,
    ReleaseRefusal, TrustedKeys, MAX_CHECKSUMS_BYTES, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES,
};

/// The file in a namespace directory that lists the keys trusted to sign its providers.
pub const NAMESPACE_KEYS_FILE: &str = "signing-keys.asc";

/// The largest key file read.
pub const MAX_KEYS_BYTES: usize = 1024 * 1024;

/// The `providers/` directory of the files origin.
#[derive(Debug, Clone)]
pub struct FilesOrigin {
    root: PathBuf,
}

impl FilesOrigin {
    /// The layout under `root` (`/registry/providers` inside the components).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Every provider with a directory, sorted; names that are not provider addresses are
    /// skipped.
    pub fn providers(&self) -> Vec<ProviderAddress> {
        let mut found = Vec::new();
        for namespace in subdirectory_names(&self.root) {
            for provider_type in subdirectory_names(&self.root.join(&namespace)) {
                if let Ok(address) = ProviderAddress::new(&namespace, &provider_type) {
                    // Only exact names: a directory `Acme` is not the provider `acme`.
                    if address.namespace() == namespace && address.provider_type() == provider_type
                    {
                        found.push(address);
                    }
                }
            }
        }
        found.sort();
        found
    }

    /// The versions with a directory, newest first; `NotFound` for an unknown provider.
    pub fn versions(&self, address: &ProviderAddress) -> io::Result<Vec<ProviderVersion>> {
        let directory = self.provider_directory(address);
        if !directory.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "unknown provider"));
        }
        let mut versions: Vec<ProviderVersion> = subdirectory_names(&directory)
            .iter()
            .filter_map(|name| {
                ProviderVersion::parse(name).filter(|version| version.to_string() == *name)
            })
            .collect();
        versions.sort_by(|a, b| b.cmp(a));
        Ok(versions)
    }

    /// `root/NAMESPACE/TYPE`.
    pub fn provider_directory(&self, address: &ProviderAddress) -> PathBuf {
        self.root
            .join(address.namespace())
            .join(address.provider_type())
    }

    /// `root/NAMESPACE/TYPE/VERSION`.
    pub fn version_directory(
        &self,
        address: &ProviderAddress,
        version: &ProviderVersion,
    ) -> PathBuf {
        self.provider_directory(address).join(version.to_string())
    }

    /// `root/NAMESPACE/signing-keys.asc`.
    pub fn namespace_keys_path(&self, namespace: &str) -> PathBuf {
        self.root.join(namespace).join(NAMESPACE_KEYS_FILE)
    }

    /// The armored keys trusted for `namespace`, if its key file exists.
    pub fn namespace_keys(&self, namespace: &str) -> io::Result<Option<String>> {
        match read_bounded(&self.namespace_keys_path(namespace), MAX_KEYS_BYTES) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, "the key file is not text")
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// One version, judged.
    pub fn release(
        &self,
        address: &ProviderAddress,
        version: &ProviderVersion,
        keys: &TrustedKeys,
    ) -> Result<OfferedRelease, ReleaseRefusal> {
        let directory = self.version_directory(address, version);
        let names = file_names(&directory);
        let layout = ReleaseLayout::from_names(address, version, names.iter().map(String::as_str))?;
        let read = |name: &str, limit: usize| {
            read_bounded(&directory.join(name), limit)
                .map_err(|error| ReleaseRefusal::Unreadable(format!("{name}: {error}")))
        };
        let checksums = read(&layout.checksums, MAX_CHECKSUMS_BYTES)?;
        let signature = read(&layout.signature, MAX_SIGNATURE_BYTES)?;
        let manifest = layout
            .manifest
            .as_deref()
            .map(|name| read(name, MAX_MANIFEST_BYTES))
            .transpose()?;
        layout.assess(&checksums, &signature, manifest.as_deref(), keys)
    }

    /// Every version, judged; `NotFound` for an unknown provider.
    pub fn releases(
        &self,
        address: &ProviderAddress,
        keys: &TrustedKeys,
    ) -> io::Result<ProviderReleases> {
        let mut releases = ProviderReleases::default();
        for version in self.versions(address)? {
            match self.release(address, &version, keys) {
                Ok(offered) => releases.offered.push(offered),
                Err(refusal) => releases.refused.push((version, refusal)),
            }
        }
        Ok(releases)
    }
}

/// Names of the directories in `directory` (none if it cannot be read).
pub(crate) fn subdirectory_names(directory: &Path) -> Vec<String> {
    entries(directory, |entry| {
        entry.file_type().is_ok_and(|kind| kind.is_dir())
    })
}

/// Names of the regular files in `directory`.
pub(crate) fn file_names(directory: &Path) -> Vec<String> {
    entries(directory, |entry| {
        entry.file_type().is_ok_and(|kind| kind.is_file())
    })
}

fn entries(directory: &Path, keep: impl Fn(&std::fs::DirEntry) -> bool) -> Vec<String> {
    let Ok(listing) = std::fs::read_dir(directory) else {
        return Vec::new();
    };
    let mut names: Vec<String> = listing
        .filter_map(Result::ok)
        .filter(|entry| keep(entry))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
}
