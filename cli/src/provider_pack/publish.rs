//! Writing the release into the layout: the version directory appears whole or not at all
//! (built beside it, then renamed), and a published version is never overwritten (lock files
//! have recorded its hashes).

use std::path::PathBuf;

use anyhow::{bail, Context};
use terraform_providers::{FilesOrigin, ProviderAddress, ProviderVersion, TrustedKey};

use super::inputs::ReleaseInputs;
use crate::atomic_file::write_atomically;

pub fn publish_version(
    origin: &FilesOrigin,
    address: &ProviderAddress,
    version: &ProviderVersion,
    inputs: &ReleaseInputs,
) -> anyhow::Result<PathBuf> {
    let target = origin.version_directory(address, version);
    if target.exists() {
        bail!(
            "{} exists: {address} {version} is published, and lock files have recorded its hashes; publish a new version instead",
            target.display()
        );
    }
    let parent = origin.provider_directory(address);
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{version}.partial-"))
        .tempdir_in(&parent)
        .with_context(|| format!("cannot create a staging directory in {}", parent.display()))?;
    inputs.write_into(staging.path())?;
    // Staging directories are private (0700); the published one is read by whoever runs wharf.
    readable_by_all(staging.path(), 0o755)?;
    std::fs::rename(staging.path(), &target)
        .with_context(|| format!("cannot move the release into {}", target.display()))?;
    // Renamed away: nothing is left for the guard to delete.
    let _ = staging.keep();
    Ok(target)
}

/// Adds `key` to the namespace's `signing-keys.asc` unless it is there; returns the file when
/// it changed.
pub fn trust_key(
    origin: &FilesOrigin,
    namespace: &str,
    key: &TrustedKey,
) -> anyhow::Result<Option<PathBuf>> {
    let path = origin.namespace_keys_path(namespace);
    let existing = origin
        .namespace_keys(namespace)
        .with_context(|| format!("cannot read {}", path.display()))?
        .unwrap_or_default();
    let (known, _) = terraform_providers::TrustedKeys::parse_armored(&existing);
    if known.by_fingerprint(key.fingerprint()).is_some() {
        return Ok(None);
    }
    let mut updated = existing;
    if !updated.is_empty() && !updated.ends_with('\n') {
        updated.push('\n');
    }
    updated.push_str(key.armored());
    write_atomically(&path, |output| Ok(output.write_all(updated.as_bytes())?))?;
    readable_by_all(&path, 0o644)?;
    Ok(Some(path))
}

#[cfg(unix)]
fn readable_by_all(path: &std::path::Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot make {} readable", path.display()))
}

#[cfg(not(unix))]
fn readable_by_all(_path: &std::path::Path, _mode: u32) -> anyhow::Result<()> {
    Ok(())
}
