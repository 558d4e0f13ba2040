//! The file names of a provider release, as GoReleaser's Terraform provider configuration
//! writes them (and HashiCorp's registry requires):
//!
//! - `terraform-provider-{type}_{version}_{os}_{arch}.zip`, one per platform;
//! - `terraform-provider-{type}_{version}_SHA256SUMS`, the checksums of those zips;
//! - `terraform-provider-{type}_{version}_SHA256SUMS.sig`, a binary detached signature of it;
//! - `terraform-provider-{type}_{version}_manifest.json`, the protocol versions (optional).

use crate::{Platform, ProviderVersion};

/// What one file of a release is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseFile {
    /// The provider package for one platform.
    Archive(Platform),
    /// `…_SHA256SUMS`.
    Checksums,
    /// `…_SHA256SUMS.sig`.
    ChecksumsSignature,
    /// `…_manifest.json`.
    Manifest,
}

/// The names of one version's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFileNames {
    prefix: String,
}

impl ReleaseFileNames {
    /// Names for `terraform-provider-{provider_type}` at `version`.
    pub fn new(provider_type: &str, version: &ProviderVersion) -> Self {
        Self {
            prefix: format!("terraform-provider-{provider_type}_{version}_"),
        }
    }

    /// `…_{os}_{arch}.zip`
    pub fn archive(&self, platform: &Platform) -> String {
        format!("{}{platform}.zip", self.prefix)
    }

    /// `…_SHA256SUMS`
    pub fn checksums(&self) -> String {
        format!("{}SHA256SUMS", self.prefix)
    }

    /// `…_SHA256SUMS.sig`
    pub fn checksums_signature(&self) -> String {
        format!("{}SHA256SUMS.sig", self.prefix)
    }

    /// `…_manifest.json`
    pub fn manifest(&self) -> String {
        format!("{}manifest.json", self.prefix)
    }

    /// What `name` is in this release, or `None` for files of other providers or versions
    /// and anything else a release may carry (source archives, SBOMs, …).
    pub fn classify(&self, name: &str) -> Option<ReleaseFile> {
        let rest = name.strip_prefix(&self.prefix)?;
        match rest {
            "SHA256SUMS" => Some(ReleaseFile::Checksums),
            "SHA256SUMS.sig" => Some(ReleaseFile::ChecksumsSignature),
            "manifest.json" => Some(ReleaseFile::Manifest),
            _ => rest
                .strip_suffix(".zip")
                .and_then(Platform::parse)
                .map(ReleaseFile::Archive),
        }
    }
}

/// The provider type and version a checksums file is for, from its name
/// (`terraform-provider-hello_1.2.0_SHA256SUMS` → `hello`, `1.2.0`): how `wharf provider pack`
/// recognises a GoReleaser `dist/` directory.
pub fn checksums_file_identity(name: &str) -> Option<(String, ProviderVersion)> {
    let rest = name
        .strip_prefix("terraform-provider-")?
        .strip_suffix("_SHA256SUMS")?;
    let (provider_type, version) = rest.split_once('_')?;
    let version = ProviderVersion::parse(version)?;
    let address = crate::ProviderAddress::new("x", provider_type).ok()?;
    (address.provider_type() == provider_type).then(|| (provider_type.to_owned(), version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> ReleaseFileNames {
        ReleaseFileNames::new("hello", &ProviderVersion::parse("1.2.0").expect("valid"))
    }

    #[test]
    fn goreleaser_names() {
        let names = names();
        let linux = Platform::new("linux", "amd64").expect("valid");
        assert_eq!(
            names.archive(&linux),
            "terraform-provider-hello_1.2.0_linux_amd64.zip"
        );
        assert_eq!(
            names.checksums(),
            "terraform-provider-hello_1.2.0_SHA256SUMS"
        );
        assert_eq!(
            names.checksums_signature(),
            "terraform-provider-hello_1.2.0_SHA256SUMS.sig"
        );
        assert_eq!(
            names.manifest(),
            "terraform-provider-hello_1.2.0_manifest.json"
        );
    }

    #[test]
    fn classification() {
        let names = names();
        assert_eq!(
            names.classify("terraform-provider-hello_1.2.0_darwin_arm64.zip"),
            Some(ReleaseFile::Archive(
                Platform::new("darwin", "arm64").expect("valid")
            ))
        );
        assert_eq!(
            names.classify(&names.checksums()),
            Some(ReleaseFile::Checksums)
        );
        assert_eq!(
            names.classify(&names.checksums_signature()),
            Some(ReleaseFile::ChecksumsSignature)
        );
        assert_eq!(
            names.classify(&names.manifest()),
            Some(ReleaseFile::Manifest)
        );
        for other in [
            "terraform-provider-hello_1.2.0_linux_amd64.tar.gz",
            "terraform-provider-hello_1.2.0_linux_amd64_v1.zip",
            "terraform-provider-hello_1.2.1_linux_amd64.zip",
            "terraform-provider-hellox_1.2.0_linux_amd64.zip",
            "terraform-provider-hello_1.2.0_SHA256SUMS.asc",
            "terraform-provider-hello_1.2.0_.zip",
            "Source code (zip)",
            "",
        ] {
            assert_eq!(names.classify(other), None, "{other}");
        }
    }

    #[test]
    fn checksums_names_identify_the_release() {
        let (provider_type, version) =
            checksums_file_identity("terraform-provider-hello-world_2.0.0-rc.1_SHA256SUMS")
                .expect("recognised");
        assert_eq!(
            (provider_type.as_str(), version.to_string().as_str()),
            ("hello-world", "2.0.0-rc.1")
        );
        for other in [
            "terraform-provider-hello_SHA256SUMS",
            "terraform-provider-hello_v1.0.0_SHA256SUMS",
            "terraform-provider-Hello_1.0.0_SHA256SUMS",
            "terraform-provider-he_llo_1.0.0_SHA256SUMS",
            "checksums.txt",
        ] {
            assert!(checksums_file_identity(other).is_none(), "{other}");
        }
    }
}
