//! Verdicts on GitHub releases, remembered in key-value: checking a release costs two or three
//! asset downloads and a signature check, and its verdict depends only on those assets (a
//! replaced asset gets a new id) and the trusted keys. One entry per repository, so listing a
//! provider's versions costs one key-value read however many releases it has.

use std::collections::BTreeMap;

use github_access::github::Repository;
use serde::{Deserialize, Serialize};
use spin_sdk::key_value::Store;
use terraform_providers::VerifiedFiles;

/// Spin's default store takes values up to 1 MB; stay clear of it.
const MAX_ENTRY_BYTES: usize = 900 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Verdict {
    Verified(VerifiedFiles),
    Refused(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Entry {
    keys: String,
    verdicts: BTreeMap<String, Verdict>,
}

pub struct VerdictCache {
    store: Option<Store>,
    key: String,
    entry: Entry,
    used: Vec<String>,
    changed: bool,
}

impl VerdictCache {
    /// The verdicts remembered for `repository` with this key set (`keys_digest`); verdicts
    /// reached with other keys are dropped.
    pub fn load(repository: &Repository, keys_digest: &str) -> Self {
        let key = format!(
            "v1/provider-verdicts/{}/{}",
            repository.owner().to_ascii_lowercase(),
            repository.name().to_ascii_lowercase()
        );
        let store = Store::open_default()
            .map_err(|error| {
                eprintln!(
                    "key-value store unavailable, provider verdicts are not remembered: {error}"
                )
            })
            .ok();
        let entry = store
            .as_ref()
            .and_then(|store| store.get(&key).ok().flatten())
            .and_then(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
            .filter(|entry| entry.keys == keys_digest)
            .unwrap_or_else(|| Entry {
                keys: keys_digest.to_owned(),
                verdicts: BTreeMap::new(),
            });
        Self {
            store,
            key,
            entry,
            used: Vec::new(),
            changed: false,
        }
    }

    /// The remembered verdict for a release's files (`Err` holds a refusal's message).
    pub fn get(&mut self, files: &str) -> Option<Result<VerifiedFiles, String>> {
        self.used.push(files.to_owned());
        self.entry.verdicts.get(files).map(|verdict| match verdict {
            Verdict::Verified(verified) => Ok(verified.clone()),
            Verdict::Refused(reason) => Err(reason.clone()),
        })
    }

    /// Remembers a verdict.
    pub fn put(&mut self, files: &str, verdict: Result<&VerifiedFiles, String>) {
        self.used.push(files.to_owned());
        let verdict = match verdict {
            Ok(verified) => Verdict::Verified(verified.clone()),
            Err(reason) => Verdict::Refused(reason),
        };
        self.entry.verdicts.insert(files.to_owned(), verdict);
        self.changed = true;
    }

    /// Writes the entry back if it changed, without verdicts of releases that are gone.
    pub fn save(mut self) {
        let before = self.entry.verdicts.len();
        let used = std::mem::take(&mut self.used);
        self.entry.verdicts.retain(|files, _| used.contains(files));
        if !self.changed && self.entry.verdicts.len() == before {
            return;
        }
        let Some(store) = &self.store else {
            return;
        };
        match serde_json::to_vec(&self.entry) {
            Ok(bytes) if bytes.len() <= MAX_ENTRY_BYTES => {
                if let Err(error) = store.set(&self.key, &bytes) {
                    eprintln!("cannot remember provider verdicts under {}: {error}", self.key);
                }
            }
            Ok(bytes) => eprintln!(
                "provider verdicts for {} take {} bytes, more than key-value holds; they are not remembered",
                self.key,
                bytes.len()
            ),
            Err(error) => eprintln!("cannot encode provider verdicts: {error}"),
        }
    }
}
