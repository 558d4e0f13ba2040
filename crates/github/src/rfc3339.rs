//! RFC 3339 timestamps (`2016-07-11T22:14:10Z`) to Unix seconds, as GitHub writes them in
//! `expires_at`. Written here because the date crates pull in far more than this needs.

/// Unix seconds for an RFC 3339 date-time (`Z` or `±HH:MM` offset, optional fraction, which
/// is truncated). `None` for anything malformed or before 1970.
pub(crate) fn parse_unix_seconds(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return None;
    }
    let year = digits(bytes, 0, 4)?;
    let month = digits(bytes, 5, 2)?;
    let day = digits(bytes, 8, 2)?;
    let hour = digits(bytes, 11, 2)?;
    let minute = digits(bytes, 14, 2)?;
    let second = digits(bytes, 17, 2)?;
    let separators_ok = bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b't' | b' ')
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !separators_ok
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }

    let mut rest = &bytes[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digit_count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digit_count == 0 {
            return None;
        }
        rest = &fraction[digit_count..];
    }
    let offset_seconds: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2], 0, 2)?;
            let minutes = digits(&[*m1, *m2], 0, 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let magnitude = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return None,
    };

    // A leap second (:60) is counted as the last second of the minute.
    let second = second.min(59);
    let days = days_from_civil(i64::from(year), month, day);
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    u64::try_from(local - offset_seconds).ok()
}

fn digits(bytes: &[u8], start: usize, count: usize) -> Option<u32> {
    let slice = bytes.get(start..start + count)?;
    slice.iter().try_fold(0u32, |value, &byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(parse_unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_unix_seconds("2016-07-11T22:14:10Z"),
            Some(1_468_275_250)
        );
        assert_eq!(
            parse_unix_seconds("2000-02-29T12:00:00Z"),
            Some(951_825_600)
        );
        assert_eq!(
            parse_unix_seconds("2038-01-19T03:14:08Z"),
            Some(2_147_483_648)
        );
    }

    #[test]
    fn offsets_fractions_and_lowercase() {
        assert_eq!(
            parse_unix_seconds("2016-07-12T00:14:10+02:00"),
            Some(1_468_275_250)
        );
        assert_eq!(
            parse_unix_seconds("2016-07-11T21:14:10-01:00"),
            Some(1_468_275_250)
        );
        assert_eq!(
            parse_unix_seconds("2016-07-11t22:14:10.999z"),
            Some(1_468_275_250)
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2016-07-11",
            "2016-07-11T22:14:10",
            "2016-13-11T22:14:10Z",
            "2015-02-29T00:00:00Z",
            "2016-07-11T24:00:00Z",
            "2016-07-11T22:14:10.Z",
            "2016-07-11T22:14:10+0200",
            "2016/07/11T22:14:10Z",
            "1969-12-31T23:59:59Z",
            "2016-07-11T22:14:10Z trailing",
            "２016-07-11T22:14:10Z",
        ] {
            assert_eq!(parse_unix_seconds(bad), None, "{bad}");
        }
    }
}
