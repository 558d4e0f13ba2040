//! GitHub App installation tokens: parsing GitHub's answer, deciding when to refresh, and a
//! compact form for the key-value cache.

use serde::Deserialize;

use crate::rfc3339::parse_unix_seconds;
use crate::{Credentials, GitHubError, Secret};

/// An installation access token (valid about one hour).
#[derive(Debug, Clone)]
pub struct InstallationToken {
    /// The token; redacted in `Debug`.
    pub token: Secret,
    /// Expiry, Unix seconds.
    pub expires_at: u64,
}

/// Why a cached token could not be read back. The caller should drop the entry and fetch a
/// new token; the message never contains the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenCacheError {
    /// Written by a newer or older wharf.
    #[error("cached installation token has unknown format version {0}: fetching a new token")]
    UnknownVersion(u8),
    /// Shorter than the header, or no token after it.
    #[error("cached installation token is truncated: fetching a new token")]
    Truncated,
    /// The token bytes are not UTF-8.
    #[error("cached installation token is not UTF-8: fetching a new token")]
    NotUtf8,
}

/// First byte of the cache encoding; bump when the layout changes.
const CACHE_FORMAT_V1: u8 = 1;
const CACHE_HEADER_LEN: usize = 1 + 8;

impl InstallationToken {
    /// Tokens are refreshed this long before they expire, so a request started with a fresh
    /// token does not fail half-way (and clocks may disagree a little).
    pub const REFRESH_MARGIN_SECONDS: u64 = 5 * 60;

    /// Parses `POST /app/installations/{id}/access_tokens`' answer
    /// (`{"token": "...", "expires_at": "2016-07-11T22:14:10Z", ...}`).
    pub fn parse_response(body: &[u8]) -> Result<Self, GitHubError> {
        #[derive(Deserialize)]
        struct TokenJson {
            token: String,
            expires_at: String,
        }
        // serde_json's error text can quote values; keep only the position so the token
        // cannot end up in a log.
        let parsed: TokenJson = serde_json::from_slice(body).map_err(|error| {
            GitHubError::Malformed(format!(
                "GitHub's installation token answer lacks 'token' or 'expires_at' (JSON error at line {} column {})",
                error.line(),
                error.column()
            ))
        })?;
        if parsed.token.is_empty() {
            return Err(GitHubError::Malformed(
                "GitHub's installation token answer has an empty token".to_owned(),
            ));
        }
        let expires_at = parse_unix_seconds(&parsed.expires_at).ok_or_else(|| {
            GitHubError::Malformed(format!(
                "GitHub's installation token expiry '{}' is not an RFC 3339 time",
                crate::config::printable(&parsed.expires_at)
            ))
        })?;
        Ok(Self {
            token: Secret::new(parsed.token),
            expires_at,
        })
    }

    /// True until [`Self::REFRESH_MARGIN_SECONDS`] before expiry.
    pub fn is_fresh(&self, now_unix: u64) -> bool {
        now_unix.saturating_add(Self::REFRESH_MARGIN_SECONDS) < self.expires_at
    }

    /// The credentials to build requests with.
    pub fn credentials(&self) -> Credentials {
        Credentials::InstallationToken(self.token.clone())
    }

    /// Bytes for the key-value cache: format version, expiry (u64 big-endian), token. The
    /// result contains the token; it is for the cache only, never for logs.
    pub fn to_cache_bytes(&self) -> Vec<u8> {
        let token = self.token.expose().as_bytes();
        let mut bytes = Vec::with_capacity(CACHE_HEADER_LEN + token.len());
        bytes.push(CACHE_FORMAT_V1);
        bytes.extend_from_slice(&self.expires_at.to_be_bytes());
        bytes.extend_from_slice(token);
        bytes
    }

    /// Reads [`Self::to_cache_bytes`] back.
    pub fn from_cache_bytes(bytes: &[u8]) -> Result<Self, TokenCacheError> {
        let (&version, rest) = bytes.split_first().ok_or(TokenCacheError::Truncated)?;
        if version != CACHE_FORMAT_V1 {
            return Err(TokenCacheError::UnknownVersion(version));
        }
        let (expiry, token) = rest
            .split_first_chunk::<8>()
            .ok_or(TokenCacheError::Truncated)?;
        if token.is_empty() {
            return Err(TokenCacheError::Truncated);
        }
        let token = std::str::from_utf8(token).map_err(|_| TokenCacheError::NotUtf8)?;
        Ok(Self {
            token: Secret::new(token),
            expires_at: u64::from_be_bytes(*expiry),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPIRES: u64 = 1_468_275_250; // 2016-07-11T22:14:10Z

    fn token() -> InstallationToken {
        InstallationToken {
            token: Secret::new("ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
            expires_at: EXPIRES,
        }
    }

    #[test]
    fn parses_githubs_answer() {
        let body = br#"{"token":"ghs_16C7e42F292c6912E7710c838347Ae178B4a","expires_at":"2016-07-11T22:14:10Z","permissions":{"contents":"read"}}"#;
        let parsed = InstallationToken::parse_response(body).expect("parses");
        assert_eq!(parsed.expires_at, EXPIRES);
        assert_eq!(
            parsed.token.expose(),
            "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
        );
    }

    #[test]
    fn parse_errors_never_quote_the_token() {
        let body = br#"{"token":"ghs_secretvalue","expires_at":12}"#;
        let error = InstallationToken::parse_response(body).expect_err("numeric expiry");
        assert!(!error.to_string().contains("ghs_secretvalue"), "{error}");
        let body = br#"{"token":"ghs_secretvalue","expires_at":"tomorrow"}"#;
        let error = InstallationToken::parse_response(body).expect_err("bad expiry");
        assert!(!error.to_string().contains("ghs_secretvalue"), "{error}");
        assert!(InstallationToken::parse_response(
            br#"{"token":"","expires_at":"2016-07-11T22:14:10Z"}"#
        )
        .is_err());
    }

    #[test]
    fn fresh_until_five_minutes_before_expiry() {
        let token = token();
        assert!(token.is_fresh(EXPIRES - 3600));
        assert!(token.is_fresh(EXPIRES - 301));
        assert!(!token.is_fresh(EXPIRES - 300));
        assert!(!token.is_fresh(EXPIRES));
        assert!(!token.is_fresh(EXPIRES + 10));
        assert!(!token.is_fresh(u64::MAX));
    }

    #[test]
    fn cache_round_trip() {
        let bytes = token().to_cache_bytes();
        assert_eq!(bytes[0], 1);
        let back = InstallationToken::from_cache_bytes(&bytes).expect("round trip");
        assert_eq!(back.expires_at, EXPIRES);
        assert_eq!(back.token.expose(), token().token.expose());
    }

    #[test]
    fn cache_rejects_foreign_or_damaged_bytes() {
        let mut bytes = token().to_cache_bytes();
        assert_eq!(
            InstallationToken::from_cache_bytes(&[]).err(),
            Some(TokenCacheError::Truncated)
        );
        assert_eq!(
            InstallationToken::from_cache_bytes(&bytes[..9]).err(),
            Some(TokenCacheError::Truncated)
        );
        assert_eq!(
            InstallationToken::from_cache_bytes(&bytes[..5]).err(),
            Some(TokenCacheError::Truncated)
        );
        bytes.push(0xff);
        assert_eq!(
            InstallationToken::from_cache_bytes(&bytes).err(),
            Some(TokenCacheError::NotUtf8)
        );
        bytes[0] = 2;
        assert_eq!(
            InstallationToken::from_cache_bytes(&bytes).err(),
            Some(TokenCacheError::UnknownVersion(2))
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let printed = format!("{:?} {:?}", token(), token().credentials());
        assert!(!printed.contains("ghs_"), "{printed}");
        assert!(printed.contains(&EXPIRES.to_string()));
    }
}
