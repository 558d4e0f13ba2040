//! A provider's releases on GitHub, judged: every published release whose assets follow
//! GoReleaser's layout and whose `SHA256SUMS` a trusted key signed.

use std::collections::BTreeMap;
use std::io::Read;

use component_http::{plain_text, ResponseBodyReader};
use github_access::github::{parse_releases, GitHubError, Release, Repository};
use github_access::{error_response, AccessError, GitHubAccess};
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
    let releases = list_releases(access, repository, address)?;
    let mut cache = VerdictCache::load(repository, &keys.digest());
    let mut judged = JudgedReleases::on_github(repository.clone());
    for release in releases.iter().filter(|release| !release.draft) {
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
        let assets: BTreeMap<String, u64> = release
            .assets
            .iter()
            .map(|asset| (asset.name.clone(), asset.id))
            .collect();
        let outcome = judge_release(
            access, repository, address, &version, &assets, keys, &mut cache,
        );
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(response) => {
                cache.save();
                return Err(response);
            }
        };
        judged.add(version, outcome, assets);
    }
    cache.save();
    Ok(judged)
}

fn list_releases(
    access: &GitHubAccess,
    repository: &Repository,
    address: &ProviderAddress,
) -> Result<Vec<Release>, Response> {
    let pages = access
        .fetch_all_pages(|requests| requests.list_releases(repository, None))
        .map_err(|error| match error {
            AccessError::GitHub(GitHubError::NotFound) => unknown_provider(address),
            other => error_response(&other),
        })?;
    let mut releases = Vec::new();
    for page in pages {
        releases
            .extend(parse_releases(page.body()).map_err(|error| error_response(&error.into()))?);
    }
    Ok(releases)
}

fn judge_release(
    access: &GitHubAccess,
    repository: &Repository,
    address: &ProviderAddress,
    version: &ProviderVersion,
    assets: &BTreeMap<String, u64>,
    keys: &TrustedKeys,
    cache: &mut VerdictCache,
) -> Result<Result<OfferedRelease, ReleaseRefusal>, Response> {
    let layout =
        match ReleaseLayout::from_names(address, version, assets.keys().map(String::as_str)) {
            Ok(layout) => layout,
            Err(refusal) => return Ok(Err(refusal)),
        };
    let verified = match verified_files(access, repository, &layout, assets, keys, cache)? {
        Ok(verified) => verified,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(layout.offer(&verified))
}

/// The release's verified files, remembered or checked now.
fn verified_files(
    access: &GitHubAccess,
    repository: &Repository,
    layout: &ReleaseLayout,
    assets: &BTreeMap<String, u64>,
    keys: &TrustedKeys,
    cache: &mut VerdictCache,
) -> Result<Result<VerifiedFiles, ReleaseRefusal>, Response> {
    let id = |name: &str| assets.get(name).copied().unwrap_or(0);
    let files = format!(
        "{}-{}-{}",
        id(&layout.checksums),
        id(&layout.signature),
        layout.manifest.as_deref().map(id).unwrap_or(0)
    );
    if let Some(remembered) = cache.get(&files) {
        return Ok(remembered.map_err(ReleaseRefusal::Remembered));
    }
    let download =
        |name: &str, limit: usize| small_asset(access, repository, name, id(name), limit);
    let verdict = (|| {
        let checksums = download(&layout.checksums, MAX_CHECKSUMS_BYTES)?;
        let signature = download(&layout.signature, MAX_SIGNATURE_BYTES)?;
        let manifest = match layout.manifest.as_deref() {
            Some(name) => Some(download(name, MAX_MANIFEST_BYTES)?),
            None => None,
        };
        Ok(match (checksums, signature, manifest.transpose()) {
            (Ok(checksums), Ok(signature), Ok(manifest)) => {
                layout.verify(&checksums, &signature, manifest.as_deref(), keys)
            }
            (Err(refusal), _, _) | (_, Err(refusal), _) | (_, _, Err(refusal)) => Err(refusal),
        })
    })()?;
    cache.put(&files, verdict.as_ref().map_err(ToString::to_string));
    Ok(verdict)
}

/// A small release asset, whole. `Ok(Err(_))` is a verdict (the asset is too large to be
/// what it claims); `Err(_)` is GitHub failing.
fn small_asset(
    access: &GitHubAccess,
    repository: &Repository,
    name: &str,
    asset_id: u64,
    limit: usize,
) -> Result<Result<Vec<u8>, ReleaseRefusal>, Response> {
    let failed = |reason: String| {
        eprintln!("{repository}: downloading {name} failed: {reason}");
        let mut response = plain_text(
            502,
            &format!("wharf could not download {name} from GitHub to check it; retry"),
        );
        response.set_header("retry-after", "30");
        response
    };
    let response = access
        .open_download(|requests| requests.release_asset(repository, asset_id))
        .map_err(|error| error_response(&error))?;
    let reader = ResponseBodyReader::new(response).map_err(|error| failed(error.to_string()))?;
    let mut contents = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut contents)
        .map_err(|error| failed(error.to_string()))?;
    if contents.len() > limit {
        return Ok(Err(ReleaseRefusal::Unreadable(format!(
            "{name}: it is larger than {limit} bytes"
        ))));
    }
    Ok(Ok(contents))
}
