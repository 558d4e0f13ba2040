//! Finding live listed entries in a key listing.

use crate::expiry_record::{ExpiryRecord, Kind};

/// A listed entry that has not expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedEntry<'k> {
    /// The name it was written with ([`crate::put_listed`]).
    pub name: &'k str,
    /// When it expires (Unix seconds).
    pub expires_at: u64,
}

/// The listed entries in `keys` (from [`crate::KeyValueStore::keys`]) whose name starts with
/// `name_prefix` and that have not expired at `now`.
pub fn listed<'k>(
    keys: &'k [String],
    name_prefix: &'k str,
    now: u64,
) -> impl Iterator<Item = ListedEntry<'k>> + 'k {
    keys.iter()
        .filter_map(|key| ExpiryRecord::parse(key))
        .filter(move |record| !record.is_expired(now))
        .filter_map(move |record| match record.kind {
            Kind::Listed(name) if name.starts_with(name_prefix) => Some(ListedEntry {
                name,
                expires_at: record.expires_at,
            }),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expiry_record::{entry_record_key, listed_record_key};

    #[test]
    fn only_live_listed_entries_under_the_prefix() {
        let keys = vec![
            listed_record_key("failures/a/1", 100),
            listed_record_key("failures/a/2", 50),
            listed_record_key("failures/b/1", 100),
            entry_record_key("failures/a/3", 100),
            "failures/a/4".to_owned(),
        ];
        let found: Vec<ListedEntry> = listed(&keys, "failures/a/", 60).collect();
        assert_eq!(
            found,
            [ListedEntry {
                name: "failures/a/1",
                expires_at: 100
            }]
        );
        assert_eq!(listed(&keys, "failures/", 100).count(), 0, "expired at 100");
    }
}
