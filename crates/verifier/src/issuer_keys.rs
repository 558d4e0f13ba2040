//! The OIDC issuer's signing keys (JWKS), cached in key-value for every instance and replica.
//!
//! Keys are used for [`KEY_SET_FRESH_FOR_SECS`] after they were fetched; after that the next
//! request refreshes them (so a key the issuer withdrew stops working within the hour). When a
//! refresh fails the old keys stay in use, for at most [`KEY_SET_USABLE_FOR_SECS`] after they
//! were fetched. A token naming an unknown `kid` also asks for a refresh (the issuer rotated).
//!
//! Whatever asks, the issuer is asked at most once per [`KEY_SET_REFRESH_INTERVAL_SECS`],
//! succeeding or failing, however many requests arrive at once: a request that wants to
//! refresh writes a claim (a listed entry that lives for the interval), lists the keys, and
//! fetches only if its claim is the only live one. Two claimants cannot both see only their
//! own claim (each wrote before it listed), so at most one fetches; losers remove their claim
//! so that they do not hold off the next request.

use expiring_entries::{
    listed, put_entry, put_listed, remove_listed, sweep_keys, KeyValueStore, SWEEP_BUDGET,
};
use oidc::{
    jwks_uri_from_openid_configuration, jwks_url, openid_configuration_url, KeySet, OidcPolicy,
};

use crate::client_address::hex_digest;
use crate::environment::Environment;
use crate::outcome::Outage;

/// How long fetched keys are used before they are refreshed.
pub const KEY_SET_FRESH_FOR_SECS: u64 = 3600;
/// How long fetched keys are still used while refreshing them fails. Bounded, so that an
/// attacker who can keep wharf from reaching the issuer cannot keep a withdrawn key alive.
pub const KEY_SET_USABLE_FOR_SECS: u64 = 24 * 3600;
/// The least time between two requests to the issuer.
pub const KEY_SET_REFRESH_INTERVAL_SECS: u64 = 60;
/// Largest OpenID configuration or key set accepted from the issuer.
pub const MAX_ISSUER_DOCUMENT_BYTES: usize = oidc::MAX_KEY_SET_BYTES;

const RECORD_PREFIX: &str = "v2/oidc-key-set/";
const CLAIM_PREFIX: &str = "oidc-key-refresh/";
const RECORD_VERSION: &str = "v2";

/// What is stored: when the keys were fetched, when a refresh last failed, and the JWKS
/// document as the issuer served it (empty before the first success).
/// Bytes: `v2 <fetched_at> <failed_at>\n<document>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CachedKeySet {
    fetched_at: u64,
    failed_at: u64,
    document: Vec<u8>,
}

impl CachedKeySet {
    fn serialize(&self) -> Vec<u8> {
        let mut bytes =
            format!("{RECORD_VERSION} {} {}\n", self.fetched_at, self.failed_at).into_bytes();
        bytes.extend_from_slice(&self.document);
        bytes
    }

    fn deserialize(bytes: &[u8]) -> Option<Self> {
        let newline = bytes.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&bytes[..newline]).ok()?;
        let mut fields = header.split(' ');
        let (Some(RECORD_VERSION), Some(fetched_at), Some(failed_at), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return None;
        };
        Some(Self {
            fetched_at: fetched_at.parse().ok()?,
            failed_at: failed_at.parse().ok()?,
            document: bytes[newline + 1..].to_vec(),
        })
    }

    fn keys(&self) -> Option<KeySet> {
        KeySet::from_jwks_json(&self.document).ok()
    }

    /// The last refresh failed, and none succeeded since.
    fn issuer_failing(&self) -> bool {
        self.failed_at > self.fetched_at
    }

    /// Whether someone asked the issuer within the interval (read from the record, so most
    /// requests know without claiming anything).
    fn asked_recently(&self, now: u64) -> bool {
        now.saturating_sub(self.fetched_at.max(self.failed_at)) < KEY_SET_REFRESH_INTERVAL_SECS
    }
}

/// What asking for a refresh came to.
pub(crate) enum Refresh {
    /// New keys from the issuer.
    Refreshed(KeySet),
    /// Another request asked the issuer within the interval. `Some`: that refresh failed.
    NotNow(Option<Outage>),
    /// This request asked, and the issuer did not deliver.
    Failed(Outage),
}

/// The cached key set of one request, read once.
pub(crate) struct IssuerKeys<'e, E: Environment> {
    environment: &'e E,
    policy: &'e OidcPolicy,
    cached: Option<CachedKeySet>,
}

impl<'e, E: Environment> IssuerKeys<'e, E> {
    /// Reads the cached key set (one key-value read).
    pub(crate) fn load(environment: &'e E, policy: &'e OidcPolicy) -> Result<Self, Outage> {
        let store = environment.store().map_err(Outage::store)?;
        let cached = store
            .get(&record_key(policy))
            .map_err(|error| {
                Outage::store(format!("cannot read the cached OIDC key set: {error}"))
            })?
            .and_then(|bytes| CachedKeySet::deserialize(&bytes));
        Ok(Self {
            environment,
            policy,
            cached,
        })
    }

    /// The keys to verify with at `now`: fresh cached ones, refreshed ones once they are
    /// stale, or stale ones when refreshing is not possible right now.
    pub(crate) fn current(&mut self, now: u64) -> Result<KeySet, Outage> {
        let cached_keys = self.cached.as_ref().and_then(|cached| {
            let age = now.saturating_sub(cached.fetched_at);
            Some((age, cached.keys()?))
        });
        if let Some((age, keys)) = &cached_keys {
            if *age < KEY_SET_FRESH_FOR_SECS {
                return Ok(keys.clone());
            }
        }
        let outage = match self.refresh(now) {
            Refresh::Refreshed(keys) => return Ok(keys),
            Refresh::NotNow(outage) => outage,
            Refresh::Failed(outage) => Some(outage),
        };
        match cached_keys {
            Some((age, keys)) if age < KEY_SET_USABLE_FOR_SECS => Ok(keys),
            Some((age, _)) => Err(Outage::issuer_keys(format!(
                "the cached key set is {age} s old, older than the {KEY_SET_USABLE_FOR_SECS} s it may be used while refreshing fails{}",
                outage.map(|outage| format!("; {}", outage.detail())).unwrap_or_default()
            ))),
            None => Err(outage.unwrap_or_else(|| {
                Outage::issuer_keys(
                    "no key set is cached yet, and another request is fetching it",
                )
            })),
        }
    }

    /// Asks the issuer for its keys, unless someone did within the interval.
    pub(crate) fn refresh(&mut self, now: u64) -> Refresh {
        let asked_recently = self
            .cached
            .as_ref()
            .is_some_and(|cached| cached.asked_recently(now));
        let may_ask = if asked_recently {
            Ok(false)
        } else {
            self.claim(now)
        };
        match may_ask {
            Ok(true) => {}
            Ok(false) => {
                let failing = self
                    .cached
                    .as_ref()
                    .is_some_and(CachedKeySet::issuer_failing);
                return Refresh::NotNow(failing.then(|| {
                    Outage::issuer_keys(
                        "the last refresh of the issuer's key set failed (logged then)",
                    )
                }));
            }
            Err(outage) => return Refresh::Failed(outage),
        }
        let previous = self.cached.clone().unwrap_or_default();
        match fetch_key_set(self.environment, self.policy) {
            Ok((document, keys)) => {
                let updated = CachedKeySet {
                    fetched_at: now,
                    failed_at: 0,
                    document,
                };
                self.save(&updated, now + KEY_SET_USABLE_FOR_SECS);
                self.cached = Some(updated);
                Refresh::Refreshed(keys)
            }
            Err(detail) => {
                // Logged here, where it happens: a request that goes on with stale keys
                // succeeds, and nothing else would tell the operator.
                self.environment.log(&format!(
                    "cannot refresh the OIDC issuer's key set: {detail}"
                ));
                let updated = CachedKeySet {
                    failed_at: now,
                    ..previous
                };
                let keep_until = (updated.fetched_at + KEY_SET_USABLE_FOR_SECS)
                    .max(now + KEY_SET_REFRESH_INTERVAL_SECS);
                self.save(&updated, keep_until);
                self.cached = Some(updated);
                Refresh::Failed(Outage::issuer_keys(
                    "refreshing the issuer's key set failed just now (logged above)",
                ))
            }
        }
    }

    fn save(&self, cached: &CachedKeySet, expires_at: u64) {
        let saved = self.environment.store().and_then(|store| {
            put_entry(
                store,
                &record_key(self.policy),
                &cached.serialize(),
                expires_at,
            )
            .map_err(|error| error.to_string())
        });
        if let Err(error) = saved {
            self.environment
                .log(&format!("cannot cache the OIDC key set: {error}"));
        }
    }

    /// Whether this request may ask the issuer now (see the module comment).
    fn claim(&self, now: u64) -> Result<bool, Outage> {
        let store = self.environment.store().map_err(Outage::store)?;
        let random = self
            .environment
            .random_bytes()
            .map_err(Outage::randomness)?;
        let prefix = format!(
            "{CLAIM_PREFIX}{}/",
            hex_digest(self.policy.issuer().as_bytes())
        );
        let unique: String = random[..8].iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("{prefix}{unique}");
        let expires_at = now + KEY_SET_REFRESH_INTERVAL_SECS;
        let store_error =
            |error| Outage::store(format!("cannot claim the OIDC key set refresh: {error}"));
        put_listed(store, &name, expires_at).map_err(store_error)?;
        let keys = store.keys().map_err(store_error)?;
        let mut claims = listed(&keys, &prefix, now);
        let won = matches!(
            (claims.next(), claims.next()),
            (Some(only), None) if only.name == name
        );
        if !won {
            if let Err(error) = remove_listed(store, &name, expires_at) {
                self.environment
                    .log(&format!("cannot withdraw a key set refresh claim: {error}"));
            }
        }
        if let Err(error) = sweep_keys(store, &keys, now, SWEEP_BUDGET) {
            self.environment
                .log(&format!("cannot remove expired key-value entries: {error}"));
        }
        Ok(won)
    }
}

fn record_key(policy: &OidcPolicy) -> String {
    format!("{RECORD_PREFIX}{}", hex_digest(policy.issuer().as_bytes()))
}

/// Discovery first (`/.well-known/openid-configuration`), GitHub's fixed JWKS path when the
/// issuer has no usable discovery document. An issuer that cannot be reached or answers with
/// an error is asked nothing more in this attempt.
fn fetch_key_set<E: Environment>(
    environment: &E,
    policy: &OidcPolicy,
) -> Result<(Vec<u8>, KeySet), String> {
    let issuer = policy.issuer();
    let discovery = openid_configuration_url(issuer);
    let configuration = environment.fetch(&discovery, MAX_ISSUER_DOCUMENT_BYTES)?;
    let location = match configuration.status {
        200 => jwks_uri_from_openid_configuration(&configuration.body, issuer)
            .unwrap_or_else(|_| jwks_url(issuer)),
        404 => jwks_url(issuer),
        status => return Err(format!("{discovery} answered HTTP {status}")),
    };
    let jwks = environment.fetch(&location, MAX_ISSUER_DOCUMENT_BYTES)?;
    if jwks.status != 200 {
        return Err(format!("{location} answered HTTP {}", jwks.status));
    }
    let keys = KeySet::from_jwks_json(&jwks.body)
        .map_err(|error| format!("the key set at {location} is unusable: {error}"))?;
    Ok((jwks.body, keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_key_sets_round_trip() {
        let cached = CachedKeySet {
            fetched_at: 1_760_000_000,
            failed_at: 1_760_000_060,
            document: br#"{"keys":[]}"#.to_vec(),
        };
        let bytes = cached.serialize();
        assert!(bytes.starts_with(b"v2 1760000000 1760000060\n"));
        assert_eq!(CachedKeySet::deserialize(&bytes), Some(cached.clone()));
        assert!(cached.issuer_failing());
        for damaged in [&b"v1 1 2\n{}"[..], b"v2 1\n{}", b"v2 1 x\n", b"v2 1 2"] {
            assert_eq!(CachedKeySet::deserialize(damaged), None);
        }
    }
}
