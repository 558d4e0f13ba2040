//! The `stale_if_error` setting: how long after GitHub last confirmed something wharf may
//! still serve it while GitHub fails.

/// The default: a day covers GitHub's worst outages without serving week-old metadata.
pub const DEFAULT_STALE_LIMIT: &str = "24h";
/// A year; anything longer is a typo, not a policy.
const MAX_STALE_LIMIT_SECONDS: u64 = 365 * 86_400;

/// Why a `stale_if_error` value is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stale_if_error '{value}' is not a duration: write seconds (86400) or a number with s, m, h or d (24h, 90m, 2d), at most 365d; 0 turns stale answers off")]
pub struct StaleLimitError {
    value: String,
}

/// Seconds for `86400`, `86400s`, `90m`, `24h`, `2d` (surrounding spaces ignored).
pub fn parse_stale_limit(value: &str) -> Result<u64, StaleLimitError> {
    let error = || StaleLimitError {
        value: value.chars().filter(|c| !c.is_control()).take(40).collect(),
    };
    let trimmed = value.trim();
    let (number, unit) = match trimmed.char_indices().last() {
        Some((index, unit @ ('s' | 'm' | 'h' | 'd'))) => (&trimmed[..index], unit),
        _ => (trimmed, 's'),
    };
    if number.is_empty() || !number.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(error());
    }
    let count: u64 = number.parse().map_err(|_| error())?;
    let unit_seconds = match unit {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => 1,
    };
    count
        .checked_mul(unit_seconds)
        .filter(|seconds| *seconds <= MAX_STALE_LIMIT_SECONDS)
        .ok_or_else(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_units() {
        assert_eq!(parse_stale_limit(DEFAULT_STALE_LIMIT), Ok(86_400));
        assert_eq!(parse_stale_limit("86400"), Ok(86_400));
        assert_eq!(parse_stale_limit("30s"), Ok(30));
        assert_eq!(parse_stale_limit(" 90m "), Ok(5400));
        assert_eq!(parse_stale_limit("2d"), Ok(172_800));
        assert_eq!(parse_stale_limit("0"), Ok(0));
        assert_eq!(parse_stale_limit("365d"), Ok(MAX_STALE_LIMIT_SECONDS));
    }

    #[test]
    fn anything_else_is_refused_with_the_rule() {
        for bad in [
            "",
            "h",
            "-1",
            "1.5h",
            "24 h",
            "24H",
            "1w",
            "tomorrow",
            "366d",
            "99999999999999999999",
        ] {
            let error = parse_stale_limit(bad).expect_err(bad);
            assert!(error.to_string().contains("24h, 90m, 2d"), "{error}");
        }
        let error = parse_stale_limit("evil\r\nvalue").expect_err("control characters");
        assert!(!error.to_string().contains('\n'));
    }
}
