//! An in-memory store with Spin's semantics, for native tests and benchmarks of anything that
//! keeps state in key-value. It counts what it is asked to do, so a test can state what a
//! request costs.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::store::KeyValueStore;

/// A thread-safe map; each operation is atomic, like one SQLite statement in Spin's store.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
    reads: AtomicUsize,
    writes: AtomicUsize,
    deletes: AtomicUsize,
    listings: AtomicUsize,
}

/// How many operations a [`MemoryStore`] served.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreOperations {
    /// `get` calls.
    pub reads: usize,
    /// `set` calls.
    pub writes: usize,
    /// `delete` calls.
    pub deletes: usize,
    /// `keys` calls.
    pub listings: usize,
}

impl MemoryStore {
    fn entries(&self) -> MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // Each operation leaves the map consistent, so a panic elsewhere cannot poison it.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many keys the store holds.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether the store holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    /// Operations served so far.
    pub fn operations(&self) -> StoreOperations {
        StoreOperations {
            reads: self.reads.load(Ordering::SeqCst),
            writes: self.writes.load(Ordering::SeqCst),
            deletes: self.deletes.load(Ordering::SeqCst),
            listings: self.listings.load(Ordering::SeqCst),
        }
    }
}

impl StoreOperations {
    /// The operations between `earlier` and this count.
    pub fn since(self, earlier: StoreOperations) -> StoreOperations {
        StoreOperations {
            reads: self.reads - earlier.reads,
            writes: self.writes - earlier.writes,
            deletes: self.deletes - earlier.deletes,
            listings: self.listings - earlier.listings,
        }
    }
}

impl KeyValueStore for MemoryStore {
    type Error = Infallible;

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Infallible> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.entries().get(key).cloned())
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), Infallible> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.entries().insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), Infallible> {
        self.deletes.fetch_add(1, Ordering::SeqCst);
        self.entries().remove(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, Infallible> {
        self.listings.fetch_add(1, Ordering::SeqCst);
        Ok(self.entries().keys().cloned().collect())
    }
}
