//! The key-value side of the origin cache, and the loop that carries out the caching policy's
//! decisions (`origin_cache`): read the entry, ask GitHub only when the policy says so, then
//! store, refresh, forget, serve stale or fail as it says.
//!
//! Every cache entry is written by [`OriginStore::put`], which is told when the entry expires:
//! the one place where expired entries can be tracked for removal.

use component_http::unix_now;
use origin_cache::{
    Answer, CacheEntry, CachePolicy, Outage, Plan, Settlement, Staleness, MAX_CACHED_BODY_BYTES,
};
use spin_sdk::key_value::Store;

use crate::AccessError;

/// One record for all of GitHub: an outage is GitHub's, not one repository's.
const OUTAGE_KEY: &str = "v2/github-outage";

/// A value and whether it is stale, with the headers that say so.
#[derive(Debug)]
pub struct Served<T> {
    pub value: T,
    /// Set when the value could not be confirmed by GitHub just now.
    pub stale: Option<Staleness>,
}

impl<T> Served<T> {
    pub fn map<U>(self, convert: impl FnOnce(T) -> U) -> Served<U> {
        Served {
            value: convert(self.value),
            stale: self.stale,
        }
    }

    /// `Age` and `Warning` when stale; nothing otherwise.
    pub fn stale_headers(&self) -> Vec<(&'static str, String)> {
        self.stale
            .iter()
            .flat_map(|staleness| staleness.headers())
            .collect()
    }

    /// Adds [`Served::stale_headers`] to a response.
    pub fn mark(&self, response: &mut spin_sdk::http::Response) {
        mark_stale(self.stale.as_ref(), response);
    }
}

impl Served<Vec<u8>> {
    /// Reads the cached form back; unreadable bytes (a damaged entry) are an error that
    /// names `what`.
    pub(crate) fn read<T>(
        self,
        what: &str,
        read: impl FnOnce(&[u8]) -> Option<T>,
    ) -> Result<Served<T>, AccessError> {
        let value = read(&self.value).ok_or_else(|| {
            github::GitHubError::Malformed(format!("the cached copy of {what} is unreadable"))
        })?;
        Ok(Served {
            value,
            stale: self.stale,
        })
    }
}

/// Adds `Age` and `Warning` to a response served from a stale entry.
pub fn mark_stale(stale: Option<&Staleness>, response: &mut spin_sdk::http::Response) {
    for (name, value) in stale.iter().flat_map(|staleness| staleness.headers()) {
        response.set_header(name, value);
    }
}

/// What GitHub answered to a (possibly conditional) request.
pub(crate) enum Fetched {
    Changed { etag: Option<String>, body: Vec<u8> },
    NotModified,
}

/// The key-value store, when it can be opened; without it wharf still works, uncached.
pub struct OriginStore {
    store: Option<Store>,
}

impl OriginStore {
    pub(crate) fn open() -> Self {
        let store = Store::open_default()
            .map_err(|error| eprintln!("key-value store unavailable, not caching: {error}"))
            .ok();
        Self { store }
    }

    pub(crate) fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.store.as_ref()?.get(key).ok().flatten()
    }

    /// Writes one cache entry that may be removed once `expires_at` (Unix seconds) has
    /// passed, then removes a bounded number of expired entries (`expiring-entries`): the
    /// requests that add keys pay for removing old ones, so the store stays the size of what
    /// can still be served. A failed write only costs a GitHub call later, so it is logged,
    /// not returned. Readers ignore expired entries that no sweep has reached yet (the expiry
    /// is inside every entry).
    pub(crate) fn put(&self, key: &str, value: &[u8], expires_at: u64) {
        let Some(store) = &self.store else {
            return;
        };
        if let Err(error) = expiring_entries::put_entry(store, key, value, expires_at) {
            eprintln!("cannot cache {key}: {error}");
            return;
        }
        if let Err(error) = expiring_entries::sweep(store, unix_now()) {
            eprintln!("cannot remove expired cache entries: {error}");
        }
    }

    fn forget(&self, key: &str) {
        if let Some(store) = &self.store {
            let _ = store.delete(key);
        }
    }

    pub(crate) fn entry(&self, key: &str, now: u64) -> Option<CacheEntry> {
        CacheEntry::decode(&self.get(key)?, now)
    }

    fn put_entry(&self, key: &str, entry: &CacheEntry) {
        if entry.body.len() <= MAX_CACHED_BODY_BYTES {
            self.put(key, &entry.encode(), entry.expires_at);
        } else {
            eprintln!(
                "not caching {key}: {} bytes, more than the {MAX_CACHED_BODY_BYTES} a key-value entry holds; it is read from GitHub every time",
                entry.body.len()
            );
        }
    }

    fn outage(&self) -> Option<Outage> {
        Outage::decode(&self.get(OUTAGE_KEY)?)
    }

    fn note_failure(&self, error: &AccessError, now: u64) {
        if let Some(outage) = Outage::after(&error.failure(), now) {
            eprintln!(
                "GitHub considered down for {} s: {}",
                outage.remaining(now),
                outage.reason
            );
            self.put(OUTAGE_KEY, &outage.encode(), outage.until);
        }
    }

    /// The cached answer under `key`, or GitHub's through `fetch`, as `policy` decides.
    /// `fetch` gets the cached entry (for conditional requests) and its ETag.
    pub(crate) fn through(
        &self,
        key: &str,
        policy: CachePolicy,
        what: &str,
        fetch: impl FnOnce(Option<&CacheEntry>, Option<&str>) -> Result<Fetched, AccessError>,
    ) -> Result<Served<Vec<u8>>, AccessError> {
        let now = unix_now();
        let cached = self.entry(key, now);
        let if_none_match = match policy.plan(cached.as_ref(), now, || self.outage()) {
            Plan::UseFresh => return Ok(fresh(cached)),
            Plan::UseStale(staleness) => return Ok(stale(cached, staleness, what)),
            Plan::Fail(unavailable) => {
                return Err(AccessError::Unavailable {
                    what: what.to_owned(),
                    unavailable,
                })
            }
            Plan::Ask { if_none_match } => if_none_match,
        };
        let fetched = fetch(cached.as_ref(), if_none_match.as_deref());
        let failure = match &fetched {
            Err(error) if !error.is_not_found() => {
                self.note_failure(error, now);
                Some(error.failure())
            }
            _ => None,
        };
        let answer = match (&fetched, &failure) {
            (Ok(Fetched::Changed { .. }), _) => Answer::Changed,
            (Ok(Fetched::NotModified), _) => Answer::NotModified,
            (Err(_), Some(failure)) => Answer::Failed(failure),
            (Err(_), None) => Answer::NotFound,
        };
        match (policy.settle(cached.as_ref(), answer, now), fetched) {
            (Settlement::Store, Ok(Fetched::Changed { etag, body })) => {
                let entry = policy.entry(now, etag, body);
                self.put_entry(key, &entry);
                Ok(fresh(Some(entry)))
            }
            (Settlement::Refresh, _) => {
                let entry = cached.map(|entry| policy.refreshed(&entry, now));
                if let Some(entry) = &entry {
                    self.put_entry(key, entry);
                }
                Ok(fresh(entry))
            }
            (Settlement::UseStale(staleness), _) => Ok(stale(cached, staleness, what)),
            (Settlement::Forget, _) => {
                self.forget(key);
                Err(github::GitHubError::NotFound.into())
            }
            (_, Err(error)) => Err(error),
            (_, Ok(_)) => Err(github::GitHubError::Malformed(format!(
                "GitHub answered 304 Not Modified for {what} although nothing was cached"
            ))
            .into()),
        }
    }

    /// An uncached call (a download): made unless GitHub is known to be down; a failure that
    /// means GitHub is down is remembered for the requests that follow.
    pub(crate) fn guard<T>(
        &self,
        what: &str,
        call: impl FnOnce() -> Result<T, AccessError>,
    ) -> Result<T, AccessError> {
        let now = unix_now();
        if let Plan::Fail(unavailable) = CachePolicy::immutable().plan(None, now, || self.outage())
        {
            return Err(AccessError::Unavailable {
                what: what.to_owned(),
                unavailable,
            });
        }
        call().inspect_err(|error| self.note_failure(error, now))
    }
}

fn fresh(entry: Option<CacheEntry>) -> Served<Vec<u8>> {
    Served {
        value: entry.map(|entry| entry.body).unwrap_or_default(),
        stale: None,
    }
}

fn stale(entry: Option<CacheEntry>, staleness: Staleness, what: &str) -> Served<Vec<u8>> {
    eprintln!("{}", staleness.log_line(what));
    Served {
        value: entry.map(|entry| entry.body).unwrap_or_default(),
        stale: Some(staleness),
    }
}
