//! The `Date` of a `Release` file: RFC 2822 in UTC, written from and read back to unix
//! seconds without a clock or a time-zone database.

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats `unix_seconds` as apt expects it, e.g. `Thu, 01 Jan 2026 00:00:00 UTC`.
pub fn format_release_date(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let seconds_of_day = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} UTC",
        // 1970-01-01 was a Thursday.
        WEEKDAYS[(days % 7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        seconds_of_day / 3600,
        seconds_of_day % 3600 / 60,
        seconds_of_day % 60
    )
}

/// Reads a `Release` date back: `[Weekday, ]DD Mon YYYY HH:MM:SS ZONE`, the zone being `UTC`,
/// `GMT`, `Z` or a numeric offset (`+0000`, `-0130`), as apt accepts them. `None` for
/// anything else, or a time before 1970.
pub fn parse_release_date(text: &str) -> Option<u64> {
    let text = text.trim();
    // The weekday is redundant; apt does not check it either.
    let text = text.split_once(", ").map_or(text, |(_, rest)| rest);
    let mut parts = text.split_ascii_whitespace();
    let day: u64 = parse_digits(parts.next()?, 1, 2)?;
    let month_name = parts.next()?;
    let month = MONTHS
        .iter()
        .position(|name| name.eq_ignore_ascii_case(month_name))? as u64
        + 1;
    let year: u64 = parse_digits(parts.next()?, 4, 4)?;
    let mut clock = parts.next()?.split(':');
    let hour: u64 = parse_digits(clock.next()?, 2, 2)?;
    let minute: u64 = parse_digits(clock.next()?, 2, 2)?;
    let second: u64 = parse_digits(clock.next()?, 2, 2)?;
    let offset = zone_offset_seconds(parts.next()?)?;
    if clock.next().is_some()
        || parts.next().is_some()
        || year < 1970
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    u64::try_from(i64::try_from(local).ok()? - offset).ok()
}

/// The `Date` of a `Release` file, or of the `Release` text inside a clearsigned `InRelease`.
pub fn release_date_of(release_or_in_release: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(release_or_in_release).ok()?;
    let mut lines = text.lines();
    if text.starts_with("-----BEGIN PGP SIGNED MESSAGE-----") {
        // Armor headers (`Hash: SHA512`) end at the first blank line.
        lines.by_ref().find(|line| line.trim().is_empty())?;
    }
    lines
        .take_while(|line| !line.trim().is_empty() && !line.starts_with("-----BEGIN PGP"))
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("Date")
                .then(|| parse_release_date(value))
                .flatten()
        })
}

fn parse_digits(text: &str, min: usize, max: usize) -> Option<u64> {
    if text.len() < min || text.len() > max || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn zone_offset_seconds(zone: &str) -> Option<i64> {
    if ["UTC", "GMT", "Z", "UT"]
        .iter()
        .any(|name| zone.eq_ignore_ascii_case(name))
    {
        return Some(0);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let hhmm = parse_digits(digits, 4, 4)?;
    let (hours, minutes) = (hhmm / 100, hhmm % 100);
    if minutes > 59 {
        return None;
    }
    Some(sign * i64::try_from(hours * 3600 + minutes * 60).ok()?)
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month 1-12, day 1-31) to days since 1970-01-01, the inverse of `civil_from_days`
/// (Howard Hinnant's `days_from_civil`, for dates from 1970 on).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year % 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`, restricted to dates from 1970 on).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_release_date(0), "Thu, 01 Jan 1970 00:00:00 UTC");
        assert_eq!(
            format_release_date(951_782_400),
            "Tue, 29 Feb 2000 00:00:00 UTC"
        );
        assert_eq!(
            format_release_date(1_767_225_600),
            "Thu, 01 Jan 2026 00:00:00 UTC"
        );
        // 2100 is not a leap year.
        assert_eq!(
            format_release_date(4_107_542_399),
            "Sun, 28 Feb 2100 23:59:59 UTC"
        );
        assert_eq!(
            format_release_date(4_107_542_400),
            "Mon, 01 Mar 2100 00:00:00 UTC"
        );
        assert_eq!(
            format_release_date(4_133_980_799),
            "Fri, 31 Dec 2100 23:59:59 UTC"
        );
    }

    #[test]
    fn parsing_reads_back_what_formatting_writes() {
        let mut t = 0u64;
        while t < 4_200_000_000 {
            assert_eq!(parse_release_date(&format_release_date(t)), Some(t), "{t}");
            t += 86_400 * 37 + 3_599;
        }
    }

    #[test]
    fn parsing_accepts_what_apt_accepts_and_nothing_else() {
        let base = 1_767_225_600; // Thu, 01 Jan 2026 00:00:00 UTC
        assert_eq!(
            parse_release_date("Thu, 01 Jan 2026 00:00:00 UTC"),
            Some(base)
        );
        assert_eq!(parse_release_date("01 Jan 2026 00:00:00 GMT"), Some(base));
        assert_eq!(
            parse_release_date("Thu, 1 jan 2026 00:00:00 +0000"),
            Some(base)
        );
        assert_eq!(
            parse_release_date("Thu, 01 Jan 2026 01:30:00 +0130"),
            Some(base)
        );
        assert_eq!(
            parse_release_date("Wed, 31 Dec 2025 22:00:00 -0200"),
            Some(base)
        );
        for bad in [
            "",
            "yesterday",
            "Thu, 32 Jan 2026 00:00:00 UTC",
            "Thu, 29 Feb 2026 00:00:00 UTC",
            "Thu, 01 Foo 2026 00:00:00 UTC",
            "Thu, 01 Jan 2026 24:00:00 UTC",
            "Thu, 01 Jan 2026 00:00 UTC",
            "Thu, 01 Jan 2026 00:00:00",
            "Thu, 01 Jan 2026 00:00:00 CEST",
            "Thu, 01 Jan 1969 00:00:00 UTC",
            "Thu, 01 Jan 2026 00:00:00 UTC extra",
        ] {
            assert_eq!(parse_release_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn finds_the_date_in_release_and_in_release() {
        let release = "Origin: wharf\nSuite: stable\nDate: Thu, 01 Jan 2026 00:00:00 UTC\nSHA256:\n abc 1 main/Packages\n";
        assert_eq!(release_date_of(release.as_bytes()), Some(1_767_225_600));
        let in_release = format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{release}-----BEGIN PGP SIGNATURE-----\n\nwsBc\n-----END PGP SIGNATURE-----\n"
        );
        assert_eq!(release_date_of(in_release.as_bytes()), Some(1_767_225_600));
        // A `Date:` further down (another paragraph, the signature) is not the Release's.
        assert_eq!(
            release_date_of(b"Origin: x\n\nDate: Thu, 01 Jan 2026 00:00:00 UTC\n"),
            None
        );
        assert_eq!(release_date_of(b"Origin: x\nDate: soon\n"), None);
        assert_eq!(release_date_of(b"\xff\xfe"), None);
    }
}
