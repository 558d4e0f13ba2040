//! Splitting a compact JWS (RFC 7515 §7.1) into its three parts, before anything is decoded.

use crate::errors::OidcError;

/// `header.payload.signature`, still base64url-encoded.
pub(crate) struct CompactJws<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header.payload`: the bytes the signature covers.
    pub(crate) signing_input: &'a str,
}

impl<'a> CompactJws<'a> {
    pub(crate) fn split(token: &'a str) -> Result<CompactJws<'a>, OidcError> {
        let mut segments = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(OidcError::Malformed(
                "expected three dot-separated segments",
            ));
        };
        if header.is_empty() || payload.is_empty() {
            return Err(OidcError::Malformed("a header or claims segment is empty"));
        }
        // An empty signature segment is left for later, so that `alg: none` tokens are
        // refused for their algorithm: the clearer reason.
        let signing_input = &token[..header.len() + 1 + payload.len()];
        Ok(CompactJws {
            header,
            payload,
            signature,
            signing_input,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_three_segments() {
        let jws = CompactJws::split("aGVhZGVy.Y2xhaW1z.c2ln").unwrap();
        assert_eq!(jws.header, "aGVhZGVy");
        assert_eq!(jws.payload, "Y2xhaW1z");
        assert_eq!(jws.signature, "c2ln");
        assert_eq!(jws.signing_input, "aGVhZGVy.Y2xhaW1z");
    }

    #[test]
    fn keeps_an_empty_signature_for_later() {
        assert_eq!(CompactJws::split("a.b.").map(|j| j.signature), Ok(""));
    }

    #[test]
    fn refuses_other_shapes() {
        for token in ["", "a", "a.b", "a.b.c.d", ".b.c", "a..c", "..", "a.b.c."] {
            assert!(CompactJws::split(token).is_err(), "{token:?}");
        }
    }
}
