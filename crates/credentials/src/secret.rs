//! A secret string that never shows up in logs and is only compared in constant time.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

/// A password or token.
///
/// `Debug` and `Display` print `[redacted]` so a secret cannot reach a log line or an error
/// message by accident. There is deliberately no `PartialEq`: the only way to compare is
/// [`Secret::constant_time_eq`], so nobody can reach for a timing-leaky `==`.
#[derive(Clone)]
pub struct Secret(String);

const REDACTED: &str = "[redacted]";

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself; call sites that need it should be few and easy to audit.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `other` equals this secret, in time that depends on neither value.
    ///
    /// Both sides are hashed first so the comparison always runs over 32 bytes: a plain
    /// constant-time comparison of the raw bytes would still return early on a length mismatch
    /// and so leak the secret's length.
    pub fn constant_time_eq(&self, other: &[u8]) -> bool {
        self.constant_time_eq_choice(other).into()
    }

    /// Like [`Secret::constant_time_eq`], but keeps the answer as a [`Choice`] so callers can
    /// combine several comparisons without branching on any one of them.
    pub(crate) fn constant_time_eq_choice(&self, other: &[u8]) -> Choice {
        let own_digest = Sha256::digest(self.0.as_bytes());
        let other_digest = Sha256::digest(other);
        own_digest.as_slice().ct_eq(other_digest.as_slice())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let secret = Secret::new("hunter2-correct-horse".to_owned());
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert!(!format!("{secret:?} {secret} {secret:#?}").contains("hunter2"));
    }

    #[test]
    fn expose_returns_the_value() {
        let secret = Secret::new("s3cret".to_owned());
        assert_eq!(secret.expose(), "s3cret");
    }

    #[test]
    fn equal_values_compare_equal() {
        let secret = Secret::new("s3cret".to_owned());
        assert!(secret.constant_time_eq(b"s3cret"));
    }

    #[test]
    fn different_values_compare_unequal() {
        let secret = Secret::new("s3cret".to_owned());
        assert!(!secret.constant_time_eq(b"s3creT"));
        assert!(!secret.constant_time_eq(b"s3cret "));
        assert!(!secret.constant_time_eq(b"s3cre"));
        assert!(!secret.constant_time_eq(b""));
    }

    #[test]
    fn empty_secret_only_matches_empty_input() {
        let secret = Secret::new(String::new());
        assert!(secret.constant_time_eq(b""));
        assert!(!secret.constant_time_eq(b"x"));
    }

    #[test]
    fn choice_agrees_with_bool() {
        let secret = Secret::new("s3cret".to_owned());
        assert_eq!(secret.constant_time_eq_choice(b"s3cret").unwrap_u8(), 1);
        assert_eq!(secret.constant_time_eq_choice(b"other").unwrap_u8(), 0);
    }
}
