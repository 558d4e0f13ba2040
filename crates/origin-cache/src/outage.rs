//! "Do not ask the origin before …": recorded after a failure that outlasts one request, so
//! the requests that follow answer from the cache (or fail) at once instead of each waiting
//! for the same timeout or spending a rate limit that is already gone.

use crate::{Failure, FailureKind};

/// How long wharf stops asking after the origin was unreachable, timed out or answered 5xx.
/// Short, because the first request after it finds out whether the origin is back.
pub const OUTAGE_BACKOFF_SECONDS: u64 = 10;
/// GitHub's primary rate limit resets within the hour; a longer wait is a broken header.
const MAX_RATE_LIMIT_WAIT_SECONDS: u64 = 3600;
/// A secondary rate limit without a reset time: GitHub asks for at least a minute.
const UNSPECIFIED_RATE_LIMIT_WAIT_SECONDS: u64 = 60;

const FORMAT: &str = "wharf-outage/1";

/// The origin is considered down until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    /// Unix seconds.
    pub until: u64,
    /// Why, for log lines and client messages.
    pub reason: String,
}

impl Outage {
    /// The outage a failure at `now` starts, or `None` when the failure does not mean the
    /// origin is down (see [`FailureKind::is_outage`]).
    pub fn after(failure: &Failure, now: u64) -> Option<Self> {
        let wait = match failure.kind {
            FailureKind::RateLimited => failure
                .retry_after
                .unwrap_or(UNSPECIFIED_RATE_LIMIT_WAIT_SECONDS)
                .clamp(1, MAX_RATE_LIMIT_WAIT_SECONDS),
            FailureKind::Unreachable | FailureKind::ServerError => OUTAGE_BACKOFF_SECONDS,
            FailureKind::Other => return None,
        };
        Some(Self {
            until: now.saturating_add(wait),
            reason: failure.reason.clone(),
        })
    }

    /// Whether the origin is still to be left alone at `now`.
    pub fn is_active(&self, now: u64) -> bool {
        now < self.until
    }

    /// Seconds until the origin may be asked again.
    pub fn remaining(&self, now: u64) -> u64 {
        self.until.saturating_sub(now)
    }

    /// The bytes to store.
    pub fn encode(&self) -> Vec<u8> {
        format!("{FORMAT} {}\n{}", self.until, one_line(&self.reason)).into_bytes()
    }

    /// Reads stored bytes back; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        let (header, reason) = text.split_once('\n')?;
        let until = header
            .strip_prefix(FORMAT)?
            .strip_prefix(' ')?
            .parse()
            .ok()?;
        Some(Self {
            until,
            reason: reason.to_owned(),
        })
    }
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn failure(kind: FailureKind, retry_after: Option<u64>) -> Failure {
        Failure {
            kind,
            retry_after,
            reason: "cannot reach GitHub".to_owned(),
        }
    }

    #[test]
    fn unreachable_and_server_errors_back_off_briefly() {
        for kind in [FailureKind::Unreachable, FailureKind::ServerError] {
            let outage = Outage::after(&failure(kind, Some(999)), NOW).expect("an outage");
            assert_eq!(outage.until, NOW + OUTAGE_BACKOFF_SECONDS);
        }
    }

    #[test]
    fn rate_limits_last_as_long_as_github_says_within_an_hour() {
        let wait = |retry_after| {
            Outage::after(&failure(FailureKind::RateLimited, retry_after), NOW)
                .expect("an outage")
                .remaining(NOW)
        };
        assert_eq!(wait(Some(120)), 120);
        assert_eq!(wait(Some(0)), 1);
        assert_eq!(wait(Some(86_400)), 3600);
        assert_eq!(wait(None), 60);
    }

    #[test]
    fn other_failures_are_no_outage() {
        assert_eq!(Outage::after(&failure(FailureKind::Other, None), NOW), None);
    }

    #[test]
    fn active_until_it_ends() {
        let outage = Outage {
            until: NOW + 5,
            reason: String::new(),
        };
        assert!(outage.is_active(NOW + 4));
        assert!(!outage.is_active(NOW + 5));
        assert_eq!(outage.remaining(NOW + 7), 0);
    }

    #[test]
    fn round_trips_on_one_line() {
        let outage = Outage {
            until: NOW,
            reason: "GitHub answered HTTP 500\r\nforged: header".to_owned(),
        };
        let read = Outage::decode(&outage.encode()).expect("decodes");
        assert_eq!(read.until, NOW);
        assert_eq!(read.reason, "GitHub answered HTTP 500  forged: header");
        assert_eq!(Outage::decode(b"something else"), None);
        assert_eq!(Outage::decode(b"wharf-outage/1 soon\nx"), None);
    }
}
