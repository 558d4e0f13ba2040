//! The hashes of a mirror's packages, remembered in key-value: computing them reads and
//! unpacks every zip, which for large providers takes seconds. An entry is keyed by the file's
//! size and modification time, so a replaced zip is hashed again.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use spin_sdk::key_value::Store;
use terraform_providers::{
    PackageHashError, PackageHashes, ProviderAddress, ProviderVersion, RegistryHostname,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Remembered {
    size: u64,
    modified_nanos: u128,
    h1_contents: String,
    h1_archive: String,
    zh: String,
}

/// The remembered hashes of one mirrored version's packages.
pub struct MirrorHashes {
    store: Option<Store>,
    key: String,
    entries: BTreeMap<String, Remembered>,
    changed: bool,
}

impl MirrorHashes {
    /// One key-value read for the version's packages.
    pub fn load(
        hostname: &RegistryHostname,
        address: &ProviderAddress,
        version: &ProviderVersion,
    ) -> Self {
        let key = format!("v1/provider-mirror-hashes/{hostname}/{address}/{version}");
        let store = Store::open_default()
            .map_err(|error| {
                eprintln!("key-value store unavailable, mirror hashes are not remembered: {error}")
            })
            .ok();
        let entries = store
            .as_ref()
            .and_then(|store| store.get(&key).ok().flatten())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Self {
            store,
            key,
            entries,
            changed: false,
        }
    }

    /// The package's hashes, remembered if the file is unchanged, computed otherwise.
    pub fn of(&mut self, file_name: &str, path: &Path) -> Result<PackageHashes, PackageHashError> {
        let file = std::fs::File::open(path)?;
        let metadata = file.metadata()?;
        let modified_nanos = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|since| since.as_nanos());
        if let (Some(modified_nanos), Some(known)) = (modified_nanos, self.entries.get(file_name)) {
            if known.size == metadata.len() && known.modified_nanos == modified_nanos {
                return Ok(PackageHashes {
                    h1_contents: known.h1_contents.clone(),
                    h1_archive: known.h1_archive.clone(),
                    zh: known.zh.clone(),
                });
            }
        }
        let started = std::time::Instant::now();
        let hashes = PackageHashes::of_zip(std::io::BufReader::with_capacity(64 * 1024, file))?;
        eprintln!(
            "{}: hashed {file_name} ({} bytes) in {} ms",
            self.key,
            metadata.len(),
            started.elapsed().as_millis()
        );
        // Without a modification time a replaced file could not be told apart: do not remember.
        if let Some(modified_nanos) = modified_nanos {
            self.entries.insert(
                file_name.to_owned(),
                Remembered {
                    size: metadata.len(),
                    modified_nanos,
                    h1_contents: hashes.h1_contents.clone(),
                    h1_archive: hashes.h1_archive.clone(),
                    zh: hashes.zh.clone(),
                },
            );
            self.changed = true;
        }
        Ok(hashes)
    }

    /// Writes newly computed hashes back.
    pub fn save(self) {
        if !self.changed {
            return;
        }
        let Some(store) = &self.store else {
            return;
        };
        match serde_json::to_vec(&self.entries) {
            Ok(bytes) => {
                if let Err(error) = store.set(&self.key, &bytes) {
                    eprintln!("cannot remember mirror hashes under {}: {error}", self.key);
                }
            }
            Err(error) => eprintln!("cannot encode mirror hashes: {error}"),
        }
    }
}
