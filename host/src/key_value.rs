//! The SQLite file behind `fermyon:spin/key-value` (like Spin's default store in `.spin/`).

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

/// One SQLite database shared by all requests; each store label is a namespace in it.
#[derive(Clone)]
pub struct KeyValueDatabase {
    connection: Arc<Mutex<Connection>>,
}

impl KeyValueDatabase {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let connection = Connection::open(path)?;
        // WAL keeps readers from waiting for a writer; the busy timeout covers writer contention.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.execute(
            "CREATE TABLE IF NOT EXISTS spin_key_value (
                store TEXT NOT NULL,
                key   TEXT NOT NULL,
                value BLOB NOT NULL,
                PRIMARY KEY (store, key)
            )",
            (),
        )?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    pub fn store(&self, label: &str) -> KeyValueStoreHandle {
        KeyValueStoreHandle {
            database: self.clone(),
            label: label.to_owned(),
        }
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each call is one
        // statement), so a poisoned lock is still safe to use.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What a component holds after `store.open(label)`.
pub struct KeyValueStoreHandle {
    database: KeyValueDatabase,
    label: String,
}

impl KeyValueStoreHandle {
    pub fn get(&self, key: &str) -> rusqlite::Result<Option<Vec<u8>>> {
        self.database
            .connection()
            .query_row(
                "SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2",
                (&self.label, key),
                |row| row.get(0),
            )
            .optional()
    }

    pub fn set(&self, key: &str, value: &[u8]) -> rusqlite::Result<()> {
        self.database.connection().execute(
            "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
            (&self.label, key, value),
        )?;
        Ok(())
    }

    pub fn delete(&self, key: &str) -> rusqlite::Result<()> {
        self.database.connection().execute(
            "DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2",
            (&self.label, key),
        )?;
        Ok(())
    }

    pub fn exists(&self, key: &str) -> rusqlite::Result<bool> {
        Ok(self.get(key)?.is_some())
    }

    pub fn keys(&self) -> rusqlite::Result<Vec<String>> {
        let connection = self.database.connection();
        let mut statement =
            connection.prepare("SELECT key FROM spin_key_value WHERE store = ?1 ORDER BY key")?;
        let keys = statement
            .query_map([&self.label], |row| row.get(0))?
            .collect();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_reopening_the_file() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("kv.db");
        {
            let store = KeyValueDatabase::open(&path).unwrap().store("default");
            store.set("a", b"1").unwrap();
            store.set("a", b"2").unwrap();
            store.set("b", b"3").unwrap();
            store.delete("b").unwrap();
        }
        let store = KeyValueDatabase::open(&path).unwrap().store("default");
        assert_eq!(store.get("a").unwrap(), Some(b"2".to_vec()));
        assert_eq!(store.get("b").unwrap(), None);
        assert!(store.exists("a").unwrap());
        assert_eq!(store.keys().unwrap(), vec!["a".to_owned()]);
    }

    #[test]
    fn labels_are_separate_namespaces() {
        let directory = tempfile::tempdir().unwrap();
        let database = KeyValueDatabase::open(&directory.path().join("kv.db")).unwrap();
        database.store("one").set("k", b"1").unwrap();
        assert_eq!(database.store("two").get("k").unwrap(), None);
        assert_eq!(database.store("one").get("k").unwrap(), Some(b"1".to_vec()));
    }
}
