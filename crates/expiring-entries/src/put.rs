//! Writing entries together with their expiry.

use crate::expiry_record::{entry_record_key, listed_record_key};
use crate::store::KeyValueStore;

/// Writes `value` under `key`, to be removed by a [`crate::sweep`] from `expires_at` on.
///
/// The expiry record is written first: a sweep that lists the keys in between sees the new
/// expiry and leaves the value alone, and if the second write fails, the record only makes a
/// later sweep delete a key that may not exist.
pub fn put_entry<S: KeyValueStore>(
    store: &S,
    key: &str,
    value: &[u8],
    expires_at: u64,
) -> Result<(), S::Error> {
    store.set(&entry_record_key(key, expires_at), b"")?;
    store.set(key, value)
}

/// Records a listed entry named `name` until `expires_at`: one key, no value. Names must be
/// unique for distinct facts (add something random), since writing a name twice with the
/// same expiry is one entry.
pub fn put_listed<S: KeyValueStore>(
    store: &S,
    name: &str,
    expires_at: u64,
) -> Result<(), S::Error> {
    store.set(&listed_record_key(name, expires_at), b"")
}

/// Removes a listed entry before it expires (for example a claim that lost).
pub fn remove_listed<S: KeyValueStore>(
    store: &S,
    name: &str,
    expires_at: u64,
) -> Result<(), S::Error> {
    store.delete(&listed_record_key(name, expires_at))
}
