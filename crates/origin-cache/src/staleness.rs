//! What an answer served from an entry the origin could not confirm says about itself.

/// RFC 9111 §5.5 (obsoleted but still what caches and people recognise) for "served stale".
const STALE_WARNING: &str = r#"110 - "Response is Stale""#;

/// An answer from the cache that the origin could not confirm just now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staleness {
    /// Seconds since the origin last confirmed it.
    pub age: u64,
    /// Why the origin could not confirm it.
    pub reason: String,
}

impl Staleness {
    /// `Age` and `Warning` for the response.
    pub fn headers(&self) -> [(&'static str, String); 2] {
        [
            ("age", self.age.to_string()),
            ("warning", STALE_WARNING.to_owned()),
        ]
    }

    /// The one log line a stale answer writes.
    pub fn log_line(&self, what: &str) -> String {
        format!(
            "serving {what} stale (last confirmed by GitHub {} s ago): {}",
            self.age, self.reason
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_old_and_why() {
        let staleness = Staleness {
            age: 42,
            reason: "GitHub rate limit reached: retry in 60 s".to_owned(),
        };
        assert_eq!(
            staleness.headers(),
            [
                ("age", "42".to_owned()),
                ("warning", "110 - \"Response is Stale\"".to_owned())
            ]
        );
        assert_eq!(
            staleness.log_line("the tags of acme/vpc"),
            "serving the tags of acme/vpc stale (last confirmed by GitHub 42 s ago): GitHub rate limit reached: retry in 60 s"
        );
    }
}
