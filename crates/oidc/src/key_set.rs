//! The issuer's signing keys (a JWKS document), reduced to what RS256 verification needs.

use crate::base64url;
use crate::errors::KeySetError;
use crate::printable::is_short_visible_ascii;
use rsa::pkcs1v15::VerifyingKey;
use rsa::{BoxedUint, PublicKey};
use serde::Deserialize;
use sha2::Sha256;
use std::fmt;

/// JWKS documents are a few KB; the cap keeps a misbehaving endpoint from costing memory.
pub const MAX_KEY_SET_BYTES: usize = 64 * 1024;

/// Keys below 2048 bits are refused: GitHub uses 2048, and smaller ones are forgeable.
const MIN_MODULUS_BITS: usize = 2048;
/// Above this, one verification costs enough to become a denial-of-service lever.
const MAX_MODULUS_BITS: usize = 8192;
/// Longer `kid`s are not something any issuer publishes.
pub(crate) const MAX_KEY_ID_LEN: usize = 256;

/// RSA verification keys by `kid`.
#[derive(Clone)]
pub struct KeySet {
    keys: Vec<(String, VerifyingKey<Sha256>)>,
}

/// The members of a JWK this crate reads; the rest are ignored.
#[derive(Deserialize)]
struct RsaJwkFields {
    kty: String,
    kid: Option<String>,
    n: Option<String>,
    e: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    alg: Option<String>,
}

#[derive(Deserialize)]
struct JwksDocument {
    keys: Vec<serde_json::Value>,
}

impl KeySet {
    /// Parses a JWKS document (`{"keys":[…]}`), keeping RSA keys that have a `kid`, `n` and
    /// `e`, whose `use` (if given) is `sig` and whose `alg` (if given) is `RS256`. Other keys
    /// are skipped rather than failing the whole set, so one odd key published next to good
    /// ones does not stop logins. When two keys share a `kid` the first wins.
    pub fn from_jwks_json(json: &[u8]) -> Result<KeySet, KeySetError> {
        if json.len() > MAX_KEY_SET_BYTES {
            return Err(KeySetError::TooLarge {
                limit: MAX_KEY_SET_BYTES,
            });
        }
        let document: JwksDocument = serde_json::from_slice(json)
            .map_err(|_| KeySetError::Malformed("expected a JSON object with a keys array"))?;
        let mut keys: Vec<(String, VerifyingKey<Sha256>)> = Vec::new();
        for value in document.keys {
            let Some((kid, key)) = usable_rsa_key(value) else {
                continue;
            };
            if keys.iter().all(|(known, _)| *known != kid) {
                keys.push((kid, key));
            }
        }
        if keys.is_empty() {
            return Err(KeySetError::NoUsableKeys);
        }
        Ok(KeySet { keys })
    }

    /// The `kid`s held, in document order.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }

    /// Whether a key with this `kid` is held.
    pub fn contains_key_id(&self, kid: &str) -> bool {
        self.verifying_key(kid).is_some()
    }

    /// How many keys are held (never zero).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: an empty key set is refused at parse time. Present for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub(crate) fn verifying_key(&self, kid: &str) -> Option<&VerifyingKey<Sha256>> {
        self.keys
            .iter()
            .find(|(known, _)| known == kid)
            .map(|(_, key)| key)
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet")
            .field("key_ids", &self.key_ids().collect::<Vec<_>>())
            .finish()
    }
}

fn usable_rsa_key(value: serde_json::Value) -> Option<(String, VerifyingKey<Sha256>)> {
    let jwk: RsaJwkFields = serde_json::from_value(value).ok()?;
    if jwk.kty != "RSA" {
        return None;
    }
    if jwk.use_.as_deref().is_some_and(|u| u != "sig") {
        return None;
    }
    if jwk.alg.as_deref().is_some_and(|a| a != "RS256") {
        return None;
    }
    let kid = jwk
        .kid
        .filter(|k| is_short_visible_ascii(k, MAX_KEY_ID_LEN))?;
    let modulus = unsigned_integer(&jwk.n?)?;
    let exponent = unsigned_integer(&jwk.e?)?;
    // The rsa crate also refuses even moduli and exponents outside [3, 2^33-1].
    let public_key =
        PublicKey::new_with_size_limits(modulus, exponent, MIN_MODULUS_BITS..=MAX_MODULUS_BITS)
            .ok()?;
    Some((kid, VerifyingKey::<Sha256>::new(public_key)))
}

/// A JWK big-endian integer (RFC 7518 §6.3.1). Leading zero bytes are dropped so the number's
/// precision matches its real size.
fn unsigned_integer(encoded: &str) -> Option<BoxedUint> {
    let bytes = base64url::decode(encoded)?;
    let first_nonzero = bytes.iter().position(|&b| b != 0)?;
    Some(BoxedUint::from_be_slice_vartime(&bytes[first_nonzero..]))
}
