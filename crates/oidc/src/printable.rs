//! Making attacker-chosen header values safe to put into an error message (and so a log line).

/// Keeps at most `max_chars` characters, replacing anything but visible ASCII with `?`, so a
/// crafted value can neither forge log lines nor flood them.
pub(crate) fn printable(value: &str, max_chars: usize) -> String {
    let mut shown: String = value
        .chars()
        .take(max_chars)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if value.chars().count() > max_chars {
        shown.push_str("...");
    }
    shown
}

/// Whether `value` is short, visible ASCII: the shape of every `kid` GitHub has published.
pub(crate) fn is_short_visible_ascii(value: &str, max_len: usize) -> bool {
    !value.is_empty() && value.len() <= max_len && value.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_control_characters_and_truncates() {
        assert_eq!(printable("RS256", 16), "RS256");
        assert_eq!(printable("a\nb", 16), "a?b");
        assert_eq!(printable("abcdef", 3), "abc...");
    }

    #[test]
    fn short_visible_ascii() {
        assert!(is_short_visible_ascii("38826b17", 8));
        assert!(!is_short_visible_ascii("", 8));
        assert!(!is_short_visible_ascii("a b", 8));
        assert!(!is_short_visible_ascii("123456789", 8));
    }
}
