//! Failed attempts, counted per client address and per (address, principal), so guessing is
//! slow for the guesser and costs nobody else anything.
//!
//! Keys (the address is a digest, see `client_address`):
//! - one listed entry per failure, `auth-failures/<address>/<principal>/<random>`, live for
//!   the [`FAILURE_WINDOW_SECS`] (its expiry gives its time);
//! - one notice per throttled (address, principal), `v1/auth-throttle/<address>/<principal>`,
//!   holding the Unix time the throttle ends. This is what a request reads before checking a
//!   guessable secret: the one key-value read of a successful Basic or Bearer request.
//!
//! A failure writes its own key, then lists the keys and counts: every failure that finished
//! writing before this one did is in the listing. So the k-th failure to be written sees at
//! least k failures, and only the first [`FAILURES_PER_PRINCIPAL`] can answer 401, however
//! many run at once — without an atomic increment, which Spin's key-value does not have.
//! Notices are plain overwrites: two racing writers may leave the earlier end time, which
//! ends the throttle early; the next failure counts again and writes it back.

use expiring_entries::{listed, put_entry, put_listed, sweep_keys, KeyValueStore, SWEEP_BUDGET};

use crate::client_address::address_key;
use crate::environment::Environment;
use crate::outcome::{Denial, Outage};

/// Failures of one principal from one address within the window before it is throttled.
pub const FAILURES_PER_PRINCIPAL: usize = 10;
/// Failures of all principals together from one address within the window before the whole
/// address is throttled.
pub const FAILURES_PER_ADDRESS: usize = 30;
/// How far back failures count, and so the longest a throttle lasts, in seconds.
pub const FAILURE_WINDOW_SECS: u64 = 300;

const FAILURE_PREFIX: &str = "auth-failures/";
const NOTICE_PREFIX: &str = "v1/auth-throttle/";

/// Whose credentials a request presented, as far as counting goes. A fixed set: no name a
/// client typed reaches a key, and a shared account is one principal per address, never
/// one principal everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Principal {
    // In the order of `ALL`: `index` relies on it.
    /// The configured `basic_user`.
    BasicUser,
    /// Any other Basic user name.
    UnknownUser,
    /// The `github-action` login (an OIDC or exchanged token as the password).
    GithubAction,
    /// A Bearer token of any kind.
    Bearer,
}

impl Principal {
    const ALL: [Principal; 4] = [
        Principal::BasicUser,
        Principal::UnknownUser,
        Principal::GithubAction,
        Principal::Bearer,
    ];

    /// Its place in [`Principal::ALL`].
    fn index(self) -> usize {
        self as usize
    }

    fn key_segment(self) -> &'static str {
        match self {
            Principal::BasicUser => "basic-user",
            Principal::UnknownUser => "unknown-user",
            Principal::GithubAction => "github-action",
            Principal::Bearer => "bearer",
        }
    }
}

/// The failure accounting of one request.
pub(crate) struct FailedLogins<'e, E: Environment> {
    environment: &'e E,
    address: String,
    principal: Principal,
}

impl<'e, E: Environment> FailedLogins<'e, E> {
    pub(crate) fn new(
        environment: &'e E,
        client_address: Option<&str>,
        principal: Principal,
    ) -> Self {
        Self {
            environment,
            address: address_key(client_address),
            principal,
        }
    }

    fn store(&self) -> Result<&'e E::Store, Outage> {
        self.environment.store().map_err(Outage::store)
    }

    fn notice_key(&self, principal: Principal) -> String {
        format!(
            "{NOTICE_PREFIX}{}/{}",
            self.address,
            principal.key_segment()
        )
    }

    /// One key-value read: `Err(Throttled)` while this address, or this principal from it, is
    /// throttled. A store that cannot be read fails closed.
    pub(crate) fn refuse_if_throttled(&self, now: u64) -> Result<(), Denial> {
        let notice = self
            .store()?
            .get(&self.notice_key(self.principal))
            .map_err(|error| Outage::store(format!("cannot read a throttle notice: {error}")))?;
        let until = notice.and_then(|bytes| std::str::from_utf8(&bytes).ok()?.parse::<u64>().ok());
        match until {
            Some(until) if now < until => Err(Denial::Throttled {
                retry_after: retry_after(until, now),
            }),
            _ => Ok(()),
        }
    }

    /// Counts one failure and says how to answer it: `denial` while the counts are within the
    /// thresholds, 429 past them. When the failure cannot be counted the answer is 503, so a
    /// broken store never means unlimited guesses.
    pub(crate) fn record(&self, denial: Denial, now: u64) -> Denial {
        match self.count(now) {
            Ok(Some(retry_after)) => Denial::Throttled { retry_after },
            Ok(None) => denial,
            Err(outage) => outage.into(),
        }
    }

    /// Writes this failure, then counts from a listing; `Some(retry_after)` when this failure
    /// is past a threshold.
    fn count(&self, now: u64) -> Result<Option<u32>, Outage> {
        let store = self.store()?;
        let random = self
            .environment
            .random_bytes()
            .map_err(Outage::randomness)?;
        let unique: String = random[..8].iter().map(|b| format!("{b:02x}")).collect();
        let address_prefix = format!("{FAILURE_PREFIX}{}/", self.address);
        let name = format!("{address_prefix}{}/{unique}", self.principal.key_segment());
        let store_error = |error| Outage::store(format!("cannot count a failed login: {error}"));
        put_listed(store, &name, now + FAILURE_WINDOW_SECS).map_err(store_error)?;
        let keys = store.keys().map_err(store_error)?;
        // Before any notice is written: this listing may hold the expired record of a notice
        // about to be written again, and sweeping it afterwards would delete the new notice.
        if let Err(error) = sweep_keys(store, &keys, now, SWEEP_BUDGET) {
            self.environment
                .log(&format!("cannot remove expired key-value entries: {error}"));
        }

        let mut by_address: Vec<u64> = Vec::new();
        let mut by_principal: [Vec<u64>; 4] = Default::default();
        for failure in listed(&keys, &address_prefix, now) {
            let failed_at = failure.expires_at.saturating_sub(FAILURE_WINDOW_SECS);
            by_address.push(failed_at);
            let segment = failure.name[address_prefix.len()..]
                .split('/')
                .next()
                .unwrap_or_default();
            if let Some(index) = Principal::ALL
                .iter()
                .position(|principal| principal.key_segment() == segment)
            {
                by_principal[index].push(failed_at);
            }
        }
        let own = self.principal.index();
        let address_until = throttled_until(&mut by_address, FAILURES_PER_ADDRESS);
        let mut own_until = None;
        for principal in Principal::ALL {
            let index = principal.index();
            let until = throttled_until(&mut by_principal[index], FAILURES_PER_PRINCIPAL)
                .max(address_until);
            if index == own {
                own_until = until;
            }
            // Only this principal's notice, unless the whole address is now throttled.
            if let (Some(until), true) = (until, index == own || address_until.is_some()) {
                self.write_notice(store, principal, until);
            }
        }

        let over = by_address.len() > FAILURES_PER_ADDRESS
            || by_principal[own].len() > FAILURES_PER_PRINCIPAL;
        Ok(own_until
            .filter(|_| over)
            .map(|until| retry_after(until, now)))
    }

    fn write_notice(&self, store: &E::Store, principal: Principal, until: u64) {
        let key = self.notice_key(principal);
        if let Err(error) = put_entry(store, &key, until.to_string().as_bytes(), until) {
            self.environment
                .log(&format!("cannot write a throttle notice: {error}"));
        }
    }
}

/// When fewer than `threshold` of these failures remain in the window: `None` while there are
/// fewer already. Sorts `failed_at`.
fn throttled_until(failed_at: &mut [u64], threshold: usize) -> Option<u64> {
    if failed_at.len() < threshold {
        return None;
    }
    failed_at.sort_unstable();
    Some(failed_at[failed_at.len() - threshold] + FAILURE_WINDOW_SECS)
}

/// `Retry-After` seconds: at least 1, at most one window (a replica whose clock runs ahead
/// cannot throttle anyone for longer).
fn retry_after(until: u64, now: u64) -> u32 {
    let seconds = until.saturating_sub(now).clamp(1, FAILURE_WINDOW_SECS);
    u32::try_from(seconds).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttled_until_the_oldest_counted_failure_leaves_the_window() {
        let mut times = vec![130, 100, 110, 120];
        assert_eq!(throttled_until(&mut times, 5), None);
        assert_eq!(
            throttled_until(&mut times, 4),
            Some(100 + FAILURE_WINDOW_SECS)
        );
        assert_eq!(
            throttled_until(&mut times, 2),
            Some(120 + FAILURE_WINDOW_SECS)
        );
    }

    #[test]
    fn principals_know_their_place() {
        for (index, principal) in Principal::ALL.into_iter().enumerate() {
            assert_eq!(principal.index(), index);
        }
    }

    #[test]
    fn retry_after_is_between_one_second_and_one_window() {
        assert_eq!(retry_after(1000, 990), 10);
        assert_eq!(retry_after(1000, 1000), 1);
        assert_eq!(retry_after(u64::MAX, 0), 300);
    }
}
