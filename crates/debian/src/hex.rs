//! Lowercase hex, the spelling every Debian index uses for digests.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Encodes `bytes` as lowercase hex.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// True when `text` is exactly `len` lowercase hex digits.
pub(crate) fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| DIGITS.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_every_nibble() {
        assert_eq!(to_hex(&[0x00, 0x1f, 0xa0, 0xff]), "001fa0ff");
        assert_eq!(to_hex(&[]), "");
    }

    #[test]
    fn recognises_lowercase_hex_of_the_right_length() {
        assert!(is_lower_hex("00ff", 4));
        assert!(!is_lower_hex("00FF", 4));
        assert!(!is_lower_hex("00f", 4));
        assert!(!is_lower_hex("00fg", 4));
    }
}
