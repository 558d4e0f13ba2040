//! A provider's releases on GitHub, judged: every published release whose assets follow
//! GoReleaser's layout and whose `SHA256SUMS` a trusted key signed. The release list and the
//! small files come through `github-access` (cached, revalidated, served stale when GitHub
//! fails, bounded in time).

use std::collections::BTreeMap;

use github_access::github::{GitHubError, Repository};
use github_access::{error_response, AccessError, AssetRecord, GitHubAccess, RepositoryAccess};
use spin_sdk::http::Response;
use terraform_providers::{
    OfferedRelease, ProviderAddress, ProviderVersion, ReleaseLayout, ReleaseRefusal, TrustedKeys,
    VerifiedFiles, MAX_CHECKSUMS_BYTES, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES,
};

use crate::origin::{unknown_provider, JudgedReleases};
use crate::verdict_cache::VerdictCache;

/// Judges every release. A refusal is a verdict (that release is not offered); GitHub failing
/// is not: the whole answer is then an error the client retries, so a hiccup never silently
/// hides a version and lets Terraform pick an older one.
pub fn judge(
    access: &GitHubAccess,
    repository: &Repository,
    address: &ProviderAddress,
    keys: &TrustedKeys,
) -> Result<JudgedReleases, Response> {
    let failed = |error: AccessError| match error {
        AccessError::GitHub(GitHubError::NotFound) | AccessError::OwnerNotAllowed(_) => {
            unknown_provider(address)
        }
        other => error_response(&other),
    };
    let releases_of = access.repository(repository).map_err(failed)?;
    let listed = releases_of.releases().map_err(failed)?;
    let mut cache = VerdictCache::load(repository, &keys.digest());
    let mut judged = JudgedReleases::on_github(repository.clone(), listed.stale);
    for release in &listed.value {
        let Some(version) = ProviderVersion::from_tag(&release.tag_name) else {
            continue;
        };
        if judged.knows(&version) {
            eprintln!(
                "{repository}: release {} repeats version {version}; the newer release is used",
                release.tag_name
            );
            continue;
        }
        let assets: BTreeMap<String, AssetRecord> = release
            .assets
            .iter()
            .map(|asset| (asset.name.clone(), asset.clone()))
            .collect();
        let outcome = judge_release(&releases_of, address, &version, &assets, keys, &mut cache);
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                cache.save();
                return Err(error_response(&error));
            }
        };
        judged.add(
            version,
            outcome,
            assets
                .into_iter()
                .map(|(name, asset)| (name, asset.id))
                .collect(),
        );
    }
    cache.save();
    Ok(judged)
}

fn judge_release(
    releases_of: &RepositoryAccess,
    address: &ProviderAddress,
    version: &ProviderVersion,
    assets: &BTreeMap<String, AssetRecord>,
    keys: &TrustedKeys,
    cache: &mut VerdictCache,
) -> Result<Result<OfferedRelease, ReleaseRefusal>, AccessError> {
    let layout =
        match ReleaseLayout::from_names(address, version, assets.keys().map(String::as_str)) {
            Ok(layout) => layout,
            Err(refusal) => return Ok(Err(refusal)),
        };
    let verified = match verified_files(releases_of, &layout, assets, keys, cache)? {
        Ok(verified) => verified,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(layout.offer(&verified))
}

/// The release's verified files, remembered or checked now.
fn verified_files(
    releases_of: &RepositoryAccess,
    layout: &ReleaseLayout,
    assets: &BTreeMap<String, AssetRecord>,
    keys: &TrustedKeys,
    cache: &mut VerdictCache,
) -> Result<Result<VerifiedFiles, ReleaseRefusal>, AccessError> {
    let id = |name: &str| assets.get(name).map_or(0, |asset| asset.id);
    let files = format!(
        "{}-{}-{}",
        id(&layout.checksums),
        id(&layout.signature),
        layout.manifest.as_deref().map(id).unwrap_or(0)
    );
    if let Some(remembered) = cache.get(&files) {
        return Ok(remembered.map_err(ReleaseRefusal::Remembered));
    }
    let download = |name: &str, limit: usize| small_asset(releases_of, assets, name, limit);
    let checksums = download(&layout.checksums, MAX_CHECKSUMS_BYTES)?;
    let signature = download(&layout.signature, MAX_SIGNATURE_BYTES)?;
    let manifest = match layout.manifest.as_deref() {
        Some(name) => Some(download(name, MAX_MANIFEST_BYTES)?),
        None => None,
    };
    let verdict = match (checksums, signature, manifest.transpose()) {
        (Ok(checksums), Ok(signature), Ok(manifest)) => {
            layout.verify(&checksums, &signature, manifest.as_deref(), keys)
        }
        (Err(refusal), _, _) | (_, Err(refusal), _) | (_, _, Err(refusal)) => Err(refusal),
    };
    cache.put(&files, verdict.as_ref().map_err(ToString::to_string));
    Ok(verdict)
}

/// A small release asset, whole (kept in key-value by `github-access`: an asset's bytes never
/// change under its id). `Ok(Err(_))` is a verdict (the asset is too large to be what it
/// claims); `Err(_)` is GitHub failing.
fn small_asset(
    releases_of: &RepositoryAccess,
    assets: &BTreeMap<String, AssetRecord>,
    name: &str,
    limit: usize,
) -> Result<Result<Vec<u8>, ReleaseRefusal>, AccessError> {
    let Some(asset) = assets.get(name) else {
        return Ok(Err(ReleaseRefusal::Unreadable(format!(
            "{name}: the release has no such file"
        ))));
    };
    if asset.size > limit as u64 || !asset.is_cacheable() {
        return Ok(Err(ReleaseRefusal::Unreadable(format!(
            "{name}: it is larger than {limit} bytes"
        ))));
    }
    releases_of.small_asset(asset).map(Ok)
}
