//! The base64url flavour JOSE uses (RFC 7515 §2): URL-safe alphabet, no padding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Decodes strictly: padding, the standard alphabet's `+`/`/` and non-zero trailing bits are
/// refused, so every byte string has exactly one accepted encoding.
pub(crate) fn decode(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment).ok()
}

pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(decode(&encode(b"wharf")).as_deref(), Some(&b"wharf"[..]));
    }

    #[test]
    fn refuses_padding_and_standard_alphabet() {
        assert_eq!(decode("d2hhcmY="), None);
        assert_eq!(decode("+/+/"), None);
    }

    #[test]
    fn refuses_non_canonical_trailing_bits() {
        // "QQ" is the canonical encoding of "A"; "QR" differs only in bits that must be zero.
        assert!(decode("QQ").is_some());
        assert_eq!(decode("QR"), None);
    }
}
