//! The OIDC issuer's signing keys (JWKS), cached in key-value. An unknown `kid` refreshes the set
//! at most once a minute, so a flood of tokens with made-up key ids costs the issuer nothing.

use oidc::{
    jwks_uri_from_openid_configuration, jwks_url, openid_configuration_url, KeySet, OidcPolicy,
};
use spin_sdk::http::{Request, Response};
use spin_sdk::key_value::Store;

/// The least time between two fetches of the key set.
const REFRESH_INTERVAL: u64 = 60;

fn cache_key(policy: &OidcPolicy) -> String {
    format!("v1/oidc-jwks/{}", policy.issuer())
}

/// A cached key set: `fetched_at` on the first line, the JWKS document after it.
fn parse_cached(bytes: &[u8]) -> Option<(u64, KeySet)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (fetched_at, document) = text.split_once('\n')?;
    Some((
        fetched_at.parse().ok()?,
        KeySet::from_jwks_json(document.as_bytes()).ok()?,
    ))
}

pub enum KeysAnswer {
    Keys(KeySet),
    /// Asked too recently to ask again.
    NotRefreshed,
}

/// The cached key set, or a fetched one when there is none (`refresh`: because of an unknown
/// `kid`, allowed once per interval).
pub fn key_set(policy: &OidcPolicy, now: u64, refresh: bool) -> Result<KeysAnswer, String> {
    let store = Store::open_default().map_err(|error| format!("key-value store: {error}"))?;
    let cached = store
        .get(&cache_key(policy))
        .ok()
        .flatten()
        .and_then(|bytes| parse_cached(&bytes));
    match (&cached, refresh) {
        (Some((_, keys)), false) => return Ok(KeysAnswer::Keys(keys.clone())),
        (Some((fetched_at, _)), true) if now.saturating_sub(*fetched_at) < REFRESH_INTERVAL => {
            return Ok(KeysAnswer::NotRefreshed)
        }
        _ => {}
    }
    let document = fetch_jwks(policy)?;
    let keys = KeySet::from_jwks_json(&document)
        .map_err(|error| format!("the issuer's key set is unusable: {error}"))?;
    let mut value = format!("{now}\n").into_bytes();
    value.extend_from_slice(&document);
    if let Err(error) = store.set(&cache_key(policy), &value) {
        eprintln!("cannot cache the OIDC key set: {error}");
    }
    Ok(KeysAnswer::Keys(keys))
}

fn get(url: &str) -> Result<Vec<u8>, String> {
    let request = Request::get(url)
        .header("accept", "application/json")
        .build();
    let response: Response = spin_sdk::http::run(spin_sdk::http::send(request))
        .map_err(|error| format!("cannot reach {url}: {error}"))?;
    if *response.status() != 200 {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    Ok(response.into_body())
}

/// Discovery first (`/.well-known/openid-configuration`), GitHub's fixed JWKS path otherwise.
fn fetch_jwks(policy: &OidcPolicy) -> Result<Vec<u8>, String> {
    let jwks_location = get(&openid_configuration_url(policy.issuer()))
        .ok()
        .and_then(|configuration| {
            jwks_uri_from_openid_configuration(&configuration, policy.issuer()).ok()
        })
        .unwrap_or_else(|| jwks_url(policy.issuer()));
    get(&jwks_location)
}
