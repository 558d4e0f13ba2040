//! The files of the release being packed: read from a GoReleaser `dist/` directory, or made
//! from zips (checksums written, then signed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};
use terraform_providers::{
    checksums_file_identity, is_protocol_version, manifest_for_protocols, read_bounded, Checksums,
    OfferedRelease, ProviderAddress, ProviderVersion, ReleaseFile, ReleaseFileNames, TrustedKeys,
    MAX_CHECKSUMS_BYTES,
};

use super::{PackOptions, PackSource};

enum Content {
    File(PathBuf),
    Made(Vec<u8>),
}

pub struct ReleaseInputs {
    pub address: ProviderAddress,
    pub version: ProviderVersion,
    files: BTreeMap<String, Content>,
}

impl ReleaseInputs {
    /// The release's files; `keys` gains the key that is meant to have signed them.
    pub fn gather(options: &PackOptions, keys: &mut TrustedKeys) -> anyhow::Result<Self> {
        match &options.source {
            PackSource::Dist {
                directory,
                public_key,
            } => {
                if let Some(text) = public_key {
                    let (given, problems) = TrustedKeys::parse_armored(text);
                    if let Some(problem) = problems.into_iter().next() {
                        bail!("--public-key: {problem}");
                    }
                    keys.extend(given);
                }
                Self::from_dist(options, directory)
            }
            PackSource::Zips {
                zips,
                key,
                protocols,
            } => {
                let (own, _) = TrustedKeys::parse_armored(&key.public_key_armored()?);
                keys.extend(own);
                Self::from_zips(options, zips, key, protocols)
            }
        }
    }

    fn from_dist(options: &PackOptions, directory: &Path) -> anyhow::Result<Self> {
        let listing = std::fs::read_dir(directory)
            .with_context(|| format!("cannot read {}", directory.display()))?;
        let mut names = Vec::new();
        for entry in listing {
            let entry = entry.with_context(|| format!("cannot read {}", directory.display()))?;
            if entry.file_type().is_ok_and(|kind| kind.is_file()) {
                if let Ok(name) = entry.file_name().into_string() {
                    names.push(name);
                }
            }
        }
        let releases: Vec<(String, ProviderVersion)> = names
            .iter()
            .filter_map(|name| checksums_file_identity(name))
            .filter(|(provider_type, version)| {
                options
                    .provider_type
                    .as_deref()
                    .is_none_or(|wanted| wanted == provider_type)
                    && options
                        .version
                        .as_deref()
                        .is_none_or(|wanted| wanted == version.to_string())
            })
            .collect();
        let (provider_type, version) = match releases.as_slice() {
            [one] => one.clone(),
            [] => bail!(
                "{} holds no terraform-provider-TYPE_VERSION_SHA256SUMS{}; is it GoReleaser's dist/ for a Terraform provider?",
                directory.display(),
                match (&options.provider_type, &options.version) {
                    (None, None) => String::new(),
                    _ => " for the --type/--version given".to_owned(),
                }
            ),
            several => bail!(
                "{} holds several releases ({}); choose one with --type and --version",
                directory.display(),
                several
                    .iter()
                    .map(|(t, v)| format!("{t} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let address = ProviderAddress::new(&options.namespace, &provider_type)
            .with_context(|| "--namespace".to_owned())?;
        let release_names = ReleaseFileNames::new(&provider_type, &version);
        let files = names
            .into_iter()
            .filter(|name| release_names.classify(name).is_some())
            .map(|name| {
                let path = directory.join(&name);
                (name, Content::File(path))
            })
            .collect();
        Ok(Self {
            address,
            version,
            files,
        })
    }

    fn from_zips(
        options: &PackOptions,
        zips: &[PathBuf],
        key: &release_signing::SigningKey,
        protocols: &[String],
    ) -> anyhow::Result<Self> {
        let (Some(provider_type), Some(version_text)) = (&options.provider_type, &options.version)
        else {
            bail!("packing zips needs --type and --version");
        };
        let address = ProviderAddress::new(&options.namespace, provider_type)?;
        if address.provider_type() != provider_type || address.namespace() != options.namespace {
            bail!("--namespace and --type must be lowercase, as Terraform writes them ({address})");
        }
        let version = ProviderVersion::parse(version_text).with_context(|| {
            format!("--version '{version_text}' is not a semantic version like 1.2.0 (no v)")
        })?;
        let names = ReleaseFileNames::new(provider_type, &version);
        let mut files = BTreeMap::new();
        let mut digests = Vec::new();
        for zip in zips {
            let name = zip
                .file_name()
                .and_then(|name| name.to_str())
                .with_context(|| format!("{} has no usable file name", zip.display()))?;
            if !matches!(names.classify(name), Some(ReleaseFile::Archive(_))) {
                bail!(
                    "{} is not named like a {address} {version} package: name it terraform-provider-{provider_type}_{version}_OS_ARCH.zip (e.g. linux_amd64)",
                    zip.display()
                );
            }
            if files.contains_key(name) {
                bail!("{name} is given twice");
            }
            let mut hasher = Sha256::new();
            std::fs::File::open(zip)
                .and_then(|mut file| std::io::copy(&mut file, &mut hasher))
                .with_context(|| format!("cannot read {}", zip.display()))?;
            digests.push((name.to_owned(), hasher.finalize().into()));
            files.insert(name.to_owned(), Content::File(zip.clone()));
        }
        let checksums = Checksums::from_digests(digests).render();
        let signature = key
            .detached_signature_bytes(checksums.as_bytes(), options.now)
            .context("cannot sign SHA256SUMS")?;
        files.insert(names.checksums(), Content::Made(checksums.into_bytes()));
        files.insert(names.checksums_signature(), Content::Made(signature));
        if !protocols.is_empty() {
            if let Some(bad) = protocols.iter().find(|p| !is_protocol_version(p)) {
                bail!("--protocols '{bad}' is not a protocol version like 5.0 or 6.0");
            }
            files.insert(
                names.manifest(),
                Content::Made(manifest_for_protocols(protocols).into_bytes()),
            );
        }
        Ok(Self {
            address,
            version,
            files,
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// A small file's bytes (checksums, signature, manifest).
    pub fn contents(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        match self.files.get(name) {
            Some(Content::File(path)) => read_bounded(path, MAX_CHECKSUMS_BYTES)
                .with_context(|| format!("cannot read {}", path.display())),
            Some(Content::Made(bytes)) => Ok(bytes.clone()),
            None => bail!("the release has no {name}"),
        }
    }

    /// Where a zip is (zips are always files given on the command line or in `dist/`).
    pub fn path_of(&self, name: &str) -> Option<&Path> {
        match self.files.get(name) {
            Some(Content::File(path)) => Some(path),
            _ => None,
        }
    }

    /// Writes every file into `directory`.
    pub fn write_into(&self, directory: &Path) -> anyhow::Result<()> {
        for (name, content) in &self.files {
            let target = directory.join(name);
            match content {
                Content::File(path) => {
                    std::fs::copy(path, &target).with_context(|| {
                        format!(
                            "cannot copy {} into {}",
                            path.display(),
                            directory.display()
                        )
                    })?;
                }
                Content::Made(bytes) => std::fs::write(&target, bytes)
                    .with_context(|| format!("cannot write {}", target.display()))?,
            }
            std::fs::File::open(&target)
                .and_then(|file| file.sync_all())
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
        Ok(())
    }

    /// Every zip the signed checksums list is here: a `dist/` copied in part would otherwise
    /// publish a release that lacks platforms its author built.
    pub fn check_checksummed_zips_present(&self, offered: &OfferedRelease) -> anyhow::Result<()> {
        let names = ReleaseFileNames::new(self.address.provider_type(), &self.version);
        let checksums_name = names.checksums();
        let listed = Checksums::parse(&self.contents(&checksums_name)?)?;
        let missing: Vec<&str> = listed
            .iter()
            .map(|(name, _)| name)
            .filter(|name| matches!(names.classify(name), Some(ReleaseFile::Archive(_))))
            .filter(|name| {
                !offered
                    .archives
                    .iter()
                    .any(|archive| archive.file_name == *name)
            })
            .collect();
        if !missing.is_empty() {
            bail!(
                "SHA256SUMS lists {}, which the release lacks",
                missing.join(", ")
            );
        }
        Ok(())
    }
}
