//! The request path, percent-decoded exactly once, here, before any component matches a route
//! or names a file, a GitHub object or a key-value entry with it.
//!
//! Clients encode what they like: apt sends `~` and `+` as `%7e` and `%2b`, others send them
//! as they are. Decoding once, into segments, makes both the same name. What decoding could
//! turn into structure is refused instead of followed: an encoded separator (`%2f`, `%5c`), a
//! `.` or `..` segment however it was written, an empty segment, NUL or any other control
//! character, bytes that are not UTF-8, and a `%` that is not an escape. A decoded segment is
//! never decoded again, so `%252e%252e` stays the literal name `%2e%2e`.

use std::fmt;

/// Longer request paths are refused: wharf's longest real path (a GitHub release asset below
/// `pool/github/{owner}/{repo}/{tag}/`) is well under a kilobyte even fully encoded.
pub const MAX_PATH_BYTES: usize = 8 * 1024;

/// A request path split into decoded segments, each a plain name: non-empty, not `.` or `..`,
/// without `/`, `\` or control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPath {
    segments: Vec<String>,
}

/// Why a request path was refused. Messages are one line, safe to send to the client, and
/// never echo the path (it may be long or hostile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// The path does not start with `/` (an absolute-form or `*` request target).
    NotAbsolute,
    /// More than [`MAX_PATH_BYTES`].
    TooLong,
    /// A `%` not followed by two hex digits.
    MalformedEscape,
    /// A `/` or `\` that arrived encoded (`%2f`, `%5c`), or a literal `\`.
    EncodedSeparator,
    /// A `.` or `..` segment, literal or encoded.
    DotSegment,
    /// `//` or a trailing `/`.
    EmptySegment,
    /// NUL or another control character, literal or encoded.
    ControlCharacter,
    /// Decoded bytes that are not UTF-8 (overlong forms included).
    NotUtf8,
}

impl fmt::Display for PathError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self {
            PathError::NotAbsolute => "the request path must start with '/'",
            PathError::TooLong => "the request path is longer than 8 KiB",
            PathError::MalformedEscape => {
                "the request path has a '%' that is not followed by two hex digits"
            }
            PathError::EncodedSeparator => {
                "the request path has an encoded '/' or a '\\'; a name cannot contain them"
            }
            PathError::DotSegment => "the request path has a '.' or '..' segment",
            PathError::EmptySegment => {
                "the request path has an empty segment ('//' or a trailing '/')"
            }
            PathError::ControlCharacter => "the request path has a control character",
            PathError::NotUtf8 => "the request path does not decode to UTF-8",
        };
        formatter.write_str(reason)
    }
}

impl std::error::Error for PathError {}

impl RequestPath {
    /// Decodes the path of a request target as sent (no query string). `/` alone is the empty
    /// path (no segments).
    pub fn decode(raw: &str) -> Result<Self, PathError> {
        if raw.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        let below_root = raw.strip_prefix('/').ok_or(PathError::NotAbsolute)?;
        if below_root.is_empty() {
            return Ok(Self {
                segments: Vec::new(),
            });
        }
        let segments = below_root
            .split('/')
            .map(decode_segment)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { segments })
    }

    /// The decoded segments, for matching with slice patterns:
    /// `match path.segments().as_slice() { ["v1", "modules", namespace, ..] => … }`.
    pub fn segments(&self) -> Vec<&str> {
        self.segments.iter().map(String::as_str).collect()
    }
}

/// `/` followed by the decoded segments joined with `/`: the canonical form of the path,
/// unambiguous because no segment contains `/`.
impl fmt::Display for RequestPath {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return formatter.write_str("/");
        }
        for segment in &self.segments {
            write!(formatter, "/{segment}")?;
        }
        Ok(())
    }
}

fn decode_segment(raw: &str) -> Result<String, PathError> {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'%' => {
                let high = bytes.get(index + 1).and_then(|digit| hex_value(*digit));
                let low = bytes.get(index + 2).and_then(|digit| hex_value(*digit));
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(PathError::MalformedEscape);
                };
                let value = high << 4 | low;
                if value == b'/' || value == b'\\' {
                    return Err(PathError::EncodedSeparator);
                }
                decoded.push(value);
                index += 3;
            }
            b'\\' => return Err(PathError::EncodedSeparator),
            _ => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    let segment = String::from_utf8(decoded).map_err(|_| PathError::NotUtf8)?;
    if segment.chars().any(char::is_control) {
        return Err(PathError::ControlCharacter);
    }
    match segment.as_str() {
        "" => Err(PathError::EmptySegment),
        "." | ".." => Err(PathError::DotSegment),
        _ => Ok(segment),
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(raw: &str) -> Vec<String> {
        RequestPath::decode(raw)
            .unwrap_or_else(|error| panic!("{raw}: {error}"))
            .segments()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn refused(raw: &str) -> PathError {
        RequestPath::decode(raw).expect_err(raw)
    }

    #[test]
    fn plain_paths_split_into_segments() {
        assert_eq!(
            segments("/dists/stable/InRelease"),
            ["dists", "stable", "InRelease"]
        );
        assert_eq!(segments("/.well-known/terraform.json")[0], ".well-known");
        assert!(segments("/").is_empty());
        assert_eq!(RequestPath::decode("/").expect("root").to_string(), "/");
    }

    #[test]
    fn apt_escapes_decode_to_the_names_in_the_index() {
        // What apt sends for `pkg_1.0.0~rc1-1_amd64.deb` and `libfoo++1_2.0+dfsg-1_all.deb`.
        assert_eq!(
            segments("/pool/main/c/pkg/pkg_1.0.0%7erc1-1_amd64.deb")[4],
            "pkg_1.0.0~rc1-1_amd64.deb"
        );
        assert_eq!(
            segments("/pool/main/libf/libfoo%2b%2b1/libfoo%2B%2B1_2.0%2Bdfsg-1_all.deb")[3..],
            ["libfoo++1", "libfoo++1_2.0+dfsg-1_all.deb"]
        );
        // Unencoded, the same names.
        assert_eq!(
            segments("/pool/main/libf/libfoo++1/libfoo++1_2.0+dfsg-1_all.deb"),
            segments("/pool/main/libf/libfoo%2b%2b1/libfoo%2b%2b1_2.0%2bdfsg-1_all.deb")
        );
        // An epoch's colon, encoded or not; '+' is never a space in a path.
        assert_eq!(segments("/p/a_1%3a2.3+b")[1], "a_1:2.3+b");
        assert_eq!(segments("/p/a_1:2.3")[1], "a_1:2.3");
        assert_eq!(segments("/p/with%20space")[1], "with space");
    }

    #[test]
    fn non_ascii_names_decode_from_utf8() {
        assert_eq!(segments("/p/caf%C3%A9")[1], "café");
        assert_eq!(segments("/p/%E2%9C%93")[1], "✓");
    }

    #[test]
    fn display_is_the_canonical_decoded_path() {
        let path = RequestPath::decode("/archive/files/a/b/c/1.0.0%2Bbuild.tar.gz").expect("ok");
        assert_eq!(path.to_string(), "/archive/files/a/b/c/1.0.0+build.tar.gz");
    }

    #[test]
    fn encoded_separators_are_refused_in_any_case() {
        for raw in [
            "/pool/a%2fb",
            "/pool/a%2Fb",
            "/pool/%2f",
            "/pool/..%2f..%2fetc%2fpasswd",
            "/pool/a%5cb",
            "/pool/a%5Cb",
            "/pool/a\\b",
            "/pool/..\\..\\x",
        ] {
            assert_eq!(refused(raw), PathError::EncodedSeparator, "{raw}");
        }
    }

    #[test]
    fn dot_segments_are_refused_however_written() {
        for raw in [
            "/pool/..",
            "/pool/../etc/passwd",
            "/pool/./x",
            "/pool/%2e%2e/x",
            "/pool/%2E%2E/x",
            "/pool/.%2e/x",
            "/pool/%2e./x",
            "/pool/%2e/x",
            "/..",
            "/%2e%2e",
        ] {
            assert_eq!(refused(raw), PathError::DotSegment, "{raw}");
        }
        // Dots inside a name are names.
        assert_eq!(segments("/p/...")[1], "...");
        assert_eq!(segments("/p/..a")[1], "..a");
        assert_eq!(segments("/p/a..b")[1], "a..b");
    }

    #[test]
    fn a_decoded_segment_is_never_decoded_again() {
        assert_eq!(segments("/pool/%252e%252e/x")[1], "%2e%2e");
        assert_eq!(segments("/pool/%252f")[1], "%2f");
        assert_eq!(segments("/pool/%25")[1], "%");
        assert_eq!(segments("/pool/%2525")[1], "%25");
    }

    #[test]
    fn malformed_escapes_are_refused() {
        for raw in [
            "/p/%",
            "/p/%2",
            "/p/%g0",
            "/p/%0g",
            "/p/a%",
            "/p/%%32%65",
            "/p/%u002e",
            "/p/% 2",
            "/p/%+1",
            "/p/%-1",
        ] {
            assert_eq!(refused(raw), PathError::MalformedEscape, "{raw}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        for raw in [
            "/p/a%00b",
            "/p/%00",
            "/p/a%0ab",
            "/p/a%0d%0aSet-Cookie:x",
            "/p/%7f",
            "/p/%c2%85",
            "/p/a\u{1}b",
            "/p/tab%09",
        ] {
            assert_eq!(refused(raw), PathError::ControlCharacter, "{raw:?}");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused() {
        for raw in [
            "/p/%ff",
            "/p/%c3",
            "/p/%c3%28",
            // Overlong encodings of '.', '/' and NUL: classic traversal tricks.
            "/p/%c0%ae%c0%ae",
            "/p/%c0%af",
            "/p/%e0%80%af",
            "/p/%c0%80",
            // A UTF-16 surrogate encoded as UTF-8.
            "/p/%ed%a0%80",
        ] {
            assert_eq!(refused(raw), PathError::NotUtf8, "{raw}");
        }
    }

    #[test]
    fn empty_segments_are_refused() {
        for raw in ["//", "/p//x", "/p/", "//etc/passwd", "/p/x/"] {
            assert_eq!(refused(raw), PathError::EmptySegment, "{raw}");
        }
    }

    #[test]
    fn relative_and_oversized_targets_are_refused() {
        assert_eq!(refused(""), PathError::NotAbsolute);
        assert_eq!(refused("*"), PathError::NotAbsolute);
        assert_eq!(refused("pool/x"), PathError::NotAbsolute);
        assert_eq!(refused("http://evil/x"), PathError::NotAbsolute);
        let long = format!("/{}", "a".repeat(MAX_PATH_BYTES));
        assert_eq!(refused(&long), PathError::TooLong);
        let longest = format!("/{}", "a".repeat(MAX_PATH_BYTES - 1));
        assert_eq!(segments(&longest).len(), 1);
    }

    #[test]
    fn reasons_are_one_line_and_never_echo_the_path() {
        for error in [
            refused("/p/%2f"),
            refused("/p/%00"),
            refused("/p/%zz"),
            refused("/p/%ff"),
            refused("/p/.."),
            refused("/p//"),
        ] {
            let reason = error.to_string();
            assert!(!reason.contains('\n'), "{reason}");
            assert!(!reason.contains("/p/"), "{reason}");
        }
    }

    /// Every byte string that decodes is made only of plain segments: a cheap exhaustive check
    /// over all two-byte escapes at the start, middle and end of a segment.
    #[test]
    fn every_single_escape_either_decodes_to_a_plain_name_or_is_refused() {
        for value in 0..=255u8 {
            for template in ["/p/%{}", "/p/a%{}b", "/p/%{}%{}"] {
                let escape = format!("{value:02x}");
                let raw = template.replace("{}", &escape);
                match RequestPath::decode(&raw) {
                    Ok(path) => {
                        for segment in path.segments() {
                            assert!(!segment.is_empty(), "{raw}");
                            assert!(segment != "." && segment != "..", "{raw}");
                            assert!(!segment.contains('/') && !segment.contains('\\'), "{raw}");
                            assert!(!segment.chars().any(char::is_control), "{raw}");
                        }
                    }
                    Err(error) => assert!(
                        matches!(
                            error,
                            PathError::EncodedSeparator
                                | PathError::ControlCharacter
                                | PathError::NotUtf8
                                | PathError::DotSegment
                        ),
                        "{raw}: {error:?}"
                    ),
                }
            }
        }
    }
}
