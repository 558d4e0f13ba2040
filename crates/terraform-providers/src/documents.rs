//! The JSON answers of the provider registry protocol (`providers.v1`) and of the provider
//! network mirror protocol, with every field Terraform reads
//! (`internal/getproviders/registry_client.go`, `http_mirror_source.go`).

use serde_json::{json, Value};

use crate::{OfferedArchive, OfferedRelease, Platform, ProviderVersion, TrustedKey};

/// `GET /v1/providers/{namespace}/{type}/versions`: the offered releases, newest first, and
/// `warnings` (Terraform shows them to the user) when some releases are not offered.
pub fn versions_document(releases: &[OfferedRelease], warnings: &[String]) -> String {
    let mut ordered: Vec<&OfferedRelease> = releases.iter().collect();
    ordered.sort_by(|a, b| b.version.cmp(&a.version));
    let versions: Vec<Value> = ordered
        .iter()
        .map(|release| {
            json!({
                "version": release.version.to_string(),
                "protocols": release.protocols,
                "platforms": release
                    .archives
                    .iter()
                    .map(|archive| json!({ "os": archive.platform.os(), "arch": archive.platform.arch() }))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut document = json!({ "versions": versions });
    if !warnings.is_empty() {
        document["warnings"] = json!(warnings);
    }
    document.to_string()
}

/// Where Terraform fetches a package and the files that authenticate it. Terraform sends no
/// credentials to any of them, so each is a signed, short-lived URL; relative URLs are
/// resolved against the download request's URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadUrls {
    /// The zip.
    pub archive: String,
    /// `SHA256SUMS`.
    pub checksums: String,
    /// `SHA256SUMS.sig`.
    pub signature: String,
}

/// `GET /v1/providers/{namespace}/{type}/{version}/download/{os}/{arch}`.
pub fn download_document(
    release: &OfferedRelease,
    archive: &OfferedArchive,
    urls: &DownloadUrls,
    signed_by: &TrustedKey,
) -> String {
    json!({
        "protocols": release.protocols,
        "os": archive.platform.os(),
        "arch": archive.platform.arch(),
        "filename": archive.file_name,
        "download_url": urls.archive,
        "shasums_url": urls.checksums,
        "shasums_signature_url": urls.signature,
        "shasum": archive.sha256,
        "signing_keys": {
            "gpg_public_keys": [{
                "key_id": signed_by.key_id(),
                "ascii_armor": signed_by.armored(),
                "trust_signature": "",
                "source": "wharf",
                "source_url": null,
            }]
        }
    })
    .to_string()
}

/// A network mirror's `…/{hostname}/{namespace}/{type}/index.json`: `{"versions": {"1.0.0": {}}}`.
pub fn mirror_index_document<'v>(
    versions: impl IntoIterator<Item = &'v ProviderVersion>,
) -> String {
    let listed: serde_json::Map<String, Value> = versions
        .into_iter()
        .map(|version| (version.to_string(), json!({})))
        .collect();
    json!({ "versions": listed }).to_string()
}

/// One package in a network mirror's version document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorArchiveEntry {
    /// The platform.
    pub platform: Platform,
    /// Where to download it, relative to the version document's URL.
    pub url: String,
    /// Its hashes in Terraform's notation (`h1:…`, `zh:…`).
    pub hashes: Vec<String>,
}

/// A network mirror's `…/{hostname}/{namespace}/{type}/{version}.json`:
/// `{"archives": {"linux_amd64": {"url": "…", "hashes": ["h1:…", "zh:…"]}}}`.
pub fn mirror_version_document(archives: &[MirrorArchiveEntry]) -> String {
    let listed: serde_json::Map<String, Value> = archives
        .iter()
        .map(|archive| {
            (
                archive.platform.to_string(),
                json!({ "url": archive.url, "hashes": archive.hashes }),
            )
        })
        .collect();
    json!({ "archives": listed }).to_string()
}
