//! Compiled components kept between starts, so a warm start serves in well under a second
//! instead of compiling every component again (seconds on a small machine).
//!
//! An entry is wasmtime's own serialization of a compiled component, keyed by the SHA-256 of
//! the component's bytes (after composition) and of the engine's compilation settings
//! (`Engine::precompile_compatibility_hash`, which covers wasmtime's version too). Each file
//! starts with a header wharf-host writes: a magic string, the key, and the SHA-256 and length
//! of the payload. A file that does not match all of them (truncated, corrupted, from another
//! engine or another program) is compiled again and replaced, never loaded. Files are written
//! to a temporary name and renamed, so a crash never leaves half an entry under a real name.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

const MAGIC: &[u8; 16] = b"wharf-host-cwsm1";
const HEADER_LENGTH: usize = MAGIC.len() + 32 + 32 + 8;
/// Entries no start has used for this long belong to components or engines long replaced.
const UNUSED_ENTRY_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// How one component was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Deserialized from a valid entry; no compilation.
    Loaded,
    /// Compiled; `stored` says whether the entry was written for next time.
    Compiled {
        discarded: Option<String>,
        stored: Result<(), String>,
    },
}

pub struct CompileCache {
    directory: PathBuf,
}

/// Feeds `Hash` implementations into SHA-256, so the engine's compatibility hash can be part of
/// a key that is stable across runs (std's hashers are not meant to be).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        // Never used: the digest is read with `finalize`.
        0
    }
}

fn cache_key(engine: &Engine, component: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256Hasher(Sha256::new());
    hasher.write(MAGIC);
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.write(&(component.len() as u64).to_le_bytes());
    hasher.write(component);
    hasher.0.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Checks everything wharf-host wrote into the header and returns the payload: the only bytes
/// that may reach `deserialize_own_artifact`.
fn verified_payload<'a>(file: &'a [u8], key: &[u8; 32]) -> Result<&'a [u8], String> {
    let header = file.get(..HEADER_LENGTH).ok_or("shorter than its header")?;
    let (magic, rest) = header.split_at(MAGIC.len());
    let (stored_key, rest) = rest.split_at(32);
    let (checksum, length) = rest.split_at(32);
    if magic != MAGIC {
        return Err("not a wharf-host cache file".to_owned());
    }
    if stored_key != key {
        return Err("written for another component or engine".to_owned());
    }
    let payload = &file[HEADER_LENGTH..];
    let length: [u8; 8] = length.try_into().map_err(|_| "malformed header")?;
    if u64::from_le_bytes(length) != payload.len() as u64 {
        return Err("truncated or extended".to_owned());
    }
    if Sha256::digest(payload).as_slice() != checksum {
        return Err("checksum mismatch".to_owned());
    }
    Ok(payload)
}

/// Loads a component that this program compiled and wrote into its own cache directory.
///
/// `Component::deserialize` is `unsafe` because it takes the bytes as machine code without
/// checking them: bytes wasmtime did not produce could do anything. These bytes are ones
/// wharf-host serialized itself into its state directory, which it trusts as it trusts its own
/// binary (Spin and wasmtime's own cache do the same), and `verified_payload` has checked them
/// against the header wharf-host wrote (magic, key, length, SHA-256), so a truncated, corrupted
/// or foreign file never reaches this call. wasmtime still checks its own header (version and
/// engine settings) and refuses a mismatch with an error, which is handled as a cache miss.
#[allow(unsafe_code)]
fn deserialize_own_artifact(engine: &Engine, payload: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: the payload was written by `store` in this module from `Component::serialize`
    // and verified byte for byte by `verified_payload` (see above).
    unsafe { Component::deserialize(engine, payload) }
}

impl CompileCache {
    pub fn new(directory: PathBuf) -> Self {
        Self { directory }
    }

    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The compiled component for `bytes`, from the cache when a valid entry exists.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
    ) -> anyhow::Result<(Component, CacheOutcome)> {
        let key = cache_key(engine, bytes);
        let path = self.directory.join(format!("{}.cwasm", hex(&key)));
        let discarded = match fs::read(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => Some(format!("unreadable: {error}")),
            Ok(file) => match verified_payload(&file, &key) {
                Err(reason) => Some(reason),
                Ok(payload) => match deserialize_own_artifact(engine, payload) {
                    Ok(component) => {
                        // Marks the entry as in use, for `remove_unused`.
                        let _ = fs::File::options()
                            .append(true)
                            .open(&path)
                            .and_then(|file| file.set_modified(SystemTime::now()));
                        return Ok((component, CacheOutcome::Loaded));
                    }
                    Err(error) => Some(format!("refused by wasmtime: {error}")),
                },
            },
        };
        let component = Component::new(engine, bytes)
            .map_err(anyhow::Error::from)
            .context("cannot compile it")?;
        let stored = component
            .serialize()
            .map_err(|error| format!("cannot serialize it: {error}"))
            .and_then(|payload| {
                self.store(&path, &key, &payload)
                    .map_err(|error| format!("{error:#}"))
            });
        Ok((component, CacheOutcome::Compiled { discarded, stored }))
    }

    fn store(&self, path: &Path, key: &[u8; 32], payload: &[u8]) -> anyhow::Result<()> {
        create_private_directory(&self.directory)?;
        let temporary =
            self.directory
                .join(format!(".{}.{}.tmp", hex(&key[..8]), std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(MAGIC)?;
            file.write_all(key)?;
            file.write_all(&Sha256::digest(payload))?;
            file.write_all(&(payload.len() as u64).to_le_bytes())?;
            file.write_all(payload)?;
            file.sync_all()?;
            fs::rename(&temporary, path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written.with_context(|| format!("cannot write {}", path.display()))
    }

    /// Removes entries no start has used for a month (replaced components, older engines).
    pub fn remove_unused(&self) {
        let Ok(entries) = fs::read_dir(&self.directory) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.map_while(Result::ok) {
            let path = entry.path();
            let is_entry = path
                .extension()
                .is_some_and(|extension| extension == "cwasm");
            let age = entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok());
            if is_entry && age.is_some_and(|age| age > UNUSED_ENTRY_LIFETIME) {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// The cache holds machine code that wharf-host will run: only its owner may write there.
fn create_private_directory(directory: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(directory)
        .with_context(|| format!("cannot create {}", directory.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid component: compiling it is quick, and it exercises the whole path.
    const EMPTY_COMPONENT: &[u8] = &[0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

    fn engine() -> Engine {
        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        Engine::new(&config).expect("engine")
    }

    fn the_only_entry(directory: &Path) -> PathBuf {
        let entries: Vec<PathBuf> = fs::read_dir(directory)
            .expect("cache directory")
            .map(|entry| entry.expect("entry").path())
            .collect();
        assert_eq!(entries.len(), 1, "{entries:?}");
        entries[0].clone()
    }

    #[test]
    fn a_second_load_uses_the_entry_the_first_wrote() {
        let directory = tempfile::tempdir().expect("dir");
        let cache = CompileCache::new(directory.path().join("compiled"));
        let engine = engine();
        let (_, first) = cache
            .load_or_compile(&engine, EMPTY_COMPONENT)
            .expect("first");
        assert_eq!(
            first,
            CacheOutcome::Compiled {
                discarded: None,
                stored: Ok(())
            }
        );
        let (_, second) = cache
            .load_or_compile(&engine, EMPTY_COMPONENT)
            .expect("second");
        assert_eq!(second, CacheOutcome::Loaded);
        let entry = the_only_entry(&directory.path().join("compiled"));
        assert!(entry.to_string_lossy().ends_with(".cwasm"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(directory.path().join("compiled"))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o077,
                0,
                "only the owner may write machine code there"
            );
        }
    }

    #[test]
    fn corrupt_truncated_or_foreign_entries_are_recompiled_not_loaded() {
        let engine = engine();
        type Damage = fn(&mut Vec<u8>);
        let damages: [(&str, Damage, &str); 4] = [
            (
                "flipped byte",
                |file| *file.last_mut().expect("payload") ^= 0xff,
                "checksum mismatch",
            ),
            (
                "truncated",
                |file| file.truncate(file.len() - 10),
                "truncated or extended",
            ),
            (
                "foreign",
                |file| file[0] = b'X',
                "not a wharf-host cache file",
            ),
            ("empty", |file| file.clear(), "shorter than its header"),
        ];
        for (name, damage, reason) in damages {
            let directory = tempfile::tempdir().expect("dir");
            let cache = CompileCache::new(directory.path().to_owned());
            cache
                .load_or_compile(&engine, EMPTY_COMPONENT)
                .expect("compile");
            let entry = the_only_entry(directory.path());
            let mut file = fs::read(&entry).expect("read");
            damage(&mut file);
            fs::write(&entry, &file).expect("write");

            let (_, outcome) = cache.load_or_compile(&engine, EMPTY_COMPONENT).expect(name);
            assert_eq!(
                outcome,
                CacheOutcome::Compiled {
                    discarded: Some(reason.to_owned()),
                    stored: Ok(())
                },
                "{name}"
            );
            let (_, healed) = cache.load_or_compile(&engine, EMPTY_COMPONENT).expect(name);
            assert_eq!(
                healed,
                CacheOutcome::Loaded,
                "{name}: the entry was replaced"
            );
        }
    }

    #[test]
    fn an_entry_for_another_component_under_this_name_is_refused() {
        let engine = engine();
        let directory = tempfile::tempdir().expect("dir");
        let cache = CompileCache::new(directory.path().to_owned());
        cache
            .load_or_compile(&engine, EMPTY_COMPONENT)
            .expect("compile");
        let entry = the_only_entry(directory.path());
        let file = fs::read(&entry).expect("read");
        let other_key = [7u8; 32];
        assert_eq!(
            verified_payload(&file, &other_key).err().as_deref(),
            Some("written for another component or engine")
        );
    }

    #[test]
    fn a_payload_wasmtime_did_not_write_is_refused_even_with_a_valid_header() {
        let engine = engine();
        let directory = tempfile::tempdir().expect("dir");
        let cache = CompileCache::new(directory.path().to_owned());
        let key = cache_key(&engine, EMPTY_COMPONENT);
        let path = directory.path().join(format!("{}.cwasm", hex(&key)));
        cache
            .store(&path, &key, b"not machine code wasmtime wrote")
            .expect("store");
        let (_, outcome) = cache
            .load_or_compile(&engine, EMPTY_COMPONENT)
            .expect("compiles");
        match outcome {
            CacheOutcome::Compiled {
                discarded: Some(reason),
                stored: Ok(()),
            } => assert!(reason.starts_with("refused by wasmtime"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unwritable_cache_still_serves_and_says_why() {
        let engine = engine();
        let directory = tempfile::tempdir().expect("dir");
        let blocked = directory.path().join("not-a-directory");
        fs::write(&blocked, b"a file where the cache directory should be").expect("write");
        let cache = CompileCache::new(blocked);
        let (_, outcome) = cache
            .load_or_compile(&engine, EMPTY_COMPONENT)
            .expect("compiles");
        match outcome {
            CacheOutcome::Compiled {
                stored: Err(reason),
                ..
            } => assert!(reason.contains("cannot create"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
