//! Failed attempts per user and per client address, in key-value. Past the threshold the
//! client gets 429 with `Retry-After` until the window ends (minutes, so a CI identity is never
//! locked out for long). A request that succeeds reads its counters and writes only if one
//! existed, to clear it.

use oidc::{
    failure_key_for_address, failure_key_for_user, record_failure, throttle, FailureCounter,
};
use spin_sdk::key_value::Store;

pub struct FailureAccount {
    store: Option<Store>,
    keys: Vec<String>,
    counters: Vec<Option<FailureCounter>>,
}

impl FailureAccount {
    pub fn open(user: Option<&str>, address: Option<&str>) -> Self {
        let keys: Vec<String> = user
            .map(failure_key_for_user)
            .into_iter()
            .chain(address.map(failure_key_for_address))
            .collect();
        let store = Store::open_default().ok();
        let counters = keys
            .iter()
            .map(|key| {
                store
                    .as_ref()
                    .and_then(|store| store.get(key).ok().flatten())
                    .and_then(|bytes| FailureCounter::deserialize(&bytes).ok())
            })
            .collect();
        Self {
            store,
            keys,
            counters,
        }
    }

    /// Seconds to wait, if any counter is past the threshold.
    pub fn throttled(&self, now: u64) -> Option<u32> {
        self.counters
            .iter()
            .filter_map(|counter| throttle(counter.as_ref(), now))
            .max()
    }

    pub fn record_failure(&self, now: u64) {
        let Some(store) = &self.store else { return };
        for (key, counter) in self.keys.iter().zip(&self.counters) {
            let updated = record_failure(*counter, now);
            if let Err(error) = store.set(key, &updated.serialize()) {
                eprintln!("cannot count a failed login: {error}");
            }
        }
    }

    pub fn record_success(&self) {
        let Some(store) = &self.store else { return };
        for (key, counter) in self.keys.iter().zip(&self.counters) {
            if counter.is_some() {
                let _ = store.delete(key);
            }
        }
    }
}
