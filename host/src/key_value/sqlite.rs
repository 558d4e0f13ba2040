//! Spin's SQLite key-value store (runtime config `type = "spin"`, and the `default` store in the
//! state directory): the same table Spin uses, so the file means the same thing to both.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

/// One SQLite database shared by all requests; each store label is a namespace in it (Spin's
/// `store` column).
#[derive(Clone)]
pub struct SqliteDatabase {
    connection: Arc<Mutex<Connection>>,
}

impl SqliteDatabase {
    pub fn open(path: &Path) -> rusqlite::Result<Self> {
        let connection = Connection::open(path)?;
        // This process is the file's only user (one wharf-host per state directory; replicas
        // share Redis, not SQLite), so it takes the lock once and keeps it. Otherwise every
        // read locks, checks the file for other writers and unlocks: four system calls on
        // each authenticated request. A second process on the same file now waits out the
        // busy timeout and fails, rather than sharing it. Set before WAL is first used, so no
        // shared-memory index is kept either.
        connection.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        // WAL keeps a write from rewriting pages in place (one append per write).
        connection.pragma_update(None, "journal_mode", "WAL")?;
        Self::prepare(connection)
    }

    /// A `type = "spin"` store without a `path`: in memory, gone when wharf-host stops (as in
    /// Spin).
    pub fn in_memory() -> rusqlite::Result<Self> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(connection: Connection) -> rusqlite::Result<Self> {
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

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each call is one
        // statement), so a poisoned lock is still safe to use.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, label: &str, key: &str) -> rusqlite::Result<Option<Vec<u8>>> {
        // Cached statements: parsing the SQL again cost more than the lookup itself.
        self.connection()
            .prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")?
            .query_row((label, key), |row| row.get(0))
            .optional()
    }

    pub fn set(&self, label: &str, key: &str, value: &[u8]) -> rusqlite::Result<()> {
        self.connection()
            .prepare_cached(
                "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
            )?
            .execute((label, key, value))?;
        Ok(())
    }

    pub fn delete(&self, label: &str, key: &str) -> rusqlite::Result<()> {
        self.connection()
            .prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?
            .execute((label, key))?;
        Ok(())
    }

    pub fn exists(&self, label: &str, key: &str) -> rusqlite::Result<bool> {
        Ok(self.get(label, key)?.is_some())
    }

    pub fn keys(&self, label: &str) -> rusqlite::Result<Vec<String>> {
        let connection = self.connection();
        let mut statement =
            connection.prepare("SELECT key FROM spin_key_value WHERE store = ?1 ORDER BY key")?;
        let keys = statement.query_map([label], |row| row.get(0))?.collect();
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
            let database = SqliteDatabase::open(&path).unwrap();
            database.set("default", "a", b"1").unwrap();
            database.set("default", "a", b"2").unwrap();
            database.set("default", "b", b"3").unwrap();
            database.delete("default", "b").unwrap();
        }
        let database = SqliteDatabase::open(&path).unwrap();
        assert_eq!(database.get("default", "a").unwrap(), Some(b"2".to_vec()));
        assert_eq!(database.get("default", "b").unwrap(), None);
        assert!(database.exists("default", "a").unwrap());
        assert_eq!(database.keys("default").unwrap(), vec!["a".to_owned()]);
    }

    #[test]
    fn labels_are_separate_namespaces() {
        let directory = tempfile::tempdir().unwrap();
        let database = SqliteDatabase::open(&directory.path().join("kv.db")).unwrap();
        database.set("one", "k", b"1").unwrap();
        assert_eq!(database.get("two", "k").unwrap(), None);
        assert_eq!(database.get("one", "k").unwrap(), Some(b"1".to_vec()));
    }

    #[test]
    fn an_in_memory_store_works_without_a_file() {
        let database = SqliteDatabase::in_memory().unwrap();
        database.set("x", "k", b"v").unwrap();
        assert_eq!(database.get("x", "k").unwrap(), Some(b"v".to_vec()));
    }
}
