//! Decoding the claims set of a token whose signature has already been verified.

use crate::base64url;
use crate::errors::OidcError;
use crate::identity::GithubActionsIdentity;
use crate::jose_header::parse_json_object;
use crate::token_times::{numeric_date, TokenTimes};
use serde::Deserialize;
use serde_json::Value;

/// The claims this crate reads. Unknown claims (GitHub adds new ones) are ignored; `sub` is
/// deliberately not read at all, so nothing can come to depend on its format.
#[derive(Deserialize)]
pub(crate) struct ClaimFields {
    pub(crate) iss: Option<String>,
    pub(crate) aud: Option<Value>,
    exp: Option<Value>,
    nbf: Option<Value>,
    iat: Option<Value>,
    pub(crate) event_name: Option<String>,
    repository: Option<String>,
    repository_owner: Option<String>,
    repository_id: Option<String>,
    repository_owner_id: Option<String>,
    #[serde(rename = "ref")]
    ref_: Option<String>,
    environment: Option<String>,
    job_workflow_ref: Option<String>,
}

impl ClaimFields {
    pub(crate) fn decode(segment: &str) -> Result<ClaimFields, OidcError> {
        let bytes =
            base64url::decode(segment).ok_or(OidcError::Malformed("claims are not base64url"))?;
        parse_json_object(&bytes).ok_or(OidcError::Malformed(
            "claims are not a JSON object of the expected types",
        ))
    }

    pub(crate) fn times(&self) -> Result<TokenTimes, OidcError> {
        let expires_at =
            numeric_date(self.exp.as_ref(), "exp")?.ok_or(OidcError::MissingClaim("exp"))?;
        let issued_at =
            numeric_date(self.iat.as_ref(), "iat")?.ok_or(OidcError::MissingClaim("iat"))?;
        let not_before = numeric_date(self.nbf.as_ref(), "nbf")?;
        Ok(TokenTimes {
            expires_at,
            issued_at,
            not_before,
        })
    }

    /// The identity, once the repository claims are present and agree with each other.
    pub(crate) fn into_identity(self, expires_at: u64) -> Result<GithubActionsIdentity, OidcError> {
        let repository = self
            .repository
            .ok_or(OidcError::MissingClaim("repository"))?;
        let repository_owner = self
            .repository_owner
            .ok_or(OidcError::MissingClaim("repository_owner"))?;
        let consistent = repository.split_once('/').is_some_and(|(owner, name)| {
            owner.eq_ignore_ascii_case(&repository_owner) && !name.is_empty() && !name.contains('/')
        });
        if !consistent {
            return Err(OidcError::InconsistentClaims);
        }
        Ok(GithubActionsIdentity {
            repository,
            repository_owner,
            repository_id: self.repository_id,
            repository_owner_id: self.repository_owner_id,
            ref_: self.ref_,
            environment: self.environment,
            job_workflow_ref: self.job_workflow_ref,
            expires_at,
        })
    }
}
