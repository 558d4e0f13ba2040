//! The JOSE header: the one place a token may try to choose how it is verified.

use crate::base64url;
use crate::errors::OidcError;
use crate::key_set::MAX_KEY_ID_LEN;
use crate::printable::{is_short_visible_ascii, printable};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

/// The only algorithm accepted. It is fixed by configuration, never taken from the token:
/// trusting `alg` is how `none` and HS256-keyed-with-the-public-key forgeries work.
pub const ACCEPTED_ALGORITHM: &str = "RS256";

/// What verification needs from a header that passed every check.
pub(crate) struct JoseHeader {
    pub(crate) kid: String,
}

#[derive(Deserialize)]
struct HeaderFields {
    alg: Option<String>,
    typ: Option<String>,
    kid: Option<String>,
    // Parameters that point at keys or demand extensions. Their mere presence (even as
    // `null`) is refused, so these record presence rather than value.
    #[serde(default, deserialize_with = "present")]
    jku: bool,
    #[serde(default, deserialize_with = "present")]
    x5u: bool,
    #[serde(default, deserialize_with = "present")]
    jwk: bool,
    #[serde(default, deserialize_with = "present")]
    x5c: bool,
    #[serde(default, deserialize_with = "present")]
    crit: bool,
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(deserializer)?;
    Ok(true)
}

impl JoseHeader {
    pub(crate) fn decode(segment: &str) -> Result<JoseHeader, OidcError> {
        let bytes =
            base64url::decode(segment).ok_or(OidcError::Malformed("header is not base64url"))?;
        let fields = parse_json_object::<HeaderFields>(&bytes).ok_or(OidcError::Malformed(
            "header is not a JSON object of the JOSE shape",
        ))?;

        let alg = fields
            .alg
            .ok_or(OidcError::Malformed("header has no alg"))?;
        if alg != ACCEPTED_ALGORITHM {
            return Err(OidcError::UnsupportedAlgorithm(printable(&alg, 16)));
        }
        if fields.typ.as_deref().is_some_and(|typ| typ != "JWT") {
            return Err(OidcError::UnsupportedType);
        }
        for (name, is_present) in [
            ("jku", fields.jku),
            ("x5u", fields.x5u),
            ("jwk", fields.jwk),
            ("x5c", fields.x5c),
            ("crit", fields.crit),
        ] {
            if is_present {
                return Err(OidcError::ForbiddenHeaderParameter(name));
            }
        }
        let kid = fields.kid.ok_or(OidcError::MissingKeyId)?;
        if !is_short_visible_ascii(&kid, MAX_KEY_ID_LEN) {
            return Err(OidcError::Malformed("kid is not short visible ASCII"));
        }
        Ok(JoseHeader { kid })
    }
}

/// Parses `bytes` as a JSON object into `T`. serde's derived structs would also accept a JSON
/// array (filling fields by position); a header or claims set must be an object.
pub(crate) fn parse_json_object<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Option<T> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    serde_json::from_slice(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(json: &str) -> Result<JoseHeader, OidcError> {
        JoseHeader::decode(&base64url::encode(json.as_bytes()))
    }

    #[test]
    fn accepts_rs256_with_kid() {
        let decoded = header(r#"{"alg":"RS256","typ":"JWT","kid":"k1","x5t":"abc"}"#).unwrap();
        assert_eq!(decoded.kid, "k1");
        assert!(header(r#"{"alg":"RS256","kid":"k1"}"#).is_ok());
    }

    #[test]
    fn null_key_parameters_are_still_refused() {
        assert_eq!(
            header(r#"{"alg":"RS256","kid":"k1","jku":null}"#).err(),
            Some(OidcError::ForbiddenHeaderParameter("jku"))
        );
    }

    #[test]
    fn arrays_and_duplicates_are_malformed() {
        assert!(matches!(
            header(r#"["RS256","JWT","k1"]"#),
            Err(OidcError::Malformed(_))
        ));
        assert!(matches!(
            header(r#"{"alg":"none","alg":"RS256","kid":"k1"}"#),
            Err(OidcError::Malformed(_))
        ));
    }

    #[test]
    fn wrongly_typed_fields_are_malformed() {
        assert!(matches!(
            header(r#"{"alg":["RS256"],"kid":"k1"}"#),
            Err(OidcError::Malformed(_))
        ));
        assert!(matches!(
            header(r#"{"alg":"RS256","kid":1}"#),
            Err(OidcError::Malformed(_))
        ));
    }

    #[test]
    fn unprintable_alg_is_sanitised_in_the_error() {
        assert_eq!(
            header("{\"alg\":\"RS256\\n\",\"kid\":\"k1\"}").err(),
            Some(OidcError::UnsupportedAlgorithm("RS256?".to_string()))
        );
    }
}
