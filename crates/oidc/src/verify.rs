//! Verifying a GitHub Actions OIDC token end to end.

use crate::audience::check_audience;
use crate::base64url;
use crate::claims::ClaimFields;
use crate::compact_jws::CompactJws;
use crate::errors::OidcError;
use crate::identity::GithubActionsIdentity;
use crate::jose_header::JoseHeader;
use crate::key_set::KeySet;
use crate::policy::OidcPolicy;
use rsa::pkcs1v15::Signature;
use rsa::signature::Verifier;

/// Tokens longer than this are refused unread. GitHub's are about 1–2 KB.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The event whose workflows run with the base repository's identity on a fork's behalf.
const PULL_REQUEST_TARGET: &str = "pull_request_target";

/// Verifies `token` (a compact JWS) against the policy and key set at `now_unix`, and returns
/// the workflow it speaks for.
///
/// Order matters: the header is checked and the RS256 signature verified before any claim
/// is read, so nothing an attacker can write unsigned influences the outcome beyond the
/// choice of `kid`. [`OidcError::UnknownKeyId`] tells the caller to refresh the key set
/// (once, rate-limited) and try again.
pub fn verify_oidc_token(
    token: &str,
    policy: &OidcPolicy,
    keys: &KeySet,
    now_unix: u64,
) -> Result<GithubActionsIdentity, OidcError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(OidcError::TooLarge {
            limit: MAX_TOKEN_BYTES,
        });
    }
    let jws = CompactJws::split(token)?;
    let header = JoseHeader::decode(jws.header)?;
    let key = keys
        .verifying_key(&header.kid)
        .ok_or_else(|| OidcError::UnknownKeyId(header.kid.clone()))?;
    let signature_bytes = base64url::decode(jws.signature)
        .ok_or(OidcError::Malformed("signature is not base64url"))?;
    let signature =
        Signature::try_from(signature_bytes.as_slice()).map_err(|_| OidcError::BadSignature)?;
    key.verify(jws.signing_input.as_bytes(), &signature)
        .map_err(|_| OidcError::BadSignature)?;

    let claims = ClaimFields::decode(jws.payload)?;
    if claims.iss.as_deref() != Some(policy.issuer()) {
        return Err(OidcError::WrongIssuer);
    }
    check_audience(claims.aud.as_ref(), policy.audience())?;
    let times = claims.times()?;
    times.check(now_unix)?;
    if claims.event_name.as_deref() == Some(PULL_REQUEST_TARGET) {
        return Err(OidcError::PullRequestTarget);
    }
    let identity = claims.into_identity(times.expires_at)?;
    policy.authorize(&identity)?;
    Ok(identity)
}
