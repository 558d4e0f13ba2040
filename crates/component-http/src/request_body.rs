//! What a request's head says about its body, so a route can refuse one before a byte of it is
//! read (RFC 9112 §6.3: a request has a body exactly when it carries `Transfer-Encoding` or a
//! `Content-Length` above zero).

use std::fmt;

/// The body a request announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclaredBody {
    /// No `Transfer-Encoding`, and no `Content-Length` or `Content-Length: 0`.
    Empty,
    /// `Content-Length: N` with N > 0.
    Length(u64),
    /// `Transfer-Encoding` (chunked): the size is known only once it has been read.
    Unsized,
}

/// A `Content-Length` that is not one decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedLength;

impl fmt::Display for MalformedLength {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("the Content-Length header is not one decimal number")
    }
}

impl std::error::Error for MalformedLength {}

impl DeclaredBody {
    /// From the values of every `Content-Length` and `Transfer-Encoding` header the request
    /// carried. Repeated lengths must agree (RFC 9110 §8.6); `Transfer-Encoding` wins over
    /// `Content-Length`, as it does for the server that frames the body.
    pub fn from_headers(
        content_lengths: &[Vec<u8>],
        transfer_encodings: &[Vec<u8>],
    ) -> Result<Self, MalformedLength> {
        if !transfer_encodings.is_empty() {
            return Ok(DeclaredBody::Unsized);
        }
        let mut length = None;
        for value in content_lengths {
            // One header may also carry a list ("5, 5").
            for item in value.split(|byte| *byte == b',') {
                let parsed = parse_length(item.trim_ascii())?;
                if length.is_some_and(|known| known != parsed) {
                    return Err(MalformedLength);
                }
                length = Some(parsed);
            }
        }
        Ok(match length {
            None | Some(0) => DeclaredBody::Empty,
            Some(length) => DeclaredBody::Length(length),
        })
    }

    /// Whether the request carries (or may carry) any body at all.
    pub fn is_empty(self) -> bool {
        self == DeclaredBody::Empty
    }
}

fn parse_length(digits: &[u8]) -> Result<u64, MalformedLength> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(MalformedLength);
    }
    std::str::from_utf8(digits)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or(MalformedLength)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(lengths: &[&str], encodings: &[&str]) -> Result<DeclaredBody, MalformedLength> {
        let bytes = |values: &[&str]| -> Vec<Vec<u8>> {
            values
                .iter()
                .map(|value| value.as_bytes().to_vec())
                .collect()
        };
        DeclaredBody::from_headers(&bytes(lengths), &bytes(encodings))
    }

    #[test]
    fn no_framing_headers_means_no_body() {
        assert_eq!(declared(&[], &[]), Ok(DeclaredBody::Empty));
        assert_eq!(declared(&["0"], &[]), Ok(DeclaredBody::Empty));
        assert_eq!(declared(&["000"], &[]), Ok(DeclaredBody::Empty));
        assert!(declared(&["0"], &[]).expect("empty").is_empty());
    }

    #[test]
    fn a_length_is_a_body() {
        assert_eq!(declared(&["1"], &[]), Ok(DeclaredBody::Length(1)));
        assert_eq!(
            declared(&["524288000"], &[]),
            Ok(DeclaredBody::Length(524_288_000))
        );
        assert_eq!(declared(&[" 7 "], &[]), Ok(DeclaredBody::Length(7)));
        assert_eq!(declared(&["5, 5"], &[]), Ok(DeclaredBody::Length(5)));
        assert_eq!(declared(&["5", "5"], &[]), Ok(DeclaredBody::Length(5)));
        assert!(!DeclaredBody::Length(1).is_empty());
    }

    #[test]
    fn any_transfer_encoding_is_a_body_of_unknown_size() {
        assert_eq!(declared(&[], &["chunked"]), Ok(DeclaredBody::Unsized));
        assert_eq!(declared(&["0"], &["chunked"]), Ok(DeclaredBody::Unsized));
        assert_eq!(
            declared(&["x"], &["gzip, chunked"]),
            Ok(DeclaredBody::Unsized)
        );
    }

    #[test]
    fn malformed_or_conflicting_lengths_are_refused() {
        for lengths in [
            &["-1"][..],
            &["+5"],
            &["5 5"],
            &["0x10"],
            &[""],
            &["1e3"],
            &["99999999999999999999999"],
            &["5", "6"],
            &["5, 6"],
            &["5,"],
        ] {
            assert_eq!(declared(lengths, &[]), Err(MalformedLength), "{lengths:?}");
        }
    }
}
