//! Finding the key set through the issuer's OpenID configuration.

use crate::errors::KeySetError;
use crate::issuer::Origin;
use serde::Deserialize;

/// OpenID configurations are small; this bounds what a bad endpoint can make us parse.
const MAX_CONFIGURATION_BYTES: usize = 64 * 1024;

#[derive(Deserialize)]
struct OpenIdConfiguration {
    issuer: Option<String>,
    jwks_uri: String,
}

/// Reads `jwks_uri` from the issuer's OpenID configuration document.
///
/// The URI must be on the issuer's own origin (scheme, host, port): a configuration that sends
/// us elsewhere for keys is how a compromised or spoofed document would substitute its own.
/// The document's `issuer`, when present, must equal `issuer` exactly (Discovery §4.3).
pub fn jwks_uri_from_openid_configuration(
    json: &[u8],
    issuer: &str,
) -> Result<String, KeySetError> {
    if json.len() > MAX_CONFIGURATION_BYTES {
        return Err(KeySetError::TooLarge {
            limit: MAX_CONFIGURATION_BYTES,
        });
    }
    let configuration: OpenIdConfiguration = serde_json::from_slice(json)
        .map_err(|_| KeySetError::Malformed("expected a JSON object with a string jwks_uri"))?;
    if configuration
        .issuer
        .as_deref()
        .is_some_and(|named| named != issuer)
    {
        return Err(KeySetError::IssuerMismatch);
    }
    if configuration
        .jwks_uri
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(KeySetError::Malformed("jwks_uri contains whitespace"));
    }
    let issuer_origin =
        Origin::parse(issuer).ok_or(KeySetError::Malformed("the issuer is not an http(s) URL"))?;
    let jwks_origin = Origin::parse(&configuration.jwks_uri)
        .ok_or(KeySetError::Malformed("jwks_uri is not an http(s) URL"))?;
    if jwks_origin != issuer_origin {
        return Err(KeySetError::ForeignJwksUri);
    }
    Ok(configuration.jwks_uri)
}
