//! GitHub Actions OIDC for wharf: verifying the tokens a workflow presents, deciding which
//! repositories may authenticate, and issuing wharf's own short-lived tokens afterwards.
//!
//! Sans-IO: no network, no clock, no randomness of its own. The component fetches the key set
//! ([`jwks_url`], or [`openid_configuration_url`] then [`jwks_uri_from_openid_configuration`]),
//! caches it, passes the current time as `now_unix`, and passes random bytes in. That keeps
//! every decision here natively testable and the crate buildable for `wasm32-wasip2`.
//!
//! Flow in the auth component:
//! 1. [`OidcPolicy::from_settings`] from `oidc_issuer`, `oidc_audience`,
//!    `oidc_allowed_repositories` (`None` = OIDC off).
//! 2. [`verify_oidc_token`] with the cached [`KeySet`]; on [`OidcError::UnknownKeyId`],
//!    refresh the key set once (rate-limited) and retry.
//! 3. Optionally [`ExchangedToken::issue`] a `wharf_…` token that outlives GitHub's five
//!    minutes; later presentations go through [`storage_key`] and
//!    [`ExchangedTokenRecord::check`].
//!
//! Caching the key set, counting failed attempts and storing exchanged tokens in key-value is
//! the `verifier` crate's job.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod audience;
mod base64url;
mod claims;
mod compact_jws;
mod discovery;
mod errors;
mod exchanged_token;
mod identity;
mod issuer;
mod jose_header;
mod key_set;
mod policy;
mod printable;
mod repository_rule;
mod sha256_hex;
mod token_times;
mod verify;

pub use discovery::jwks_uri_from_openid_configuration;
pub use errors::{ExchangeError, KeySetError, OidcConfigError, OidcError};
pub use exchanged_token::{
    looks_like_exchanged_token, storage_key, ExchangedToken, ExchangedTokenRecord,
    EXCHANGED_TOKEN_PREFIX, MAX_EXCHANGED_TOKEN_LIFETIME_SECS,
};
pub use identity::GithubActionsIdentity;
pub use issuer::{jwks_url, openid_configuration_url};
pub use jose_header::ACCEPTED_ALGORITHM;
pub use key_set::{KeySet, MAX_KEY_SET_BYTES};
pub use policy::OidcPolicy;
pub use repository_rule::{ClaimConstraint, ConstrainedClaim, RepositoryRule};
pub use token_times::{CLOCK_LEEWAY_SECS, MAX_TOKEN_LIFETIME_SECS};
pub use verify::{verify_oidc_token, MAX_TOKEN_BYTES};
