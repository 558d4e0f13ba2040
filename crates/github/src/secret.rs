//! A token or key that must never reach a log line.

use std::fmt;

/// A token, JWT or key.
///
/// `Debug` and `Display` print `[redacted]`, so a secret inside a request, an error or a
/// config struct cannot leak through `{:?}`. There is no `PartialEq` on purpose: comparing
/// secrets belongs in constant-time code, not in a casual `==`.
#[derive(Clone)]
pub struct Secret(String);

const REDACTED: &str = "[redacted]";

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call sites should be few and easy to audit: building an
    /// `Authorization` header and writing the key-value cache.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (an unset Spin variable).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
        let secret = Secret::new("ghp_supersecretvalue");
        let printed = format!("{secret:?} {secret} {secret:#?}");
        assert!(!printed.contains("supersecret"), "{printed}");
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    fn expose_returns_the_value() {
        assert_eq!(Secret::new("abc").expose(), "abc");
        assert!(Secret::new("").is_empty());
    }
}
