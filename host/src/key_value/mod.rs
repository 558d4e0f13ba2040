//! The key-value stores behind `fermyon:spin/key-value`, by label, as Spin configures them:
//! `default` is SQLite in the state directory unless the runtime config file says otherwise;
//! other labels exist only when the runtime config file defines them.

pub mod redis;
mod sqlite;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use crate::runtime_config::KeyValueStoreConfig;
pub use redis::RedisStore;
pub use sqlite::SqliteDatabase;

/// Spin's file name for the default store in the state directory is `sqlite_key_value.db`;
/// wharf-host has always used this one, and keeps it so existing state is not lost.
const DEFAULT_DATABASE_FILE: &str = "key_value.db";

#[derive(Debug, thiserror::Error)]
pub enum KeyValueError {
    /// The store did not answer (Redis down or unreachable); the log says why, once.
    #[error("unavailable")]
    Unavailable,
    #[error("{0}")]
    Failed(String),
}

enum Backend {
    Sqlite {
        database: SqliteDatabase,
        description: String,
    },
    Redis(Box<RedisStore>),
}

/// What a component holds after `store.open(label)`.
#[derive(Clone)]
pub struct KeyValueStore {
    label: Arc<str>,
    backend: Arc<Backend>,
}

fn sqlite_error(error: rusqlite::Error) -> KeyValueError {
    KeyValueError::Failed(error.to_string())
}

impl KeyValueStore {
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn describe(&self) -> String {
        match self.backend.as_ref() {
            Backend::Sqlite { description, .. } => description.clone(),
            Backend::Redis(redis) => redis.describe(),
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, KeyValueError> {
        match self.backend.as_ref() {
            Backend::Sqlite { database, .. } => {
                database.get(&self.label, key).map_err(sqlite_error)
            }
            Backend::Redis(redis) => redis.get(key).await,
        }
    }

    pub async fn set(&self, key: &str, value: &[u8]) -> Result<(), KeyValueError> {
        match self.backend.as_ref() {
            Backend::Sqlite { database, .. } => {
                database.set(&self.label, key, value).map_err(sqlite_error)
            }
            Backend::Redis(redis) => redis.set(key, value).await,
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), KeyValueError> {
        match self.backend.as_ref() {
            Backend::Sqlite { database, .. } => {
                database.delete(&self.label, key).map_err(sqlite_error)
            }
            Backend::Redis(redis) => redis.delete(key).await,
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool, KeyValueError> {
        match self.backend.as_ref() {
            Backend::Sqlite { database, .. } => {
                database.exists(&self.label, key).map_err(sqlite_error)
            }
            Backend::Redis(redis) => redis.exists(key).await,
        }
    }

    pub async fn keys(&self) -> Result<Vec<String>, KeyValueError> {
        match self.backend.as_ref() {
            Backend::Sqlite { database, .. } => database.keys(&self.label).map_err(sqlite_error),
            Backend::Redis(redis) => redis.keys().await,
        }
    }
}

/// Every store the application may open, by label.
pub struct KeyValueStores {
    by_label: BTreeMap<String, KeyValueStore>,
}

impl KeyValueStores {
    /// Opens the configured stores (SQLite files are opened now; Redis is connected on first
    /// use). `configured` comes from the runtime config file; `default` falls back to SQLite in
    /// `state_dir`.
    pub fn open(
        configured: &BTreeMap<String, KeyValueStoreConfig>,
        state_dir: &Path,
    ) -> anyhow::Result<Self> {
        // Stores naming the same file share one connection, as they share one table.
        let mut databases: BTreeMap<Option<PathBuf>, SqliteDatabase> = BTreeMap::new();
        let mut open_sqlite = |path: Option<&Path>| -> anyhow::Result<SqliteDatabase> {
            let key = path.map(Path::to_path_buf);
            if let Some(database) = databases.get(&key) {
                return Ok(database.clone());
            }
            let database = match path {
                Some(path) => {
                    if let Some(parent) = path.parent().filter(|parent| !parent.exists()) {
                        std::fs::create_dir_all(parent).with_context(|| {
                            format!("cannot create directory {}", parent.display())
                        })?;
                    }
                    SqliteDatabase::open(path).with_context(|| {
                        format!(
                            "cannot open SQLite file {} (one wharf-host per file: is another \
                             running with this state directory or runtime config?)",
                            path.display()
                        )
                    })?
                }
                None => SqliteDatabase::in_memory().context("cannot open an in-memory SQLite")?,
            };
            databases.insert(key, database.clone());
            Ok(database)
        };

        let mut stores = configured.clone();
        stores
            .entry("default".to_owned())
            .or_insert_with(|| KeyValueStoreConfig::Sqlite {
                path: Some(state_dir.join(DEFAULT_DATABASE_FILE)),
            });
        let mut by_label = BTreeMap::new();
        for (label, config) in stores {
            let backend = match &config {
                KeyValueStoreConfig::Sqlite { path } => Backend::Sqlite {
                    database: open_sqlite(path.as_deref())
                        .with_context(|| format!("key-value store '{label}'"))?,
                    description: match path {
                        Some(path) => format!("SQLite file {}", path.display()),
                        None => "SQLite in memory".to_owned(),
                    },
                },
                KeyValueStoreConfig::Redis { url } => Backend::Redis(Box::new(
                    RedisStore::new(&label, url)
                        .map_err(|reason| anyhow::anyhow!("key-value store '{label}': {reason}"))?,
                )),
            };
            by_label.insert(
                label.clone(),
                KeyValueStore {
                    label: label.as_str().into(),
                    backend: Arc::new(backend),
                },
            );
        }
        Ok(Self { by_label })
    }

    pub fn get(&self, label: &str) -> Option<&KeyValueStore> {
        self.by_label.get(label)
    }

    /// Connects to each Redis store once, so one that is not reachable is reported at start
    /// (not fatal: Redis may come up after wharf-host, and is retried on use).
    pub async fn check_reachable(&self) {
        for store in self.by_label.values() {
            if let Backend::Redis(redis) = store.backend.as_ref() {
                let _ = redis.check().await;
            }
        }
    }

    /// One line for the start banner: `default: Redis at 127.0.0.1:6379`.
    pub fn summary(&self) -> String {
        self.by_label
            .values()
            .map(|store| format!("{}: {}", store.label, store.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_default_store_is_sqlite_in_the_state_directory() {
        let state = tempfile::tempdir().unwrap();
        let stores = KeyValueStores::open(&BTreeMap::new(), state.path()).unwrap();
        let default = stores.get("default").expect("default exists");
        default.set("k", b"v").await.unwrap();
        assert!(state.path().join(DEFAULT_DATABASE_FILE).exists());
        assert_eq!(
            stores.summary().matches(": SQLite file").count(),
            1,
            "only default"
        );
        assert!(stores.get("other").is_none());
    }

    #[tokio::test]
    async fn runtime_config_stores_replace_the_default_and_add_labels() {
        let state = tempfile::tempdir().unwrap();
        let elsewhere = state.path().join("nested/elsewhere.db");
        let configured = BTreeMap::from([
            (
                "default".to_owned(),
                KeyValueStoreConfig::Sqlite {
                    path: Some(elsewhere.clone()),
                },
            ),
            (
                "scratch".to_owned(),
                KeyValueStoreConfig::Sqlite { path: None },
            ),
        ]);
        let stores = KeyValueStores::open(&configured, state.path()).unwrap();
        stores.get("default").unwrap().set("k", b"v").await.unwrap();
        assert!(elsewhere.exists(), "the configured file holds the default");
        assert!(!state.path().join(DEFAULT_DATABASE_FILE).exists());
        let scratch = stores.get("scratch").unwrap();
        assert_eq!(scratch.get("k").await.unwrap(), None, "a separate store");
        assert_eq!(scratch.describe(), "SQLite in memory");
    }

    #[tokio::test]
    async fn an_unreachable_redis_fails_fast_with_unavailable() {
        // Nothing listens on port 9 of loopback: refused at once, never a hang.
        let configured = BTreeMap::from([(
            "default".to_owned(),
            KeyValueStoreConfig::Redis {
                url: "redis://127.0.0.1:9".to_owned(),
            },
        )]);
        let state = tempfile::tempdir().unwrap();
        let stores = KeyValueStores::open(&configured, state.path()).unwrap();
        let started = std::time::Instant::now();
        let error = stores.get("default").unwrap().get("k").await.unwrap_err();
        assert!(matches!(error, KeyValueError::Unavailable), "{error}");
        assert!(started.elapsed() < std::time::Duration::from_secs(4));
    }
}
