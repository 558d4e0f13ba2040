//! Recognising a JWT by its shape, so a client sending one gets a useful message.

/// Whether `token` looks like a compact JWS: three non-empty base64url segments joined by '.'.
///
/// Only the shape is checked; this never decides that a token is valid.
pub fn has_jwt_shape(token: &str) -> bool {
    let segments: Vec<&str> = token.split('.').collect();
    segments.len() == 3
        && segments
            .iter()
            .all(|segment| !segment.is_empty() && segment.bytes().all(is_base64url_byte))
}

/// JWTs use the URL-safe alphabet without padding (RFC 7515).
fn is_base64url_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_base64url_segments_are_jwt_shaped() {
        assert!(has_jwt_shape("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_"));
        assert!(has_jwt_shape("a.b.c"));
    }

    #[test]
    fn wrong_segment_count_is_not_jwt_shaped() {
        assert!(!has_jwt_shape("abc"));
        assert!(!has_jwt_shape("a.b"));
        assert!(!has_jwt_shape("a.b.c.d"));
    }

    #[test]
    fn empty_segments_are_not_jwt_shaped() {
        assert!(!has_jwt_shape("a..c"));
        assert!(!has_jwt_shape(".b.c"));
        assert!(!has_jwt_shape("a.b."));
        assert!(!has_jwt_shape(""));
    }

    #[test]
    fn non_base64url_characters_are_not_jwt_shaped() {
        assert!(!has_jwt_shape("a+.b.c"));
        assert!(!has_jwt_shape("a.b/.c"));
        assert!(!has_jwt_shape("a.b.c="));
    }
}
