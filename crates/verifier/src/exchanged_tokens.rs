//! Exchanged `wharf_…` tokens in key-value: stored under the digest of the token with an
//! expiry (so they are swept once they are dead), looked up with one read.

use expiring_entries::{put_entry, sweep, KeyValueStore};
use oidc::{storage_key, ExchangedToken, ExchangedTokenRecord, GithubActionsIdentity, OidcPolicy};

use crate::environment::Environment;
use crate::outcome::{Denial, Outage};

/// The identity behind a presented exchanged token, if it is known, alive, and was issued
/// under the current issuer, audience and repository rules.
pub(crate) fn look_up<E: Environment>(
    environment: &E,
    policy: &OidcPolicy,
    token: &str,
    now: u64,
) -> Result<GithubActionsIdentity, Denial> {
    let store = environment.store().map_err(Outage::store)?;
    let bytes = store
        .get(&storage_key(token))
        .map_err(|error| Outage::store(format!("cannot read a wharf token: {error}")))?
        .ok_or_else(|| Denial::Rejected("unknown or expired wharf token".to_owned()))?;
    ExchangedTokenRecord::deserialize(&bytes)
        .and_then(|record| record.check(now, policy))
        .map_err(|error| Denial::Rejected(format!("wharf token refused: {error}")))
}

/// Stores a freshly issued token until it expires, then sweeps expired entries.
pub(crate) fn keep<E: Environment>(
    environment: &E,
    token: &ExchangedToken,
    record: &ExchangedTokenRecord,
    now: u64,
) -> Result<(), Denial> {
    let store = environment.store().map_err(Outage::store)?;
    put_entry(
        store,
        &token.storage_key(),
        &record.serialize(),
        record.expires_at(),
    )
    .map_err(|error| Outage::store(format!("cannot store a wharf token: {error}")))?;
    if let Err(error) = sweep(store, now) {
        environment.log(&format!("cannot remove expired key-value entries: {error}"));
    }
    Ok(())
}
