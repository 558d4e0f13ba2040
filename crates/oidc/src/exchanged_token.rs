//! wharf's own short-lived tokens, issued after a valid OIDC login.
//!
//! GitHub's OIDC tokens live about five minutes; a long `apt` run outlives that. After one
//! successful OIDC verification the component issues an exchanged token: 32 random bytes
//! presented as `wharf_<base64url>`, stored in key-value under the SHA-256 of the token (so
//! the store never holds a usable credential) with a record of whom it speaks for and of the
//! issuer and audience it was verified against: a token is only as good as the settings that
//! admitted it, so changing `oidc_issuer` or `oidc_audience` ends every token issued before.

use crate::base64url;
use crate::errors::ExchangeError;
use crate::identity::GithubActionsIdentity;
use crate::policy::OidcPolicy;
use crate::sha256_hex::sha256_hex;
use serde::Deserialize;
use std::fmt;

/// Every exchanged token starts with this, so it is told apart from JWTs and static tokens.
pub const EXCHANGED_TOKEN_PREFIX: &str = "wharf_";

/// Longest lifetime an exchanged token may be issued for.
pub const MAX_EXCHANGED_TOKEN_LIFETIME_SECS: u64 = 3600;

const RANDOM_BYTES: usize = 32;
/// Unpadded base64url of 32 bytes.
const ENCODED_RANDOM_LEN: usize = 43;
const STORAGE_KEY_PREFIX: &str = "v1/exchanged-token/";
/// v2 added the issuer and audience; a v1 record cannot be tied to them and is refused.
const RECORD_VERSION_PREFIX: &[u8] = b"v2\n";

/// A freshly issued exchanged token. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ExchangedToken(String);

impl ExchangedToken {
    /// Issues a token for `identity` (verified under `policy`), good for `lifetime_secs` (1 to
    /// [`MAX_EXCHANGED_TOKEN_LIFETIME_SECS`]) from `now_unix`.
    ///
    /// `random_bytes` must come from a cryptographically secure source (wasi:random in the
    /// component). The caller stores `record.serialize()` under `token.storage_key()` and
    /// hands `token.as_str()` to the client.
    pub fn issue(
        random_bytes: [u8; RANDOM_BYTES],
        identity: &GithubActionsIdentity,
        policy: &OidcPolicy,
        now_unix: u64,
        lifetime_secs: u64,
    ) -> Result<(ExchangedToken, ExchangedTokenRecord), ExchangeError> {
        if lifetime_secs == 0 || lifetime_secs > MAX_EXCHANGED_TOKEN_LIFETIME_SECS {
            return Err(ExchangeError::InvalidLifetime {
                max_secs: MAX_EXCHANGED_TOKEN_LIFETIME_SECS,
            });
        }
        // Cheap tripwire for a random source that returned nothing.
        if random_bytes.iter().all(|&b| b == 0) {
            return Err(ExchangeError::BadRandomness);
        }
        if now_unix >= identity.expires_at.saturating_add(crate::CLOCK_LEEWAY_SECS) {
            return Err(ExchangeError::IdentityExpired);
        }
        let token = ExchangedToken(format!(
            "{EXCHANGED_TOKEN_PREFIX}{}",
            base64url::encode(&random_bytes)
        ));
        let record = ExchangedTokenRecord {
            issuer: policy.issuer().to_owned(),
            audience: policy.audience().to_owned(),
            repository: identity.repository.clone(),
            repository_owner: identity.repository_owner.clone(),
            repository_id: identity.repository_id.clone(),
            repository_owner_id: identity.repository_owner_id.clone(),
            ref_: identity.ref_.clone(),
            environment: identity.environment.clone(),
            job_workflow_ref: identity.job_workflow_ref.clone(),
            expires_at: now_unix.saturating_add(lifetime_secs),
        };
        Ok((token, record))
    }

    /// The token as the client presents it (`wharf_…`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The token as an owned string, to put into a response.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The key-value key for this token's record.
    pub fn storage_key(&self) -> String {
        storage_key(&self.0)
    }
}

impl fmt::Debug for ExchangedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExchangedToken(<redacted>)")
    }
}

/// The key-value key for a presented token: `v1/exchanged-token/<hex sha256>`. The key
/// never contains the token, so a leaked key listing grants nothing.
pub fn storage_key(presented: &str) -> String {
    format!("{STORAGE_KEY_PREFIX}{}", sha256_hex(presented.as_bytes()))
}

/// Whether `candidate` has the exact shape of an exchanged token, so a component can route
/// it to a key-value lookup instead of JWT verification or static-token comparison.
pub fn looks_like_exchanged_token(candidate: &str) -> bool {
    candidate
        .strip_prefix(EXCHANGED_TOKEN_PREFIX)
        .filter(|encoded| encoded.len() == ENCODED_RANDOM_LEN)
        .and_then(base64url::decode)
        .is_some_and(|bytes| bytes.len() == RANDOM_BYTES)
}

/// What is stored for an exchanged token: the workflow it speaks for, the issuer and audience
/// its OIDC token was verified against, and when it expires. It holds no secret, so reading
/// the store does not yield a credential.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangedTokenRecord {
    issuer: String,
    audience: String,
    repository: String,
    repository_owner: String,
    repository_id: Option<String>,
    repository_owner_id: Option<String>,
    #[serde(rename = "ref")]
    ref_: Option<String>,
    environment: Option<String>,
    job_workflow_ref: Option<String>,
    expires_at: u64,
}

impl ExchangedTokenRecord {
    /// Unix time at which the token stops being accepted.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The repository the token speaks for.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// Bytes for key-value: a version line, then JSON.
    pub fn serialize(&self) -> Vec<u8> {
        let json = serde_json::json!({
            "issuer": self.issuer,
            "audience": self.audience,
            "repository": self.repository,
            "repository_owner": self.repository_owner,
            "repository_id": self.repository_id,
            "repository_owner_id": self.repository_owner_id,
            "ref": self.ref_,
            "environment": self.environment,
            "job_workflow_ref": self.job_workflow_ref,
            "expires_at": self.expires_at,
        });
        let mut bytes = RECORD_VERSION_PREFIX.to_vec();
        bytes.extend_from_slice(json.to_string().as_bytes());
        bytes
    }

    /// Reads bytes written by [`ExchangedTokenRecord::serialize`].
    pub fn deserialize(bytes: &[u8]) -> Result<ExchangedTokenRecord, ExchangeError> {
        let json = bytes
            .strip_prefix(RECORD_VERSION_PREFIX)
            .ok_or(ExchangeError::UnreadableRecord("unknown version"))?;
        serde_json::from_slice(json).map_err(|_| ExchangeError::UnreadableRecord("corrupt JSON"))
    }

    /// The identity behind the token, if it has not expired at `now_unix`, was issued under
    /// the current issuer and audience, and the current policy still admits it. Re-checking
    /// means changing `oidc_issuer` or `oidc_audience`, removing a repository from
    /// `oidc_allowed_repositories`, or turning OIDC off revokes exchanged tokens too.
    pub fn check(
        &self,
        now_unix: u64,
        policy: &OidcPolicy,
    ) -> Result<GithubActionsIdentity, ExchangeError> {
        // No leeway: wharf issued this against its own clock.
        if now_unix >= self.expires_at {
            return Err(ExchangeError::Expired);
        }
        if self.issuer != policy.issuer() || self.audience != policy.audience() {
            return Err(ExchangeError::IssuedUnderOtherSettings);
        }
        let identity = GithubActionsIdentity {
            repository: self.repository.clone(),
            repository_owner: self.repository_owner.clone(),
            repository_id: self.repository_id.clone(),
            repository_owner_id: self.repository_owner_id.clone(),
            ref_: self.ref_.clone(),
            environment: self.environment.clone(),
            job_workflow_ref: self.job_workflow_ref.clone(),
            expires_at: self.expires_at,
        };
        policy
            .authorize(&identity)
            .map_err(|_| ExchangeError::NoLongerAllowed)?;
        Ok(identity)
    }
}
