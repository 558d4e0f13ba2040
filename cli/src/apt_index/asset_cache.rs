//! What earlier runs learned about each GitHub asset (its control fields and digests), so a
//! re-run downloads only assets it has not seen. Kept in the output directory under `.wharf/`,
//! committed with the index, so CI runs share it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use debian::{ControlParagraph, DebPackage, FileDigests};
use serde::{Deserialize, Serialize};

use crate::atomic_file::write_atomically;

#[derive(Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    assets: BTreeMap<String, CachedAsset>,
}

#[derive(Clone, Serialize, Deserialize)]
struct CachedAsset {
    size: u64,
    control: String,
    md5: String,
    sha1: String,
    sha256: String,
    sha512: String,
}

pub struct AssetCache {
    path: PathBuf,
    file: CacheFile,
    used: BTreeMap<String, CachedAsset>,
}

/// 2: control files are kept byte for byte (blanks inside values), Latin-1 ones transcoded;
/// a cache written by version 1 is dropped, so every asset is read once more.
const FORMAT_VERSION: u32 = 2;

impl AssetCache {
    pub fn load(output: &Path) -> anyhow::Result<Self> {
        let path = output.join(".wharf/assets.json");
        let file = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<CacheFile>(&bytes)
                .ok()
                .filter(|file| file.version == FORMAT_VERSION)
                .unwrap_or_default(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => CacheFile::default(),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()))
            }
        };
        Ok(Self {
            path,
            file,
            used: BTreeMap::new(),
        })
    }

    /// The package for an asset seen before with the same size.
    pub fn get(&mut self, key: &str, size: u64) -> Option<DebPackage> {
        let cached = self
            .file
            .assets
            .get(key)
            .filter(|cached| cached.size == size)?
            .clone();
        let control = ControlParagraph::parse(&cached.control).ok()?;
        let digests = FileDigests {
            size: cached.size,
            md5: cached.md5.clone(),
            sha1: cached.sha1.clone(),
            sha256: cached.sha256.clone(),
            sha512: cached.sha512.clone(),
        };
        let package = DebPackage::from_parts(control, digests).ok()?;
        self.used.insert(key.to_owned(), cached);
        Some(package)
    }

    pub fn remember(&mut self, key: &str, package: &DebPackage) {
        let digests = package.digests();
        self.used.insert(
            key.to_owned(),
            CachedAsset {
                size: digests.size,
                control: package.control().to_string(),
                md5: digests.md5.clone(),
                sha1: digests.sha1.clone(),
                sha256: digests.sha256.clone(),
                sha512: digests.sha512.clone(),
            },
        );
    }

    /// Saves what this run used: assets that disappeared from GitHub drop out of the cache.
    pub fn save(self) -> anyhow::Result<()> {
        let file = CacheFile {
            version: FORMAT_VERSION,
            assets: self.used,
        };
        let bytes = serde_json::to_vec_pretty(&file)?;
        write_atomically(&self.path, |output| Ok(output.write_all(&bytes)?))
    }
}
