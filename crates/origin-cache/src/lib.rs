//! The caching policy for everything wharf reads from its origin (GitHub), in one place and
//! without I/O, so every component answers the same way when GitHub is slow, down or
//! rate-limited.
//!
//! - [`CachePolicy::plan`]: before asking the origin, from a cached entry's timestamps and a
//!   recorded [`Outage`]: use the entry as it is, ask (conditionally, with its ETag), serve it
//!   stale, or fail at once.
//! - [`CachePolicy::settle`]: after asking, from the origin's [`Answer`]: store, refresh,
//!   forget, serve stale, or pass the failure on.
//! - [`CacheEntry`]: the bytes kept in key-value, with when the origin last confirmed them
//!   and when they expire.
//! - [`Outage`]: "do not ask GitHub before …", recorded after a failure that will not go away
//!   on the next request (unreachable, timed out, 5xx, rate-limited), so a hung GitHub costs
//!   one client a timeout, not every client.
//! - [`Staleness`]: what a stale answer says (`Age`, `Warning: 110`).
//! - [`UpstreamTimeouts`]: the bounds every outbound call carries.
//!
//! Times are Unix seconds passed in by the caller; nothing here reads a clock.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod entry;
mod failure;
mod outage;
mod policy;
mod stale_limit;
mod staleness;
mod timeouts;

pub use entry::{CacheEntry, MAX_CACHED_BODY_BYTES};
pub use failure::{client_retry_after, Failure, FailureKind, MAX_CLIENT_RETRY_AFTER_SECONDS};
pub use outage::{Outage, OUTAGE_BACKOFF_SECONDS};
pub use policy::{Answer, CachePolicy, Plan, Settlement, Unavailable, IMMUTABLE_RETENTION_SECONDS};
pub use stale_limit::{parse_stale_limit, StaleLimitError, DEFAULT_STALE_LIMIT};
pub use staleness::Staleness;
pub use timeouts::UpstreamTimeouts;
