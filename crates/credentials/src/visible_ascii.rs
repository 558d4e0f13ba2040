//! The character rule shared by configured API tokens and presented Bearer tokens.

/// Whether `text` is non-empty and made only of visible ASCII (`!` through `~`).
///
/// This is wider than RFC 6750's b64token alphabet on purpose: the point is to refuse
/// whitespace, control characters and non-ASCII (which break header transport and logs), not
/// to police which printable characters an operator chose for a token. Using one rule for both
/// sides means every configured token can actually be presented.
pub(crate) fn is_visible_ascii(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_printable_ascii() {
        assert!(is_visible_ascii("abcXYZ019-._~+/="));
        assert!(is_visible_ascii("!\"#$%&'()*,:;<>?@[\\]^`{|}"));
    }

    #[test]
    fn rejects_empty() {
        assert!(!is_visible_ascii(""));
    }

    #[test]
    fn rejects_whitespace_control_and_non_ascii() {
        assert!(!is_visible_ascii("abc def"));
        assert!(!is_visible_ascii("abc\tdef"));
        assert!(!is_visible_ascii("abc\ndef"));
        assert!(!is_visible_ascii("abc\u{7f}"));
        assert!(!is_visible_ascii("abc\u{0}"));
        assert!(!is_visible_ascii("abcé"));
    }
}
