//! Fresh, revalidate, serve stale or fail: decided from a cached entry's timestamps, a
//! recorded outage and the origin's answer.

use crate::{client_retry_after, CacheEntry, Failure, Outage, Staleness};

/// How long an answer that can change (a tag list, a branch head, a release) is used without
/// asking GitHub again. A new tag or release shows within this; a burst of requests (apt's
/// parallel downloads, terraform's versions-then-download) costs GitHub one call.
const MUTABLE_FRESH_SECONDS: u64 = 10;
/// Entries that can change are kept this long after GitHub last confirmed them (or
/// `stale_if_error`, when longer), so their ETag still saves a full call after a quiet week.
const MUTABLE_KEEP_SECONDS: u64 = 7 * 86_400;
/// Content named by what never changes (a commit, an asset id) is kept this long after it
/// was stored; then it is fetched again once.
pub const IMMUTABLE_RETENTION_SECONDS: u64 = 30 * 86_400;

/// The rules for one kind of cached answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    /// Seconds after the origin confirmed an entry during which it is used without asking.
    fresh_for: u64,
    /// Seconds after the origin confirmed an entry during which it may be served stale
    /// while the origin fails; 0: never.
    stale_if_error: u64,
    /// Seconds after the origin confirmed an entry before it expires.
    keep_for: u64,
}

/// What to do before asking the origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The entry is fresh: answer with it, do not ask.
    UseFresh,
    /// Ask the origin; with the entry's ETag as `If-None-Match` when there is one.
    Ask {
        /// The cached entry's validator.
        if_none_match: Option<String>,
    },
    /// The origin is known to be down: answer with the entry, marked stale, without asking.
    UseStale(Staleness),
    /// The origin is known to be down and nothing usable is cached.
    Fail(Unavailable),
}

/// The origin could not be asked and nothing cached stands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// The `Retry-After` for the client (already bounded for clients).
    pub retry_after: u64,
    /// Why the origin is considered down.
    pub reason: String,
    /// The age of the cached entry that was too old to serve, if there was one.
    pub too_old: Option<u64>,
}

/// What the origin answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer<'a> {
    /// New content (200).
    Changed,
    /// The cached entry is still current (304 to `If-None-Match`).
    NotModified,
    /// It does not exist (404); authoritative, never papered over with a cached copy.
    NotFound,
    /// The call failed.
    Failed(&'a Failure),
}

/// What to do with the origin's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Store the new content (confirmed now) and answer with it.
    Store,
    /// Keep the cached content, confirmed now, and answer with it.
    Refresh,
    /// Remove the cached entry and answer "not found".
    Forget,
    /// Answer with the cached entry, marked stale.
    UseStale(Staleness),
    /// Nothing to stand in: pass the failure on to the client.
    PassOn,
}

impl CachePolicy {
    /// For answers that can change: fresh for a few seconds, then revalidated; served stale
    /// for up to `stale_if_error` seconds after GitHub last confirmed them.
    pub fn mutable(stale_if_error: u64) -> Self {
        Self {
            fresh_for: MUTABLE_FRESH_SECONDS,
            stale_if_error,
            keep_for: MUTABLE_KEEP_SECONDS.max(stale_if_error),
        }
    }

    /// For content named by what never changes: fresh for as long as it is kept.
    pub fn immutable() -> Self {
        Self {
            fresh_for: u64::MAX,
            stale_if_error: 0,
            keep_for: IMMUTABLE_RETENTION_SECONDS,
        }
    }

    /// A new entry, confirmed by the origin at `now`.
    pub fn entry(&self, now: u64, etag: Option<String>, body: Vec<u8>) -> CacheEntry {
        CacheEntry {
            checked_at: now,
            expires_at: now.saturating_add(self.keep_for),
            etag,
            body,
        }
    }

    /// `cached`, confirmed again by the origin at `now` (a 304).
    pub fn refreshed(&self, cached: &CacheEntry, now: u64) -> CacheEntry {
        self.entry(now, cached.etag.clone(), cached.body.clone())
    }

    /// Whether `entry` may be used at `now` without asking the origin.
    pub fn is_fresh(&self, entry: &CacheEntry, now: u64) -> bool {
        now < entry.checked_at.saturating_add(self.fresh_for)
    }

    /// Before asking: `outage` is only consulted when the entry is not fresh, so a fresh
    /// answer costs one key-value read.
    pub fn plan(
        &self,
        cached: Option<&CacheEntry>,
        now: u64,
        outage: impl FnOnce() -> Option<Outage>,
    ) -> Plan {
        if cached.is_some_and(|entry| self.is_fresh(entry, now)) {
            return Plan::UseFresh;
        }
        if let Some(outage) = outage().filter(|outage| outage.is_active(now)) {
            return match cached.and_then(|entry| self.stale(entry, now, &outage.reason)) {
                Some(staleness) => Plan::UseStale(staleness),
                None => Plan::Fail(Unavailable {
                    retry_after: client_retry_after(outage.remaining(now)),
                    reason: outage.reason,
                    too_old: cached.map(|entry| now.saturating_sub(entry.checked_at)),
                }),
            };
        }
        Plan::Ask {
            if_none_match: cached.and_then(|entry| entry.etag.clone()),
        }
    }

    /// After asking. A `NotModified` without a cached entry (a 304 to an unconditional
    /// request) cannot be used and is passed on.
    pub fn settle(&self, cached: Option<&CacheEntry>, answer: Answer<'_>, now: u64) -> Settlement {
        match answer {
            Answer::Changed => Settlement::Store,
            Answer::NotModified if cached.is_some() => Settlement::Refresh,
            Answer::NotModified => Settlement::PassOn,
            Answer::NotFound => Settlement::Forget,
            Answer::Failed(failure) => {
                match cached.and_then(|entry| self.stale(entry, now, &failure.reason)) {
                    Some(staleness) => Settlement::UseStale(staleness),
                    None => Settlement::PassOn,
                }
            }
        }
    }

    fn stale(&self, entry: &CacheEntry, now: u64, reason: &str) -> Option<Staleness> {
        let age = now.saturating_sub(entry.checked_at);
        (self.stale_if_error > 0 && age <= self.stale_if_error).then(|| Staleness {
            age,
            reason: reason.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FailureKind, OUTAGE_BACKOFF_SECONDS};

    const T0: u64 = 1_700_000_000;
    const DAY: u64 = 86_400;

    fn policy() -> CachePolicy {
        CachePolicy::mutable(DAY)
    }

    fn cached_at(checked_at: u64, etag: Option<&str>) -> CacheEntry {
        policy().entry(checked_at, etag.map(str::to_owned), b"tags".to_vec())
    }

    fn failure(kind: FailureKind) -> Failure {
        Failure {
            kind,
            retry_after: None,
            reason: "GitHub answered HTTP 502: Bad Gateway".to_owned(),
        }
    }

    fn outage_until(until: u64) -> Option<Outage> {
        Some(Outage {
            until,
            reason: "cannot reach GitHub: connection refused".to_owned(),
        })
    }

    fn no_outage() -> Option<Outage> {
        None
    }

    #[test]
    fn a_fresh_entry_is_used_without_looking_at_outages() {
        let entry = cached_at(T0, Some("\"a\""));
        let plan = policy().plan(Some(&entry), T0 + 9, || {
            panic!("a fresh answer must not cost a second key-value read")
        });
        assert_eq!(plan, Plan::UseFresh);
    }

    #[test]
    fn after_the_fresh_window_the_origin_is_asked_with_the_etag() {
        let entry = cached_at(T0, Some("W/\"a\""));
        assert_eq!(
            policy().plan(Some(&entry), T0 + 10, no_outage),
            Plan::Ask {
                if_none_match: Some("W/\"a\"".to_owned())
            }
        );
        assert_eq!(
            policy().plan(None, T0, no_outage),
            Plan::Ask {
                if_none_match: None
            }
        );
    }

    #[test]
    fn an_ended_outage_does_not_stop_asking() {
        let entry = cached_at(T0, None);
        assert!(matches!(
            policy().plan(Some(&entry), T0 + 60, || outage_until(T0 + 60)),
            Plan::Ask { .. }
        ));
    }

    #[test]
    fn during_an_outage_a_known_entry_is_served_stale_without_asking() {
        let entry = cached_at(T0, None);
        let plan = policy().plan(Some(&entry), T0 + 300, || outage_until(T0 + 305));
        assert_eq!(
            plan,
            Plan::UseStale(Staleness {
                age: 300,
                reason: "cannot reach GitHub: connection refused".to_owned()
            })
        );
    }

    #[test]
    fn during_an_outage_nothing_cached_fails_at_once_with_a_bounded_retry() {
        assert_eq!(
            policy().plan(None, T0, || outage_until(T0 + 7)),
            Plan::Fail(Unavailable {
                retry_after: 7,
                reason: "cannot reach GitHub: connection refused".to_owned(),
                too_old: None,
            })
        );
        let Plan::Fail(unavailable) = policy().plan(None, T0, || outage_until(T0 + 3000)) else {
            panic!("expected a failure");
        };
        assert_eq!(unavailable.retry_after, 30);
    }

    #[test]
    fn stale_data_older_than_the_limit_is_no_longer_served() {
        let entry = cached_at(T0, None);
        let at_limit = policy().plan(Some(&entry), T0 + DAY, || outage_until(T0 + DAY + 5));
        assert!(matches!(at_limit, Plan::UseStale(_)));
        let beyond = policy().plan(Some(&entry), T0 + DAY + 1, || outage_until(T0 + DAY + 5));
        let Plan::Fail(unavailable) = beyond else {
            panic!("expected a failure, got {beyond:?}");
        };
        assert_eq!(unavailable.too_old, Some(DAY + 1));
        assert_eq!(
            policy().settle(
                Some(&entry),
                Answer::Failed(&failure(FailureKind::Unreachable)),
                T0 + DAY + 1
            ),
            Settlement::PassOn
        );
    }

    #[test]
    fn a_zero_limit_never_serves_stale() {
        let never = CachePolicy::mutable(0);
        let entry = never.entry(T0, None, b"x".to_vec());
        assert_eq!(
            never.settle(
                Some(&entry),
                Answer::Failed(&failure(FailureKind::ServerError)),
                T0 + 10
            ),
            Settlement::PassOn
        );
        assert!(matches!(
            never.plan(Some(&entry), T0 + 10, || outage_until(T0 + 20)),
            Plan::Fail(_)
        ));
    }

    #[test]
    fn answers_settle_the_entry() {
        let entry = cached_at(T0, Some("\"a\""));
        let now = T0 + 60;
        assert_eq!(
            policy().settle(Some(&entry), Answer::Changed, now),
            Settlement::Store
        );
        assert_eq!(
            policy().settle(Some(&entry), Answer::NotModified, now),
            Settlement::Refresh
        );
        assert_eq!(
            policy().settle(None, Answer::NotModified, now),
            Settlement::PassOn
        );
        assert_eq!(
            policy().settle(Some(&entry), Answer::NotFound, now),
            Settlement::Forget,
            "a 404 is authoritative: a deleted module must not live on from the cache"
        );
    }

    #[test]
    fn any_failure_falls_back_to_the_cache_within_the_limit() {
        let entry = cached_at(T0, None);
        for kind in [
            FailureKind::Unreachable,
            FailureKind::ServerError,
            FailureKind::RateLimited,
            FailureKind::Other,
        ] {
            let settlement =
                policy().settle(Some(&entry), Answer::Failed(&failure(kind)), T0 + 120);
            assert_eq!(
                settlement,
                Settlement::UseStale(Staleness {
                    age: 120,
                    reason: "GitHub answered HTTP 502: Bad Gateway".to_owned()
                }),
                "{kind:?}"
            );
            assert_eq!(
                policy().settle(None, Answer::Failed(&failure(kind)), T0),
                Settlement::PassOn
            );
        }
    }

    #[test]
    fn a_refresh_restarts_the_fresh_window_and_the_expiry() {
        let entry = cached_at(T0, Some("\"a\""));
        let refreshed = policy().refreshed(&entry, T0 + 100);
        assert_eq!(refreshed.checked_at, T0 + 100);
        assert_eq!(refreshed.etag.as_deref(), Some("\"a\""));
        assert_eq!(refreshed.body, entry.body);
        assert!(refreshed.expires_at > entry.expires_at);
        assert!(policy().is_fresh(&refreshed, T0 + 105));
    }

    #[test]
    fn entries_outlive_the_stale_limit_for_their_etag() {
        let short = CachePolicy::mutable(60);
        assert_eq!(short.entry(T0, None, vec![]).expires_at, T0 + 7 * DAY);
        let long = CachePolicy::mutable(30 * DAY);
        assert_eq!(long.entry(T0, None, vec![]).expires_at, T0 + 30 * DAY);
    }

    #[test]
    fn immutable_content_is_always_fresh_until_it_expires() {
        let immutable = CachePolicy::immutable();
        let entry = immutable.entry(T0, None, b"archive".to_vec());
        assert_eq!(entry.expires_at, T0 + IMMUTABLE_RETENTION_SECONDS);
        assert_eq!(
            immutable.plan(Some(&entry), entry.expires_at - 1, || panic!("not asked")),
            Plan::UseFresh
        );
        assert!(CacheEntry::decode(&entry.encode(), entry.expires_at).is_none());
    }

    #[test]
    fn a_whole_outage_from_first_failure_to_recovery() {
        // Warm: GitHub confirmed the tags at T0.
        let entry = cached_at(T0, Some("\"v1\""));
        // T0+30: GitHub hangs; the call times out.
        let timed_out = failure(FailureKind::Unreachable);
        let outage = Outage::after(&timed_out, T0 + 30).expect("an outage");
        assert!(matches!(
            policy().settle(Some(&entry), Answer::Failed(&timed_out), T0 + 30),
            Settlement::UseStale(_)
        ));
        // The next requests do not wait for GitHub again.
        let recorded = outage.clone();
        assert!(matches!(
            policy().plan(Some(&entry), T0 + 31, move || Some(recorded)),
            Plan::UseStale(_)
        ));
        // After the backoff the origin is asked again, conditionally; it answers 304.
        let after = T0 + 30 + OUTAGE_BACKOFF_SECONDS;
        let recorded = outage.clone();
        assert_eq!(
            policy().plan(Some(&entry), after, move || Some(recorded)),
            Plan::Ask {
                if_none_match: Some("\"v1\"".to_owned())
            }
        );
        assert_eq!(
            policy().settle(Some(&entry), Answer::NotModified, after),
            Settlement::Refresh
        );
        let refreshed = policy().refreshed(&entry, after);
        assert_eq!(
            policy().plan(Some(&refreshed), after + 1, || Some(outage)),
            Plan::UseFresh
        );
    }
}
