//! Removing expired entries, a bounded number per call.

use std::collections::HashMap;

use crate::expiry_record::{ExpiryRecord, Kind};
use crate::store::KeyValueStore;

/// Most deletions one sweep makes. Each write adds at most two keys, so a sweep after each
/// write removes expired keys many times faster than they can appear, while one request never
/// pays for more than this many deletes.
pub const SWEEP_BUDGET: usize = 32;

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Keys deleted (values and expiry records).
    pub deleted: usize,
    /// Expired entries and superseded records left for a later sweep: the budget ran out.
    pub expired_left: usize,
}

/// Lists the store's keys and removes expired entries, at most [`SWEEP_BUDGET`] deletions.
pub fn sweep<S: KeyValueStore>(store: &S, now: u64) -> Result<Swept, S::Error> {
    let keys = store.keys()?;
    sweep_keys(store, &keys, now, SWEEP_BUDGET)
}

/// Like [`sweep`], from a listing the caller already made (to count listed entries, say), with
/// its own budget of deletions.
///
/// Oldest expiry first. An expired listed entry is one deletion. An expired entry costs two
/// (its value, then its record, so an interrupted sweep leaves a record to retry rather than
/// a value nothing will ever remove). A record that a newer one for the same key has
/// superseded (the value was written again since) is removed alone, expired or not: the
/// newer record keeps the value.
pub fn sweep_keys<S: KeyValueStore>(
    store: &S,
    keys: &[String],
    now: u64,
    budget: usize,
) -> Result<Swept, S::Error> {
    let mut records: Vec<ExpiryRecord> = keys
        .iter()
        .filter_map(|key| ExpiryRecord::parse(key))
        .collect();
    let mut latest_expiry: HashMap<&str, u64> = HashMap::new();
    for record in &records {
        if let Kind::Entry(key) = record.kind {
            let latest = latest_expiry.entry(key).or_insert(record.expires_at);
            *latest = (*latest).max(record.expires_at);
        }
    }
    let superseded = |record: &ExpiryRecord| match record.kind {
        Kind::Entry(key) => latest_expiry
            .get(key)
            .is_some_and(|latest| *latest > record.expires_at),
        Kind::Listed(_) => false,
    };
    records.retain(|record| record.is_expired(now) || superseded(record));
    records.sort_unstable_by_key(|record| record.expires_at);

    let mut swept = Swept::default();
    for (index, record) in records.iter().enumerate() {
        let value_too = match record.kind {
            Kind::Entry(key) if !superseded(record) => Some(key),
            _ => None,
        };
        let cost = if value_too.is_some() { 2 } else { 1 };
        if swept.deleted + cost > budget {
            swept.expired_left = records.len() - index;
            break;
        }
        if let Some(key) = value_too {
            store.delete(key)?;
        }
        store.delete(record.record_key)?;
        swept.deleted += cost;
    }
    Ok(swept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{put_entry, put_listed, MemoryStore};

    #[test]
    fn removes_expired_entries_and_keeps_live_ones() {
        let store = MemoryStore::default();
        put_entry(&store, "old", b"1", 100).unwrap();
        put_entry(&store, "new", b"2", 300).unwrap();
        put_listed(&store, "failure/1", 100).unwrap();
        put_listed(&store, "failure/2", 300).unwrap();
        store.set("unmanaged", b"3").unwrap();

        let swept = sweep(&store, 200).unwrap();
        assert_eq!(
            swept,
            Swept {
                deleted: 3,
                expired_left: 0
            }
        );
        assert_eq!(store.get("old").unwrap(), None);
        assert_eq!(store.get("new").unwrap(), Some(b"2".to_vec()));
        assert_eq!(store.get("unmanaged").unwrap(), Some(b"3".to_vec()));
        assert_eq!(store.len(), 4, "{:?}", store.keys().unwrap());
    }

    #[test]
    fn an_entry_written_again_keeps_its_value_when_the_old_expiry_passes() {
        let store = MemoryStore::default();
        put_entry(&store, "cache", b"first", 300).unwrap();
        put_entry(&store, "cache", b"second", 500).unwrap();
        let swept = sweep(&store, 200).unwrap();
        assert_eq!(
            swept.deleted, 1,
            "only the superseded record, before it expires"
        );
        assert_eq!(store.get("cache").unwrap(), Some(b"second".to_vec()));
        assert_eq!(store.len(), 2);
        sweep(&store, 500).unwrap();
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn a_sweep_stops_at_its_budget_and_the_next_one_continues() {
        let store = MemoryStore::default();
        for index in 0..10 {
            put_entry(&store, &format!("entry/{index}"), b"x", 100 + index).unwrap();
        }
        let swept = sweep_keys(&store, &store.keys().unwrap(), 1000, 7).unwrap();
        assert_eq!(
            swept,
            Swept {
                deleted: 6,
                expired_left: 7
            }
        );
        // Oldest first.
        assert_eq!(store.get("entry/0").unwrap(), None);
        assert_eq!(store.get("entry/3").unwrap(), Some(b"x".to_vec()));
        let swept = sweep(&store, 1000).unwrap();
        assert_eq!(swept.deleted, 14);
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn nothing_expires_before_its_time() {
        let store = MemoryStore::default();
        put_entry(&store, "a", b"x", 100).unwrap();
        put_listed(&store, "b", 100).unwrap();
        assert_eq!(sweep(&store, 99).unwrap(), Swept::default());
        assert_eq!(store.len(), 3);
    }
}
