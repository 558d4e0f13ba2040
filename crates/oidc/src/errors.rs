//! Every way this crate says no. Each message is one line and never holds a token, a
//! signature or a secret; values from a token's header appear only after `printable`.

use thiserror::Error;

/// Why the operator's OIDC settings cannot be used. OIDC stays off until they are fixed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OidcConfigError {
    /// `oidc_issuer` is not an https URL (or plain http to this machine, for tests).
    #[error("oidc_issuer is not usable: {0}")]
    InvalidIssuer(&'static str),
    /// An entry of `oidc_allowed_repositories` cannot be parsed.
    #[error("oidc_allowed_repositories entry {rule:?} is not usable: {reason}")]
    InvalidRule {
        /// The entry as written (operator configuration, not a secret).
        rule: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Why a presented OIDC token was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OidcError {
    /// Longer than [`crate::MAX_TOKEN_BYTES`]; refused before any parsing.
    #[error("token is longer than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Not a compact JWS with a JSON header and claims.
    #[error("token is malformed: {0}")]
    Malformed(&'static str),
    /// The header names an algorithm other than RS256.
    #[error("token algorithm {0:?} is not accepted (only RS256)")]
    UnsupportedAlgorithm(String),
    /// The header's `typ` is present and is not `JWT`.
    #[error("token type is not JWT")]
    UnsupportedType,
    /// The header carries a parameter that would let the token choose its own key or
    /// extensions (`jku`, `x5u`, `jwk`, `x5c`, `crit`).
    #[error("token header parameter {0:?} is not accepted")]
    ForbiddenHeaderParameter(&'static str),
    /// The header has no `kid`.
    #[error("token header has no kid")]
    MissingKeyId,
    /// No key in the key set has this `kid`. The caller may refresh the key set (once,
    /// rate-limited) and try again: the issuer may have rotated its keys.
    #[error("token key id {0:?} is not in the key set")]
    UnknownKeyId(String),
    /// The RS256 signature does not verify under the key named by `kid`.
    #[error("token signature does not verify")]
    BadSignature,
    /// `iss` is missing or not exactly the configured issuer.
    #[error("token issuer is not the configured issuer")]
    WrongIssuer,
    /// `aud` is missing.
    #[error("token has no audience")]
    MissingAudience,
    /// `aud` does not contain the configured audience.
    #[error("token audience is not the configured audience")]
    WrongAudience,
    /// A required claim is absent.
    #[error("token has no {0} claim")]
    MissingClaim(&'static str),
    /// A time claim is not a non-negative JSON integer.
    #[error("token {0} claim is not a number of seconds")]
    TimeClaimNotInteger(&'static str),
    /// `exp` (plus leeway) has passed.
    #[error("token has expired")]
    Expired,
    /// `nbf` (minus leeway) is still in the future.
    #[error("token is not valid yet")]
    NotYetValid,
    /// `iat` is further in the future than the leeway allows.
    #[error("token was issued in the future")]
    IssuedInFuture,
    /// `exp` is not after `iat`.
    #[error("token expires before it was issued")]
    ExpiresBeforeIssued,
    /// `exp - iat` exceeds [`crate::MAX_TOKEN_LIFETIME_SECS`].
    #[error("token lifetime exceeds {max_secs} seconds")]
    LifetimeTooLong {
        /// The cap in seconds.
        max_secs: u64,
    },
    /// The workflow ran for a `pull_request_target` event, which runs with the base
    /// repository's identity on behalf of code from a fork.
    #[error("tokens from pull_request_target workflows are not accepted")]
    PullRequestTarget,
    /// `repository` does not belong to `repository_owner`.
    #[error("token repository and repository_owner claims disagree")]
    InconsistentClaims,
    /// No rule of `oidc_allowed_repositories` admits this workflow.
    #[error("repository is not allowed to authenticate")]
    RepositoryNotAllowed,
}

/// Why a JWKS document or an OpenID configuration could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeySetError {
    /// Larger than [`crate::MAX_KEY_SET_BYTES`].
    #[error("document is longer than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Not the JSON shape expected.
    #[error("document is malformed: {0}")]
    Malformed(&'static str),
    /// The JWKS holds no RSA signing key usable for RS256.
    #[error("key set holds no usable RS256 key")]
    NoUsableKeys,
    /// The OpenID configuration names a different issuer.
    #[error("openid configuration is for a different issuer")]
    IssuerMismatch,
    /// The OpenID configuration points `jwks_uri` away from the issuer's origin.
    #[error("jwks_uri is not on the issuer's origin")]
    ForeignJwksUri,
}

/// Why an exchanged token could not be issued or is no longer good.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExchangeError {
    /// The requested lifetime is zero or above [`crate::MAX_EXCHANGED_TOKEN_LIFETIME_SECS`].
    #[error("exchanged token lifetime must be between 1 and {max_secs} seconds")]
    InvalidLifetime {
        /// The cap in seconds.
        max_secs: u64,
    },
    /// The random bytes are all zero: the random source failed.
    #[error("random bytes for the exchanged token are all zero")]
    BadRandomness,
    /// The OIDC identity being exchanged has already expired.
    #[error("identity to exchange has expired")]
    IdentityExpired,
    /// The exchanged token's lifetime is over.
    #[error("exchanged token has expired")]
    Expired,
    /// The stored record cannot be read (unknown version or corrupt).
    #[error("exchanged token record is unreadable: {0}")]
    UnreadableRecord(&'static str),
    /// The repository behind the token is no longer admitted by the current policy.
    #[error("repository is no longer allowed to authenticate")]
    NoLongerAllowed,
    /// `oidc_issuer` or `oidc_audience` has changed since the token was issued.
    #[error("it was issued under another OIDC issuer or audience")]
    IssuedUnderOtherSettings,
}
