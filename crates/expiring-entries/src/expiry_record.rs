//! The key that records when an entry expires: `v1/expires/<20-digit time>/<kind>/<name>`.
//! Zero-padded times make the keys of a listing sort by expiry.

/// Every expiry record's key starts with this; no entry key may.
pub const EXPIRY_PREFIX: &str = "v1/expires/";

const ENTRY_KIND: &str = "entry/";
const LISTED_KIND: &str = "listed/";
const TIME_DIGITS: usize = 20;

/// What an expiry record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind<'k> {
    /// A value stored under this key.
    Entry(&'k str),
    /// A listed entry with this name: the record is the entry.
    Listed(&'k str),
}

/// One parsed expiry record, borrowing its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExpiryRecord<'k> {
    pub(crate) record_key: &'k str,
    pub(crate) expires_at: u64,
    pub(crate) kind: Kind<'k>,
}

impl<'k> ExpiryRecord<'k> {
    /// `None` for keys that are not expiry records (or are damaged: they are left alone).
    pub(crate) fn parse(record_key: &'k str) -> Option<Self> {
        let rest = record_key.strip_prefix(EXPIRY_PREFIX)?;
        let (time, rest) = rest.split_at_checked(TIME_DIGITS)?;
        if !time.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let expires_at = time.parse().ok()?;
        let rest = rest.strip_prefix('/')?;
        let kind = if let Some(key) = rest.strip_prefix(ENTRY_KIND) {
            Kind::Entry(key)
        } else {
            Kind::Listed(rest.strip_prefix(LISTED_KIND)?)
        };
        Some(ExpiryRecord {
            record_key,
            expires_at,
            kind,
        })
    }

    /// Expired at `now`: the entry is no longer valid from `expires_at` on.
    pub(crate) fn is_expired(&self, now: u64) -> bool {
        now >= self.expires_at
    }
}

pub(crate) fn entry_record_key(key: &str, expires_at: u64) -> String {
    format!("{EXPIRY_PREFIX}{expires_at:0TIME_DIGITS$}/{ENTRY_KIND}{key}")
}

pub(crate) fn listed_record_key(name: &str, expires_at: u64) -> String {
    format!("{EXPIRY_PREFIX}{expires_at:0TIME_DIGITS$}/{LISTED_KIND}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        let key = entry_record_key("v1/exchanged-token/ab", 1_760_000_000);
        assert_eq!(
            key,
            "v1/expires/00000000001760000000/entry/v1/exchanged-token/ab"
        );
        let record = ExpiryRecord::parse(&key).expect("parses");
        assert_eq!(record.expires_at, 1_760_000_000);
        assert_eq!(record.kind, Kind::Entry("v1/exchanged-token/ab"));

        let key = listed_record_key("failures/x/1", u64::MAX);
        let record = ExpiryRecord::parse(&key).expect("parses");
        assert_eq!(record.expires_at, u64::MAX);
        assert_eq!(record.kind, Kind::Listed("failures/x/1"));
    }

    #[test]
    fn records_sort_by_time_as_text() {
        let mut keys = [
            listed_record_key("a", 100),
            entry_record_key("z", 9),
            listed_record_key("b", 10_000_000_000),
        ];
        keys.sort();
        let times: Vec<u64> = keys
            .iter()
            .map(|key| ExpiryRecord::parse(key).expect("parses").expires_at)
            .collect();
        assert_eq!(times, [9, 100, 10_000_000_000]);
    }

    #[test]
    fn other_and_damaged_keys_are_not_records() {
        for key in [
            "v1/exchanged-token/ab",
            "v1/expires/",
            "v1/expires/123/entry/x",
            "v1/expires/0000000000000000000x/entry/x",
            "v1/expires/00000000000000000001/other/x",
            "v1/expires/00000000000000000001entry/x",
            "v1/expires/99999999999999999999/entry/x",
        ] {
            assert_eq!(ExpiryRecord::parse(key), None, "{key}");
        }
    }
}
