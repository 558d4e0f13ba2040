//! Percent-encoding for untrusted names placed into request paths and queries.
//!
//! Everything outside RFC 3986's unreserved set is encoded, so no input can add a path
//! segment, a query or a fragment to a GitHub URL.

/// Encodes every byte except `A-Z a-z 0-9 - . _ ~`.
pub(crate) fn encode_component(text: &str) -> String {
    encode(text, false)
}

/// Like [`encode_component`] but keeps `/` literal, for values whose slashes GitHub's routes
/// expect as they are (tag names like `release/1.0`, file paths). Callers validate first
/// that such values have no empty, `.` or `..` segments.
pub(crate) fn encode_keeping_slashes(text: &str) -> String {
    encode(text, true)
}

fn encode(text: &str, keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        if unreserved || (keep_slash && byte == b'/') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_pass_through() {
        assert_eq!(encode_component("Az09-._~"), "Az09-._~");
    }

    #[test]
    fn delimiters_and_non_ascii_are_encoded() {
        assert_eq!(
            encode_component("a/b?c#d%e f+g&h"),
            "a%2Fb%3Fc%23d%25e%20f%2Bg%26h"
        );
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn slashes_kept_only_when_asked() {
        assert_eq!(encode_keeping_slashes("release/1.0+b"), "release/1.0%2Bb");
        assert_eq!(encode_component("release/1.0"), "release%2F1.0");
    }
}
