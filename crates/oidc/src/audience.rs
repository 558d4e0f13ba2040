//! The `aud` claim: proof the token was minted for this registry and no other service.

use crate::errors::OidcError;
use serde_json::Value;

/// `aud` may be one string or an array of strings (RFC 7519 §4.1.3); ours must be among them,
/// byte for byte. GitHub's default audience (`https://github.com/<owner>`) is just another
/// string here: it passes only if the operator configured it literally.
pub(crate) fn check_audience(aud: Option<&Value>, configured: &str) -> Result<(), OidcError> {
    match aud {
        None | Some(Value::Null) => Err(OidcError::MissingAudience),
        Some(Value::String(single)) if single == configured => Ok(()),
        Some(Value::String(_)) => Err(OidcError::WrongAudience),
        Some(Value::Array(items)) => {
            if !items.iter().all(Value::is_string) {
                return Err(OidcError::Malformed(
                    "aud holds something other than strings",
                ));
            }
            if items.iter().any(|item| item.as_str() == Some(configured)) {
                Ok(())
            } else {
                Err(OidcError::WrongAudience)
            }
        }
        Some(_) => Err(OidcError::Malformed(
            "aud is neither a string nor an array of strings",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_or_array_containing_ours() {
        assert_eq!(check_audience(Some(&json!("wharf")), "wharf"), Ok(()));
        assert_eq!(
            check_audience(Some(&json!(["other", "wharf"])), "wharf"),
            Ok(())
        );
    }

    #[test]
    fn near_misses_are_refused() {
        for aud in [json!("Wharf"), json!("wharf "), json!([]), json!(["other"])] {
            assert_eq!(
                check_audience(Some(&aud), "wharf"),
                Err(OidcError::WrongAudience),
                "{aud}"
            );
        }
        assert_eq!(
            check_audience(None, "wharf"),
            Err(OidcError::MissingAudience)
        );
        assert!(matches!(
            check_audience(Some(&json!(["wharf", 1])), "wharf"),
            Err(OidcError::Malformed(_))
        ));
        assert!(matches!(
            check_audience(Some(&json!({"wharf": true})), "wharf"),
            Err(OidcError::Malformed(_))
        ));
    }
}
