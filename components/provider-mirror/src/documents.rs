//! `…/{hostname}/{namespace}/{type}/index.json` and `…/{version}.json`.

use component_http::plain_text;
use provider_origins::{json, mirror_directory, signed, MirrorHashes};
use spin_sdk::http::Response;
use terraform_providers::{
    mirror_index_document, mirror_version_document, MirrorArchive, MirrorArchiveEntry,
    PackageHashes, ProviderAddress, ProviderVersion, RegistryHostname,
};

pub fn index(hostname: &RegistryHostname, address: &ProviderAddress) -> Response {
    let Some(archives) = archives(hostname, address) else {
        return not_mirrored(hostname, address);
    };
    let mut versions: Vec<&ProviderVersion> =
        archives.iter().map(|archive| &archive.version).collect();
    versions.dedup();
    json(mirror_index_document(versions))
}

pub fn version(
    hostname: &RegistryHostname,
    address: &ProviderAddress,
    version: &ProviderVersion,
) -> Response {
    let Some(archives) = archives(hostname, address) else {
        return not_mirrored(hostname, address);
    };
    let archives: Vec<&MirrorArchive> = archives
        .iter()
        .filter(|archive| archive.version == *version)
        .collect();
    if archives.is_empty() {
        return plain_text(
            404,
            &format!("{hostname}/{address} {version} is not mirrored"),
        );
    }
    let mirror = mirror_directory();
    let recorded = mirror.recorded_hashes(hostname, address, version);
    let mut hashes = MirrorHashes::load(hostname, address, version);
    let mut entries = Vec::new();
    for archive in archives {
        let computed = match hashes.of(&archive.file_name, &archive.path) {
            Ok(computed) => computed,
            Err(error) => {
                eprintln!(
                    "mirror {hostname}/{address}: {} is left out: {error}",
                    archive.file_name
                );
                continue;
            }
        };
        let recorded_for_platform = recorded
            .as_ref()
            .and_then(|recorded| recorded.get(&archive.platform.to_string()));
        if let Some(problem) = mismatch(&computed, recorded_for_platform) {
            eprintln!(
                "mirror {hostname}/{address}: {} is left out: {problem}",
                archive.file_name
            );
            continue;
        }
        let path = format!(
            "/mirror/v1/{hostname}/{}/{}/{}",
            address.namespace(),
            address.provider_type(),
            archive.file_name
        );
        let url = match signed(&path) {
            Ok(url) => url,
            Err(response) => return response,
        };
        entries.push(MirrorArchiveEntry {
            platform: archive.platform.clone(),
            url,
            hashes: computed.listed(),
        });
    }
    hashes.save();
    json(mirror_version_document(&entries))
}

/// Terraform's `VERSION.json` records the `h1:` it computed when it wrote the mirror, after
/// checking the package against its origin's signed checksums. A package whose hash is no
/// longer that one was changed since, and is not served.
fn mismatch(computed: &PackageHashes, recorded: Option<&Vec<String>>) -> Option<String> {
    let recorded_h1: Vec<&String> = recorded?
        .iter()
        .filter(|hash| hash.starts_with("h1:"))
        .collect();
    let matches = recorded_h1
        .iter()
        .any(|hash| **hash == computed.h1_archive || **hash == computed.h1_contents);
    (!recorded_h1.is_empty() && !matches).then(|| {
        format!(
            "its hash {} is not the {} Terraform recorded when it mirrored it; the zip changed since: mirror it again",
            computed.h1_archive,
            recorded_h1.iter().map(|hash| hash.as_str()).collect::<Vec<_>>().join(", ")
        )
    })
}

fn archives(hostname: &RegistryHostname, address: &ProviderAddress) -> Option<Vec<MirrorArchive>> {
    mirror_directory()
        .archives(hostname, address)
        .ok()
        .filter(|archives| !archives.is_empty())
}

fn not_mirrored(hostname: &RegistryHostname, address: &ProviderAddress) -> Response {
    plain_text(404, &format!("{hostname}/{address} is not mirrored here"))
}
