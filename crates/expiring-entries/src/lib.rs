//! Key-value entries that expire, and a bounded sweep that removes them, so a store that
//! only ever gains keys (exchanged tokens, failed logins, cached GitHub answers) stays the
//! size of what is still in use instead of growing for as long as wharf runs.
//!
//! Sans-IO: the store is anything that implements [`KeyValueStore`] (Spin's key-value with the
//! `spin` feature, [`MemoryStore`] in tests) and the time is passed in as Unix seconds, so
//! every decision is testable natively with a clock the test controls.
//!
//! # How it works
//!
//! Spin's key-value has no expiry and no atomic operations, only get, set, delete and "list
//! every key". So an entry's expiry is written as a key of its own, an *expiry record*:
//! `v1/expires/<expires_at, 20 digits>/entry/<key>`. Listing the keys therefore lists every
//! expiry without reading a single value, sorted by time. Two kinds of entries exist:
//!
//! - **Entries** ([`put_entry`]): a value under a key of your choosing, looked up by that key
//!   as usual (`store.get(key)`); the expiry record sits next to it. Writing the same key again
//!   writes a newer expiry record; the older one is then *superseded* and the sweep removes
//!   only it, never the value.
//! - **Listed entries** ([`put_listed`]): the expiry record *is* the entry (no value). Use them
//!   for facts that are counted or looked for rather than fetched by key — one failed login, one
//!   claim to refresh a cache — and find the live ones with [`listed`] in a key listing.
//!
//! [`sweep`] removes expired entries, oldest first, at most a fixed number of deletions per
//! call ([`SWEEP_BUDGET`]). Call it after you write, so the requests that add keys are the ones
//! that pay for removing old ones, and a request that only reads never lists or deletes.
//!
//! # Using it from a component (how the lead wires a cache into it)
//!
//! ```no_run
//! # #[cfg(feature = "spin")]
//! # fn example(now: u64, body: &[u8]) -> Result<(), spin_sdk::key_value::Error> {
//! use expiring_entries::{put_entry, sweep};
//! let store = spin_sdk::key_value::Store::open_default()?;
//! // Instead of `store.set(key, body)`: say until when the entry is worth keeping. For a
//! // stale-serving cache that is the last moment it may still be served stale.
//! put_entry(&store, "v1/github-tags/acme/vm", body, now + 24 * 3600)?;
//! // Then remove a bounded number of expired entries (one key listing, a few deletes).
//! if let Err(error) = sweep(&store, now) {
//!     eprintln!("cannot remove expired key-value entries: {error}");
//! }
//! // Reading is unchanged: `store.get(key)`. An entry can outlive its expiry until a sweep
//! // runs, so a reader that cares still checks the timestamp its value carries.
//! # Ok(())
//! # }
//! ```
//!
//! Rules that keep it correct:
//!
//! - Write through [`put_entry`] every time (not `store.set`), or the entry keeps its old
//!   expiry and is removed when that passes.
//! - A sweep that meets an entry at the very moment it is rewritten can delete the new value
//!   (there is no compare-and-swap to prevent it). That costs a cache a miss; do not use
//!   entries for a value whose loss matters and that is rewritten in place. Entries written
//!   once under a unique key (exchanged tokens) are never affected.
//! - Keys may hold any characters except that they must not start with [`EXPIRY_PREFIX`].
//!
//! # How many keys remain
//!
//! Every write adds at most two keys; every sweep after a write deletes up to [`SWEEP_BUDGET`]
//! keys of expired entries, oldest first. So expired keys are removed faster than new ones
//! can expire, and the store holds about the entries still live plus their expiry records:
//! `tests/simulated_month.rs` runs a month of traffic against [`MemoryStore`] and checks it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod expiry_record;
mod listed;
mod memory_store;
mod put;
mod store;
mod sweep;

pub use expiry_record::EXPIRY_PREFIX;
pub use listed::{listed, ListedEntry};
pub use memory_store::{MemoryStore, StoreOperations};
pub use put::{put_entry, put_listed, remove_listed};
pub use store::KeyValueStore;
pub use sweep::{sweep, sweep_keys, Swept, SWEEP_BUDGET};
