//! The `Date` of a `Release` file: RFC 2822 in UTC, computed from unix seconds without a
//! clock or a time-zone database.

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
}
