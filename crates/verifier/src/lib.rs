//! Who a client is, decided once for every wharf route: Basic (`credentials`), static Bearer
//! tokens (`credentials`), GitHub Actions OIDC tokens and the `wharf_…` tokens exchanged for
//! them (`oidc`), with failed attempts throttled per client address, the issuer's keys cached,
//! and everything that must outlive a request kept in key-value with an expiry
//! (`expiring-entries`).
//!
//! `components/auth` is a thin shell around [`verify`] and [`exchange`]: it implements
//! [`Environment`] with Spin's variables and key-value store, wasi:http and wasi:random, and
//! maps the outcome onto `wharf:auth/verifier`. Everything here runs natively in tests, with a
//! [`expiring_entries::MemoryStore`] and a clock the test controls.
//!
//! # What a request costs
//!
//! A request that succeeds reads key-value once and writes nothing: Basic and static Bearer
//! read their address's throttle notice (guessable secrets must be refused while throttled,
//! or a guesser would learn from a 200 that it guessed right); exchanged tokens read their
//! record; OIDC tokens read the cached key set. Only failures, exchanges and key refreshes
//! write. Variables are read for the kind of credentials presented only: two for Basic, one
//! for a static Bearer token, three for OIDC and exchanged tokens.
//!
//! # Throttling without atomic increments
//!
//! Spin's key-value has only get, set, delete and list. So each failed attempt is a key of its
//! own, and the count is taken from a key listing *after* writing it: the k-th failure to be
//! written sees at least k, and only the first [`FAILURES_PER_PRINCIPAL`] can be answered 401 —
//! however many requests race, with no lost increments. The 429 for later ones is decided from
//! that same count, and a notice per (address, principal) lets the next request be refused with
//! one read.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client_address;
mod environment;
mod exchange;
mod exchanged_tokens;
mod failed_logins;
mod issuer_keys;
mod outcome;
mod presented;
mod settings;
mod trusted_proxies;
mod verify;

pub use environment::{Environment, Fetched};
pub use exchange::{exchange, Issued, EXCHANGED_TOKEN_LIFETIME_SECS};
pub use failed_logins::{FAILURES_PER_ADDRESS, FAILURES_PER_PRINCIPAL, FAILURE_WINDOW_SECS};
pub use issuer_keys::{
    KEY_SET_FRESH_FOR_SECS, KEY_SET_REFRESH_INTERVAL_SECS, KEY_SET_USABLE_FOR_SECS,
    MAX_ISSUER_DOCUMENT_BYTES,
};
pub use outcome::{Denial, Identity, Method, Outage};
pub use trusted_proxies::{TrustedProxies, TrustedProxiesError};
pub use verify::{verify, Client};
