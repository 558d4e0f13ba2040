//! Short-lived signed archive URLs.
//!
//! Terraform never sends its registry token to the `X-Terraform-Get` URL, so that URL carries
//! its own proof: `expires=<unix>&signature=<hex HMAC-SHA256 over "v1\n{path}\n{expires}">`.
//! The `v1` prefix lets the scheme change later without old signatures meaning something new.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// A reasonable lifetime for a fresh archive URL: Terraform fetches it (HEAD, then GET)
/// right after the download call.
pub const DEFAULT_ARCHIVE_URL_LIFETIME_SECONDS: u64 = 5 * 60;
/// Expiries further ahead than this are refused: we never sign such URLs, so one is forged
/// or comes from a misconfigured signer.
pub const MAX_ARCHIVE_URL_LIFETIME_SECONDS: u64 = 60 * 60;
/// Shorter keys are refused: the key is all that stands between the archive and the world.
pub const MIN_SIGNING_KEY_BYTES: usize = 16;

const SIGNATURE_HEX_LEN: usize = 64;

/// Why a signed archive URL was not accepted (or could not be made). Messages are safe to
/// send to the client and to log; they never contain the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// `url_signing_key` is empty: fail closed rather than accept unsigned URLs.
    #[error("url_signing_key is not set: configure at least 16 random bytes (e.g. `openssl rand -hex 32`); archive downloads are refused until then")]
    EmptyKey,
    /// `url_signing_key` is too short to resist guessing.
    #[error("url_signing_key is only {0} bytes: configure at least 16 random bytes (e.g. `openssl rand -hex 32`)")]
    KeyTooShort(usize),
    /// A required query parameter is absent.
    #[error("archive URL lacks the '{0}' parameter: request a new download URL from the registry")]
    Missing(&'static str),
    /// A parameter is present but unusable.
    #[error("archive URL is malformed: {0}")]
    Malformed(String),
    /// The URL was genuine but its time is up.
    #[error("archive URL expired at {expired_at} (now {now}): run `terraform init` again for a fresh URL")]
    Expired {
        /// The signed expiry, Unix seconds.
        expired_at: u64,
        /// The time of the check, Unix seconds.
        now: u64,
    },
    /// The signature does not match path and expiry.
    #[error(
        "archive URL signature does not match: the URL was altered or signed with another key; run `terraform init` again for a fresh URL"
    )]
    BadSignature,
}

/// The query string (`expires=…&signature=…`) that makes `path` downloadable until
/// `expires_unix`. `path` is the path as the archive route decodes it (percent-escapes
/// resolved once), so however a client encodes the URL, it names what was signed.
pub fn sign_archive_path(
    key: &[u8],
    path: &str,
    expires_unix: u64,
) -> Result<String, SignatureError> {
    let mac = keyed_mac(key, path, expires_unix)?;
    let signature = hex::encode(mac.finalize().into_bytes());
    Ok(format!("expires={expires_unix}&signature={signature}"))
}

/// Checks a request for `path` with query string `query` (with or without the leading `?`).
/// Parameters are read by name in any order and unknown ones (such as `archive=tar.gz`) are
/// ignored, because Terraform's go-getter may reorder or add them; a repeated `expires` or
/// `signature` is refused so there is never a question which one was checked.
pub fn verify_archive_request(
    key: &[u8],
    path: &str,
    query: &str,
    now_unix: u64,
) -> Result<(), SignatureError> {
    check_key(key)?;
    let parameters = SignedParameters::parse(query)?;
    let mac = keyed_mac(key, path, parameters.expires)?;
    // Constant time: the comparison must not reveal how much of a guess was right.
    mac.verify_slice(&parameters.signature)
        .map_err(|_| SignatureError::BadSignature)?;
    if now_unix > parameters.expires {
        return Err(SignatureError::Expired {
            expired_at: parameters.expires,
            now: now_unix,
        });
    }
    if parameters.expires - now_unix > MAX_ARCHIVE_URL_LIFETIME_SECONDS {
        return Err(SignatureError::Malformed(format!(
            "expiry {} is more than {MAX_ARCHIVE_URL_LIFETIME_SECONDS} s in the future; check the signer's clock",
            parameters.expires
        )));
    }
    Ok(())
}

fn check_key(key: &[u8]) -> Result<(), SignatureError> {
    match key.len() {
        0 => Err(SignatureError::EmptyKey),
        n if n < MIN_SIGNING_KEY_BYTES => Err(SignatureError::KeyTooShort(n)),
        _ => Ok(()),
    }
}

fn keyed_mac(key: &[u8], path: &str, expires: u64) -> Result<HmacSha256, SignatureError> {
    check_key(key)?;
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| SignatureError::EmptyKey)?;
    mac.update(format!("v1\n{path}\n{expires}").as_bytes());
    Ok(mac)
}

struct SignedParameters {
    expires: u64,
    signature: Vec<u8>,
}

impl SignedParameters {
    fn parse(query: &str) -> Result<Self, SignatureError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut expires = None;
        let mut signature = None;
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match name {
                "expires" => &mut expires,
                "signature" => &mut signature,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(SignatureError::Malformed(format!(
                    "'{name}' appears more than once"
                )));
            }
        }
        let expires = expires.ok_or(SignatureError::Missing("expires"))?;
        let signature = signature.ok_or(SignatureError::Missing("signature"))?;
        Ok(Self {
            expires: parse_expires(expires)?,
            signature: parse_signature(signature)?,
        })
    }
}

fn parse_expires(value: &str) -> Result<u64, SignatureError> {
    let digits_only = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    digits_only
        .then(|| value.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| {
            SignatureError::Malformed("'expires' must be Unix seconds (decimal digits)".to_owned())
        })
}

fn parse_signature(value: &str) -> Result<Vec<u8>, SignatureError> {
    if value.len() != SIGNATURE_HEX_LEN {
        return Err(SignatureError::Malformed(format!(
            "'signature' must be {SIGNATURE_HEX_LEN} hex digits"
        )));
    }
    hex::decode(value).map_err(|_| {
        SignatureError::Malformed(format!(
            "'signature' must be {SIGNATURE_HEX_LEN} hex digits"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const PATH: &str = "/archive/acme/vpc/aws/1.2.0.tar.gz";
    const NOW: u64 = 1_700_000_000;
    const EXPIRES: u64 = NOW + 300;

    fn signed() -> String {
        sign_archive_path(KEY, PATH, EXPIRES).expect("signs")
    }

    fn signature_of(query: &str) -> &str {
        query
            .split('&')
            .find_map(|p| p.strip_prefix("signature="))
            .expect("signature present")
    }

    #[test]
    fn signed_query_has_the_documented_shape() {
        let query = signed();
        assert!(
            query.starts_with(&format!("expires={EXPIRES}&signature=")),
            "{query}"
        );
        let signature = signature_of(&query);
        assert_eq!(signature.len(), 64);
        assert!(signature
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn signature_is_hmac_sha256_of_the_documented_message() {
        let mut mac = HmacSha256::new_from_slice(KEY).expect("any key length works");
        mac.update(format!("v1\n{PATH}\n{EXPIRES}").as_bytes());
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(signature_of(&signed()), expected);
    }

    #[test]
    fn genuine_url_verifies_until_expiry() {
        let query = signed();
        assert_eq!(verify_archive_request(KEY, PATH, &query, NOW), Ok(()));
        assert_eq!(
            verify_archive_request(KEY, PATH, &format!("?{query}"), NOW),
            Ok(())
        );
        assert_eq!(verify_archive_request(KEY, PATH, &query, EXPIRES), Ok(()));
        assert_eq!(
            verify_archive_request(KEY, PATH, &query, EXPIRES + 1),
            Err(SignatureError::Expired {
                expired_at: EXPIRES,
                now: EXPIRES + 1
            })
        );
    }

    #[test]
    fn reordered_and_extra_parameters_are_fine() {
        let query = signed();
        let signature = signature_of(&query);
        let reordered = format!("archive=tar.gz&signature={signature}&&x&expires={EXPIRES}&utm=1");
        assert_eq!(verify_archive_request(KEY, PATH, &reordered, NOW), Ok(()));
    }

    #[test]
    fn tampering_is_detected() {
        let query = signed();
        assert_eq!(
            verify_archive_request(KEY, "/archive/acme/vpc/aws/1.3.0.tar.gz", &query, NOW),
            Err(SignatureError::BadSignature)
        );
        let later = query.replace(&EXPIRES.to_string(), &(EXPIRES + 60).to_string());
        assert_eq!(
            verify_archive_request(KEY, PATH, &later, NOW),
            Err(SignatureError::BadSignature)
        );
        let signature = signature_of(&query);
        let flipped_char = if signature.starts_with('0') { "1" } else { "0" };
        let flipped = query.replace(signature, &format!("{flipped_char}{}", &signature[1..]));
        assert_eq!(
            verify_archive_request(KEY, PATH, &flipped, NOW),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            verify_archive_request(b"another-key-of-32-bytes-length!!", PATH, &query, NOW),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn uppercase_hex_signature_is_still_checked_properly() {
        let query = signed();
        let upper = query.replace(
            signature_of(&query),
            &signature_of(&query).to_ascii_uppercase(),
        );
        assert_eq!(verify_archive_request(KEY, PATH, &upper, NOW), Ok(()));
    }

    #[test]
    fn missing_parameters_are_named() {
        let signature = signature_of(&signed()).to_owned();
        assert_eq!(
            verify_archive_request(KEY, PATH, &format!("signature={signature}"), NOW),
            Err(SignatureError::Missing("expires"))
        );
        assert_eq!(
            verify_archive_request(KEY, PATH, &format!("expires={EXPIRES}"), NOW),
            Err(SignatureError::Missing("signature"))
        );
        assert_eq!(
            verify_archive_request(KEY, PATH, "", NOW),
            Err(SignatureError::Missing("expires"))
        );
    }

    #[test]
    fn malformed_parameters_are_explained() {
        let signature = signature_of(&signed()).to_owned();
        for query in [
            format!("expires=&signature={signature}"),
            format!("expires=-5&signature={signature}"),
            format!("expires=+5&signature={signature}"),
            format!("expires=99999999999999999999999&signature={signature}"),
            format!("expires={EXPIRES}&signature=abc"),
            format!("expires={EXPIRES}&signature={}", "zz".repeat(32)),
            format!("expires={EXPIRES}&expires={EXPIRES}&signature={signature}"),
            format!("expires={EXPIRES}&signature={signature}&signature={signature}"),
        ] {
            assert!(
                matches!(
                    verify_archive_request(KEY, PATH, &query, NOW),
                    Err(SignatureError::Malformed(_))
                ),
                "{query}"
            );
        }
    }

    #[test]
    fn expiry_too_far_ahead_is_malformed() {
        let far = NOW + MAX_ARCHIVE_URL_LIFETIME_SECONDS + 1;
        let query = sign_archive_path(KEY, PATH, far).expect("signs");
        let error = verify_archive_request(KEY, PATH, &query, NOW).expect_err("too far");
        assert!(
            matches!(error, SignatureError::Malformed(ref m) if m.contains("future")),
            "{error}"
        );
        let edge =
            sign_archive_path(KEY, PATH, NOW + MAX_ARCHIVE_URL_LIFETIME_SECONDS).expect("signs");
        assert_eq!(verify_archive_request(KEY, PATH, &edge, NOW), Ok(()));
    }

    #[test]
    fn empty_or_short_key_fails_closed() {
        let query = signed();
        assert_eq!(
            sign_archive_path(b"", PATH, EXPIRES),
            Err(SignatureError::EmptyKey)
        );
        assert_eq!(
            verify_archive_request(b"", PATH, &query, NOW),
            Err(SignatureError::EmptyKey)
        );
        assert_eq!(
            verify_archive_request(b"short", PATH, &query, NOW),
            Err(SignatureError::KeyTooShort(5))
        );
        assert_eq!(
            sign_archive_path(b"short", PATH, EXPIRES),
            Err(SignatureError::KeyTooShort(5))
        );
    }
}
