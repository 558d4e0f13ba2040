//! `wharf provider pack`: one provider version into the files origin's layout
//! (`registry/providers/NAMESPACE/TYPE/VERSION/`), checked the way wharf will check it when it
//! serves it, so nothing is published that wharf (or Terraform) would refuse.

mod inputs;
mod publish;

use std::fmt;
use std::path::PathBuf;

use anyhow::{bail, Context};
use release_signing::SigningKey;
use terraform_providers::{
    FilesOrigin, PackageHashes, Platform, ProviderAddress, ProviderVersion, ReleaseLayout,
    TrustedKeys,
};

use inputs::ReleaseInputs;

/// Where the release comes from.
pub enum PackSource {
    /// GoReleaser's output: zips, `SHA256SUMS`, binary `SHA256SUMS.sig`, manifest.
    Dist {
        directory: PathBuf,
        /// An armored public key that may have signed it, besides the namespace's keys.
        public_key: Option<String>,
    },
    /// Zips to checksum and sign.
    Zips {
        zips: Vec<PathBuf>,
        key: Box<SigningKey>,
        /// Protocol versions for the manifest (none: no manifest, Terraform assumes 5.0).
        protocols: Vec<String>,
    },
}

pub struct PackOptions {
    pub registry: PathBuf,
    pub namespace: String,
    pub provider_type: Option<String>,
    pub version: Option<String>,
    pub source: PackSource,
    /// Signature time (unix seconds).
    pub now: u64,
}

/// What was published, for the summary line.
pub struct Published {
    address: ProviderAddress,
    version: ProviderVersion,
    directory: PathBuf,
    key_id: String,
    added_key: Option<PathBuf>,
    hashes: Vec<(Platform, PackageHashes)>,
    warning: Option<String>,
}

impl fmt::Display for Published {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let platforms: Vec<String> = self.hashes.iter().map(|(p, _)| p.to_string()).collect();
        writeln!(
            formatter,
            "published {} {} for {} (signed by key {}) into {}",
            self.address,
            self.version,
            platforms.join(", "),
            self.key_id,
            self.directory.display()
        )?;
        if let Some(path) = &self.added_key {
            writeln!(formatter, "added key {} to {}", self.key_id, path.display())?;
        }
        for (platform, hashes) in &self.hashes {
            writeln!(
                formatter,
                "  {platform}: {} {}",
                hashes.h1_contents, hashes.zh
            )?;
        }
        if let Some(warning) = &self.warning {
            writeln!(formatter, "warning: {warning}")?;
        }
        Ok(())
    }
}

pub fn pack(options: PackOptions) -> anyhow::Result<Published> {
    let origin = FilesOrigin::new(options.registry.join("providers"));
    let mut keys = namespace_keys(&origin, &options.namespace)?;
    let inputs = ReleaseInputs::gather(&options, &mut keys)?;
    let address = &inputs.address;
    let version = &inputs.version;

    let layout = ReleaseLayout::from_names(address, version, inputs.names())
        .context("the release is incomplete")?;
    let offered = layout
        .assess(
            &inputs.contents(&layout.checksums)?,
            &inputs.contents(&layout.signature)?,
            layout
                .manifest
                .as_deref()
                .map(|name| inputs.contents(name))
                .transpose()?
                .as_deref(),
            &keys,
        )
        .with_context(|| format!("wharf would not offer {address} {version}"))?;
    if let Some(note) = offered.notes.first() {
        bail!("{note}: every zip must be listed in the signed SHA256SUMS");
    }
    let mut hashes = Vec::new();
    for archive in &offered.archives {
        let path = inputs
            .path_of(&archive.file_name)
            .with_context(|| format!("{} is not a file", archive.file_name))?;
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let package = PackageHashes::of_zip(std::io::BufReader::new(file))
            .with_context(|| format!("{} is not a provider package", archive.file_name))?;
        if package.zh != PackageHashes::zh_from_sha256_hex(&archive.sha256) {
            bail!(
                "{} does not match SHA256SUMS (it lists {}, the file is {})",
                archive.file_name,
                archive.sha256,
                package.zh.trim_start_matches("zh:")
            );
        }
        hashes.push((archive.platform.clone(), package));
    }
    inputs.check_checksummed_zips_present(&offered)?;

    let signer = keys
        .by_fingerprint(&offered.signed_by)
        .context("the signing key vanished")?;
    let added_key = publish::trust_key(&origin, address.namespace(), signer)?;
    let directory = publish::publish_version(&origin, address, version, &inputs)?;
    Ok(Published {
        address: address.clone(),
        version: version.clone(),
        directory,
        key_id: signer.key_id().to_owned(),
        added_key,
        hashes,
        warning: signer.old_terraform_problem(),
    })
}

/// The keys already trusted for the namespace (its `signing-keys.asc`).
fn namespace_keys(origin: &FilesOrigin, namespace: &str) -> anyhow::Result<TrustedKeys> {
    let text = origin
        .namespace_keys(namespace)
        .with_context(|| {
            format!(
                "cannot read {}",
                origin.namespace_keys_path(namespace).display()
            )
        })?
        .unwrap_or_default();
    let (keys, problems) = TrustedKeys::parse_armored(&text);
    for problem in problems {
        eprintln!(
            "warning: {}: {problem}; it is not used",
            origin.namespace_keys_path(namespace).display()
        );
    }
    Ok(keys)
}
