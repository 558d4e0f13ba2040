//! Counting failed logins so guessing is slow, without I/O: the component reads and writes
//! the counter in key-value; this module decides.
//!
//! Only failures are written (successes cost no key-value write, see FIELD-NOTES). After
//! [`FAILURE_THRESHOLD`] failures within one [`FAILURE_WINDOW_SECS`] window, the key is
//! throttled until that window ends — never longer, so a CI identity whose secret was
//! mistyped recovers within five minutes of the fix.

use crate::errors::FailureCounterError;
use crate::sha256_hex::sha256_hex;
use std::net::{IpAddr, SocketAddr};

/// Failures tolerated within one window before throttling.
pub const FAILURE_THRESHOLD: u32 = 10;

/// Length of the counting window, and so the longest a throttle lasts, in seconds.
pub const FAILURE_WINDOW_SECS: u64 = 300;

const RECORD_VERSION: &str = "v1";
const USER_KEY_PREFIX: &str = "v1/auth-failures/user/";
const ADDRESS_KEY_PREFIX: &str = "v1/auth-failures/address/";

/// Failures seen in the window that started at `window_start` (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCounter {
    /// Failures in the window.
    pub count: u32,
    /// When the window began.
    pub window_start: u64,
}

impl FailureCounter {
    /// Bytes for key-value: `v1 <count> <window_start>`.
    pub fn serialize(&self) -> Vec<u8> {
        format!("{RECORD_VERSION} {} {}", self.count, self.window_start).into_bytes()
    }

    /// Reads bytes written by [`FailureCounter::serialize`].
    pub fn deserialize(bytes: &[u8]) -> Result<FailureCounter, FailureCounterError> {
        let text = std::str::from_utf8(bytes).map_err(|_| FailureCounterError::Unreadable)?;
        let mut fields = text.split(' ');
        let (Some(RECORD_VERSION), Some(count), Some(window_start), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(FailureCounterError::Unreadable);
        };
        Ok(FailureCounter {
            count: parse_decimal(count)?,
            window_start: parse_decimal(window_start)?,
        })
    }

    fn window_end(&self) -> u64 {
        self.window_start.saturating_add(FAILURE_WINDOW_SECS)
    }
}

fn parse_decimal<T: std::str::FromStr>(field: &str) -> Result<T, FailureCounterError> {
    // `u64::from_str` accepts a leading '+'; the format has none.
    if field.is_empty() || !field.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FailureCounterError::Unreadable);
    }
    field.parse().map_err(|_| FailureCounterError::Unreadable)
}

/// The counter after one more failure at `now_unix`: a new window when there was none or the
/// last one has ended, otherwise one more in the current window.
pub fn record_failure(previous: Option<FailureCounter>, now_unix: u64) -> FailureCounter {
    match previous {
        Some(counter) if now_unix < counter.window_end() => FailureCounter {
            count: counter.count.saturating_add(1),
            window_start: counter.window_start,
        },
        _ => FailureCounter {
            count: 1,
            window_start: now_unix,
        },
    }
}

/// `Some(retry_after_secs)` when the key is throttled at `now_unix`: the threshold was reached
/// and the window has not ended. The value is between 1 and [`FAILURE_WINDOW_SECS`], for a
/// `Retry-After` header.
pub fn throttle(counter: Option<&FailureCounter>, now_unix: u64) -> Option<u32> {
    let counter = counter?;
    if counter.count < FAILURE_THRESHOLD || now_unix >= counter.window_end() {
        return None;
    }
    // A window that starts in the future (clocks of two replicas disagree) still throttles
    // for at most one window.
    let remaining = (counter.window_end() - now_unix).clamp(1, FAILURE_WINDOW_SECS);
    u32::try_from(remaining).ok()
}

/// Key-value key counting failures for a user name; hashed so keys hold no user names (nor a
/// password someone typed into the user field).
pub fn failure_key_for_user(user: &str) -> String {
    format!("{USER_KEY_PREFIX}{}", sha256_hex(user.as_bytes()))
}

/// Key-value key counting failures for a client address, hashed like user names. A port is
/// dropped, IPv4-mapped IPv6 counts as IPv4, and IPv6 counts per /64 — the block one
/// client typically holds — so hopping through a subnet's addresses does not reset the count.
pub fn failure_key_for_address(address: &str) -> String {
    format!(
        "{ADDRESS_KEY_PREFIX}{}",
        sha256_hex(address_bucket(address).as_bytes())
    )
}

fn address_bucket(address: &str) -> String {
    let trimmed = address.trim();
    let ip = trimmed
        .parse::<IpAddr>()
        .ok()
        .or_else(|| trimmed.parse::<SocketAddr>().ok().map(|s| s.ip()));
    match ip {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_buckets() {
        assert_eq!(address_bucket("192.0.2.1"), "192.0.2.1");
        assert_eq!(address_bucket("192.0.2.1:5000"), "192.0.2.1");
        assert_eq!(address_bucket("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(address_bucket("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_bucket("[2001:db8:1:2::9]:443"), "2001:db8:1:2::/64");
        assert_eq!(address_bucket(" not-an-ip "), "not-an-ip");
    }
}
