//! Whether a provider release may be offered, and what it offers.
//!
//! A release is offered when it has a `SHA256SUMS` and a `SHA256SUMS.sig` that one of the
//! trusted keys made, its manifest (if any) is readable, and `SHA256SUMS` lists at least one
//! of its zips. What it offers is exactly what `SHA256SUMS` vouches for: a zip that is not
//! listed there is left out (Terraform would refuse it anyway). Both origins come through here,
//! so a release is judged the same wherever it lives.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    protocols_from_manifest, Checksums, ChecksumsError, ManifestError, Platform, ProviderAddress,
    ProviderVersion, ReleaseFile, ReleaseFileNames, SignatureProblem, TrustedKeys,
    DEFAULT_PROTOCOLS,
};

/// The files of one release, by role, from the names present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseLayout {
    /// The version.
    pub version: ProviderVersion,
    /// `…_SHA256SUMS`.
    pub checksums: String,
    /// `…_SHA256SUMS.sig`.
    pub signature: String,
    /// `…_manifest.json`, if present.
    pub manifest: Option<String>,
    /// Every zip present, with its platform.
    pub archives: Vec<(Platform, String)>,
}

/// A release that may be offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedRelease {
    /// The version.
    pub version: ProviderVersion,
    /// Plugin protocol versions (`5.0`, `6.0`).
    pub protocols: Vec<String>,
    /// The packages `SHA256SUMS` lists, by platform.
    pub archives: Vec<OfferedArchive>,
    /// Fingerprint of the trusted key whose signature verified.
    pub signed_by: String,
    /// Files of the release that are not offered, and why (for the log).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// One platform's package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedArchive {
    /// The platform.
    pub platform: Platform,
    /// The zip's file name.
    pub file_name: String,
    /// Its SHA-256 from `SHA256SUMS` (lowercase hex).
    pub sha256: String,
}

impl OfferedRelease {
    /// The package for `platform`, if the release has one.
    pub fn archive_for(&self, platform: &Platform) -> Option<&OfferedArchive> {
        self.archives
            .iter()
            .find(|archive| archive.platform == *platform)
    }
}

/// What a release's checksums, signature and manifest establish once the signature verified:
/// the part of judging a release that costs downloads and a signature check, worth
/// remembering (it depends only on those files and the trusted keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedFiles {
    /// The signed checksums.
    pub checksums: Checksums,
    /// The protocols from the manifest (or the default).
    pub protocols: Vec<String>,
    /// Fingerprint of the key that signed.
    pub signed_by: String,
}

/// Why a release is not offered. The message goes to the operator's log and, as a registry
/// warning, to the Terraform user who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseRefusal {
    /// A required file is missing.
    #[error("it has no {0}")]
    Missing(String),
    /// `SHA256SUMS` is unusable.
    #[error(transparent)]
    Checksums(#[from] ChecksumsError),
    /// The signature does not make it trustworthy.
    #[error(transparent)]
    Signature(#[from] SignatureProblem),
    /// The manifest is unusable.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The manifest differs from what the signed checksums say it is.
    #[error("{0} does not match its checksum in SHA256SUMS: it was changed after signing")]
    ManifestAltered(String),
    /// A file could not be read.
    #[error("cannot read {0}")]
    Unreadable(String),
    /// A refusal reached earlier, remembered by its message.
    #[error("{0}")]
    Remembered(String),
    /// `SHA256SUMS` lists none of the release's zips.
    #[error("SHA256SUMS lists none of its provider zips ({0})")]
    NoArchives(String),
}

/// A provider's releases as judged: the offered ones and the refused ones with the reason.
#[derive(Debug, Clone, Default)]
pub struct ProviderReleases {
    /// Releases that may be installed.
    pub offered: Vec<OfferedRelease>,
    /// Releases that are not offered, and why.
    pub refused: Vec<(ProviderVersion, ReleaseRefusal)>,
}

impl ProviderReleases {
    /// The offered release of `version`.
    pub fn find(&self, version: &ProviderVersion) -> Option<&OfferedRelease> {
        self.offered
            .iter()
            .find(|release| release.version == *version)
    }

    /// One line per refused release, for the log and for Terraform's warnings.
    pub fn warnings(&self, address: &ProviderAddress) -> Vec<String> {
        self.refused
            .iter()
            .map(|(version, refusal)| format!("{address} {version} is not offered: {refusal}"))
            .collect()
    }
}

impl ReleaseLayout {
    /// Sorts `file_names` (every file of the release) into roles; a release without its
    /// checksums or signature is refused before anything is downloaded.
    pub fn from_names<'n>(
        address: &ProviderAddress,
        version: &ProviderVersion,
        file_names: impl IntoIterator<Item = &'n str>,
    ) -> Result<Self, ReleaseRefusal> {
        let names = ReleaseFileNames::new(address.provider_type(), version);
        let mut checksums = None;
        let mut signature = None;
        let mut manifest = None;
        let mut archives = Vec::new();
        for name in file_names {
            match names.classify(name) {
                Some(ReleaseFile::Checksums) => checksums = Some(name.to_owned()),
                Some(ReleaseFile::ChecksumsSignature) => signature = Some(name.to_owned()),
                Some(ReleaseFile::Manifest) => manifest = Some(name.to_owned()),
                Some(ReleaseFile::Archive(platform)) => archives.push((platform, name.to_owned())),
                None => {}
            }
        }
        archives.sort();
        Ok(Self {
            version: version.clone(),
            checksums: checksums.ok_or_else(|| ReleaseRefusal::Missing(names.checksums()))?,
            signature: signature
                .ok_or_else(|| ReleaseRefusal::Missing(names.checksums_signature()))?,
            manifest,
            archives,
        })
    }

    /// Judges the release from the contents of its checksums, signature and manifest.
    pub fn assess(
        &self,
        checksums: &[u8],
        signature: &[u8],
        manifest: Option<&[u8]>,
        keys: &TrustedKeys,
    ) -> Result<OfferedRelease, ReleaseRefusal> {
        self.offer(&self.verify(checksums, signature, manifest, keys)?)
    }

    /// Verifies the release's `SHA256SUMS` against its signature and reads its manifest. A
    /// manifest that the signed checksums list must match them (GoReleaser lists it).
    pub fn verify(
        &self,
        checksums: &[u8],
        signature: &[u8],
        manifest: Option<&[u8]>,
        keys: &TrustedKeys,
    ) -> Result<VerifiedFiles, ReleaseRefusal> {
        let signed_by = keys.verify(checksums, signature)?.fingerprint().to_owned();
        let checksums = Checksums::parse(checksums)?;
        let protocols = match (&self.manifest, manifest) {
            (Some(name), Some(document)) => {
                let listed = checksums.sha256_of(name);
                if listed.is_some_and(|sha256| sha256 != hex::encode(Sha256::digest(document))) {
                    return Err(ReleaseRefusal::ManifestAltered(name.clone()));
                }
                protocols_from_manifest(document)?
            }
            _ => DEFAULT_PROTOCOLS.iter().map(|p| (*p).to_owned()).collect(),
        };
        Ok(VerifiedFiles {
            checksums,
            protocols,
            signed_by,
        })
    }

    /// What the release offers, given its verified files: each zip present that the signed
    /// checksums list.
    pub fn offer(&self, verified: &VerifiedFiles) -> Result<OfferedRelease, ReleaseRefusal> {
        let mut archives = Vec::new();
        let mut notes = Vec::new();
        for (platform, file_name) in &self.archives {
            match verified.checksums.sha256_of(file_name) {
                Some(sha256) => archives.push(OfferedArchive {
                    platform: platform.clone(),
                    file_name: file_name.clone(),
                    sha256: sha256.to_owned(),
                }),
                None => notes.push(format!(
                    "{file_name} is not listed in SHA256SUMS, so it is not offered"
                )),
            }
        }
        if archives.is_empty() {
            let present: Vec<&str> = self
                .archives
                .iter()
                .map(|(_, name)| name.as_str())
                .collect();
            return Err(ReleaseRefusal::NoArchives(if present.is_empty() {
                "the release has no zips".to_owned()
            } else {
                present.join(", ")
            }));
        }
        Ok(OfferedRelease {
            version: self.version.clone(),
            protocols: verified.protocols.clone(),
            archives,
            signed_by: verified.signed_by.clone(),
            notes,
        })
    }
}
