//! The `Date` of a new `Release`: apt refuses one older than the copy it has, and revalidates
//! `InRelease` with `If-Modified-Since` — which wharf answers from this `Date` — so every
//! publication is dated strictly later than the previous one, and never in the future.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;

/// How far ahead of this machine's clock a previous `Date` may be before waiting for it is
/// pointless (another machine's clock was ahead): a publish then goes on, dated one second
/// after it, with a warning.
const LONGEST_WAIT: Duration = Duration::from_secs(3);

/// The previous publication's `Date`, from `dists/<suite>/Release` (or `InRelease`).
pub fn previous_date(dists: &Path) -> anyhow::Result<Option<u64>> {
    for name in ["Release", "InRelease"] {
        let path = dists.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => return Ok(debian::release_date_of(&bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()))
            }
        }
    }
    Ok(None)
}

/// The `Date` for a publication at `now` (unix seconds) after one dated `previous`.
pub fn next_date(previous: Option<u64>, now: u64) -> u64 {
    previous.map_or(now, |previous| now.max(previous + 1))
}

/// Dates this publication: waits (a second at most, normally) until the clock has passed the
/// previous `Date`, so the new one is later without being in the future.
pub fn date_publication(dists: &Path) -> anyhow::Result<u64> {
    let previous = previous_date(dists)?;
    let now = unix_now()?;
    let date = next_date(previous, now.as_secs());
    let wait = Duration::from_secs(date).saturating_sub(now);
    if wait > LONGEST_WAIT {
        eprintln!(
            "warning: the previous Release in {} is dated {} s ahead of this machine's clock; dating this one {} (one second later) so apt sees it as newer — check the clocks",
            dists.display(),
            (date - 1).saturating_sub(now.as_secs()),
            debian::format_release_date(date)
        );
    } else if !wait.is_zero() {
        std::thread::sleep(wait);
    }
    Ok(date)
}

fn unix_now() -> anyhow::Result<Duration> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is before 1970")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_strictly_forward() {
        assert_eq!(next_date(None, 1_000), 1_000);
        assert_eq!(next_date(Some(900), 1_000), 1_000);
        assert_eq!(next_date(Some(1_000), 1_000), 1_001);
        assert_eq!(next_date(Some(5_000), 1_000), 5_001);
    }

    #[test]
    fn the_previous_date_comes_from_release_or_in_release() {
        let dists = tempfile::tempdir().unwrap();
        assert_eq!(previous_date(dists.path()).unwrap(), None);
        std::fs::write(
            dists.path().join("InRelease"),
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nDate: Thu, 01 Jan 2026 00:00:01 UTC\n",
        )
        .unwrap();
        assert_eq!(previous_date(dists.path()).unwrap(), Some(1_767_225_601));
        std::fs::write(
            dists.path().join("Release"),
            "Suite: stable\nDate: Thu, 01 Jan 2026 00:00:02 UTC\n",
        )
        .unwrap();
        assert_eq!(previous_date(dists.path()).unwrap(), Some(1_767_225_602));
    }

    #[test]
    fn a_publication_right_after_another_waits_into_the_next_second() {
        let dists = tempfile::tempdir().unwrap();
        let now = unix_now().unwrap().as_secs();
        std::fs::write(
            dists.path().join("Release"),
            format!("Date: {}\n", debian::format_release_date(now)),
        )
        .unwrap();
        let date = date_publication(dists.path()).unwrap();
        assert_eq!(date, now + 1);
        assert!(unix_now().unwrap().as_secs() >= date, "never in the future");
    }
}
