//! Release lookups (which asset id a package file name has), release lists and release-asset
//! bytes. A lookup is revalidated with its ETag, a list page by page (see `paged_list`); an asset's bytes never change under its id (GitHub
//! gives a re-uploaded file a new id), so small assets are kept and served from key-value.

use std::io::Read;

use component_http::ResponseBodyReader;
use github::http::{HeaderName, HeaderValue, Method};
use github::{parse_release, parse_releases, GitHubError, GitRef, Release};
use origin_cache::{CachePolicy, MAX_CACHED_BODY_BYTES};
use serde::{Deserialize, Serialize};
use spin_sdk::http::IncomingResponse;

use crate::origin_store::{Fetched, Served};
use crate::paged_list::PagedList;
use crate::repository::etag_of;
use crate::{AccessError, RepositoryAccess};

/// A file attached to a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRecord {
    pub id: u64,
    pub name: String,
    pub size: u64,
}

impl AssetRecord {
    /// Whether its bytes are kept in key-value.
    pub fn is_cacheable(&self) -> bool {
        self.size <= MAX_CACHED_BODY_BYTES as u64
    }
}

/// A published release (drafts are left out) and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRecord {
    pub tag_name: String,
    pub assets: Vec<AssetRecord>,
}

/// A release's files, as kept.
fn asset_records(release: Release) -> Vec<AssetRecord> {
    release
        .assets
        .into_iter()
        .map(|asset| AssetRecord {
            id: asset.id,
            name: asset.name,
            size: asset.size,
        })
        .collect()
}

impl RepositoryAccess<'_> {
    /// Every published release, newest first (GitHub's order).
    pub fn releases(&self) -> Result<Served<Vec<ReleaseRecord>>, AccessError> {
        let list = PagedList {
            kind: "github-releases",
            what: format!("the releases of {}", self.repository),
            first_page: |requests, repository, etag| requests.list_releases(repository, etag),
            parse: |body| {
                Ok(parse_releases(body)?
                    .into_iter()
                    .filter(|release| !release.draft)
                    .map(|release| ReleaseRecord {
                        tag_name: release.tag_name.clone(),
                        assets: asset_records(release),
                    })
                    .collect())
            },
        };
        self.paged_list(&list)
    }

    /// The assets of the release tagged `tag`.
    pub fn release_assets(&self, tag: &GitRef) -> Result<Served<Vec<AssetRecord>>, AccessError> {
        let key = self.cache_key("github-release", tag.as_str());
        let what = format!("release {tag} of {}", self.repository);
        let served = self
            .access
            .cache
            .through(&key, self.mutable_policy(), &what, |_, etag| {
                let response = self
                    .access
                    .fetch(|requests| requests.release_by_tag(self.repository, tag, etag))?;
                if response.status() == 304 {
                    return Ok(Fetched::NotModified);
                }
                let assets = asset_records(parse_release(response.body())?);
                Ok(Fetched::Changed {
                    etag: etag_of(&response),
                    body: serde_json::to_vec(&assets).map_err(|error| {
                        GitHubError::Malformed(format!("cannot keep {what}: {error}"))
                    })?,
                })
            })?;
        served.read(&what, |bytes| serde_json::from_slice(bytes).ok())
    }

    /// The whole of a small asset ([`AssetRecord::is_cacheable`]): from key-value, or
    /// downloaded once and kept.
    pub fn small_asset(&self, asset: &AssetRecord) -> Result<Vec<u8>, AccessError> {
        let key = self.cache_key("github-asset", &asset.id.to_string());
        let what = format!("{} of {}", asset.name, self.repository);
        let served = self
            .access
            .cache
            .through(&key, CachePolicy::immutable(), &what, |_, _| {
                let upstream = self.download_asset(asset.id, None, &[])?;
                let bytes = read_exactly(upstream, asset.size, &what)?;
                Ok(Fetched::Changed {
                    etag: None,
                    body: bytes,
                })
            })?;
        Ok(served.value)
    }

    /// Opens asset `asset_id` for streaming, with `method` (GET or HEAD) and the client's
    /// `Range`/`If-Range` headers passed along.
    pub fn open_asset(
        &self,
        asset_id: u64,
        method: Option<Method>,
        forwarded: &[(HeaderName, HeaderValue)],
    ) -> Result<IncomingResponse, AccessError> {
        let what = format!("asset {asset_id} of {}", self.repository);
        self.access
            .cache
            .guard(&what, || self.download_asset(asset_id, method, forwarded))
    }

    fn download_asset(
        &self,
        asset_id: u64,
        method: Option<Method>,
        forwarded: &[(HeaderName, HeaderValue)],
    ) -> Result<IncomingResponse, AccessError> {
        self.access.open_download(|requests| {
            let mut download = requests.release_asset(self.repository, asset_id)?;
            if let Some(method) = &method {
                *download.method_mut() = method.clone();
            }
            for (name, value) in forwarded {
                download.headers_mut().insert(name.clone(), value.clone());
            }
            Ok(download)
        })
    }
}

/// Reads a download that must be exactly `size` bytes (what the release said).
fn read_exactly(upstream: IncomingResponse, size: u64, what: &str) -> Result<Vec<u8>, AccessError> {
    let mut bytes = Vec::new();
    ResponseBodyReader::new(upstream)
        .and_then(|reader| reader.take(size + 1).read_to_end(&mut bytes))
        .map_err(|error| AccessError::Unreachable(format!("downloading {what} failed: {error}")))?;
    if bytes.len() as u64 != size {
        return Err(GitHubError::Malformed(format!(
            "GitHub sent {} bytes of {what}, whose release lists {size}",
            bytes.len()
        ))
        .into());
    }
    Ok(bytes)
}
