//! What HTTP clients revalidate a repository file against (`Last-Modified`, `ETag`), taken from
//! the file's content so that both change exactly when the content does, whatever file times
//! or commit times the origin reports.
//!
//! apt revalidates `InRelease` with `If-Modified-Since` set to the `Last-Modified` of the copy
//! it holds. A `Last-Modified` taken from file times stands still when a deploy normalises
//! them, or when two publishes land in the same second; the `Date` inside a `Release` moves
//! forward with every publish (the index builder keeps it strictly increasing), so that is the
//! time every file of the suite is served with.

use twox_hash::XxHash3_128;

use crate::release_date::release_date_of;

/// How much of the start of a `Release` or `InRelease` always holds its `Date`: the header
/// paragraph (origin, suite, date, architectures, components) is a few hundred bytes; the
/// checksum lists after it grow with the repository.
pub const RELEASE_DATE_WITHIN: usize = 4 * 1024;

/// `Last-Modified` (unix seconds) and a strong `ETag` for one file of a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileValidators {
    /// For `Last-Modified`.
    pub last_modified: u64,
    /// For `ETag`, quotes included: the XXH3-128 of the content, in hex.
    pub etag: String,
}

impl FileValidators {
    /// Validators for the file at `path` (relative to the repository root, e.g.
    /// `dists/stable/InRelease`) holding `bytes`:
    ///
    /// - `dists/<suite>/InRelease` and `Release`: their own `Date`;
    /// - other files of the suite (`Release.gpg`, `Packages*`): the `Date` of the suite's
    ///   `Release` (or `InRelease`), read through `read_other` from the same origin state;
    /// - `by-hash` files (named by their content, so they never change), files without a
    ///   readable date and files outside `dists/` (`public.key`): `origin_time`, what the
    ///   origin knows (a file time, when a commit was first seen).
    pub fn for_file(
        path: &str,
        bytes: &[u8],
        origin_time: u64,
        read_other: impl FnOnce(&str) -> Option<Vec<u8>>,
    ) -> Self {
        Self {
            last_modified: content_date(path, bytes, read_other).unwrap_or(origin_time),
            etag: content_tag(bytes),
        }
    }

    /// True when an `If-None-Match` value names this file: `*`, or one of its comma-separated
    /// tags, compared weakly (`W/"x"` matches `"x"`) as RFC 9110 asks for this header.
    pub fn etag_matches(&self, if_none_match: &str) -> bool {
        if_none_match
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == self.etag)
    }
}

/// A strong ETag for `bytes`. XXH3-128 rather than SHA-256: the tag is computed on every
/// request for the whole file (a 50 KB index took ~0.2 ms of SHA-256 in wasm, a quarter of the
/// request), and it only has to change when the content does. It guards no secret: whoever could
/// craft two files with one tag could publish either file to the repository anyway.
fn content_tag(bytes: &[u8]) -> String {
    format!("\"{:032x}\"", XxHash3_128::oneshot(bytes))
}

fn content_date(
    path: &str,
    bytes: &[u8],
    read_other: impl FnOnce(&str) -> Option<Vec<u8>>,
) -> Option<u64> {
    let (suite, inside) = path.strip_prefix("dists/")?.split_once('/')?;
    if inside.starts_with("by-hash/") || inside.contains("/by-hash/") {
        return None;
    }
    if inside == "InRelease" || inside == "Release" {
        return release_date_of(bytes);
    }
    let release = format!("dists/{suite}/Release");
    let in_release = format!("dists/{suite}/InRelease");
    let mut read_other = Some(read_other);
    [release, in_release].iter().find_map(|sibling| {
        let read = read_other.take()?;
        release_date_of(&read(sibling)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format_release_date;

    const ORIGIN_TIME: u64 = 1_000;

    fn release(date: u64, body: &str) -> Vec<u8> {
        format!(
            "Origin: wharf\nSuite: stable\nDate: {}\n{body}",
            format_release_date(date)
        )
        .into_bytes()
    }

    fn no_other(_: &str) -> Option<Vec<u8>> {
        None
    }

    #[test]
    fn release_files_carry_their_own_date_and_a_content_etag() {
        let first = release(1_767_225_600, "SHA256:\n aa 1 main/Packages\n");
        let second = release(1_767_225_601, "SHA256:\n bb 2 main/Packages\n");
        let a = FileValidators::for_file("dists/stable/Release", &first, ORIGIN_TIME, no_other);
        let b = FileValidators::for_file("dists/stable/Release", &second, ORIGIN_TIME, no_other);
        assert_eq!(a.last_modified, 1_767_225_600);
        assert_eq!(b.last_modified, 1_767_225_601);
        assert_ne!(a.etag, b.etag);
        // XXH3-128("abc"), from the reference implementation (xxhsum -H2).
        assert_eq!(
            FileValidators::for_file("public.key", b"abc", ORIGIN_TIME, no_other).etag,
            "\"06b05ab6733a618578af5f94892f3950\""
        );
        let signed = format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{}-----BEGIN PGP SIGNATURE-----\n\nx\n-----END PGP SIGNATURE-----\n",
            String::from_utf8(second.clone()).unwrap()
        );
        let in_release =
            FileValidators::for_file("dists/stable/InRelease", signed.as_bytes(), 0, no_other);
        assert_eq!(in_release.last_modified, 1_767_225_601);
    }

    #[test]
    fn other_suite_files_take_the_date_of_the_suite_s_release() {
        let mut asked = Vec::new();
        let validators = FileValidators::for_file(
            "dists/stable/main/binary-amd64/Packages.xz",
            b"xz bytes",
            ORIGIN_TIME,
            |path| {
                asked.push(path.to_owned());
                Some(release(1_767_225_700, ""))
            },
        );
        assert_eq!(validators.last_modified, 1_767_225_700);
        assert_eq!(asked, ["dists/stable/Release"]);
        let signature =
            FileValidators::for_file("dists/stable/Release.gpg", b"sig", ORIGIN_TIME, |_| {
                Some(release(1_767_225_701, ""))
            });
        assert_eq!(signature.last_modified, 1_767_225_701);
    }

    #[test]
    fn by_hash_files_and_files_outside_dists_keep_the_origin_time() {
        let never = |path: &str| -> Option<Vec<u8>> { panic!("{path} need not be read") };
        for path in [
            "dists/stable/main/binary-amd64/by-hash/SHA256/abc",
            "dists/stable/by-hash/SHA512/def",
            "public.key",
            "dists/InRelease",
        ] {
            assert_eq!(
                FileValidators::for_file(path, b"x", ORIGIN_TIME, never).last_modified,
                ORIGIN_TIME,
                "{path}"
            );
        }
        // A Release without a readable date, or a suite without a Release.
        assert_eq!(
            FileValidators::for_file("dists/stable/Release", b"Suite: x\n", ORIGIN_TIME, no_other)
                .last_modified,
            ORIGIN_TIME
        );
        assert_eq!(
            FileValidators::for_file("dists/stable/main/Packages", b"", ORIGIN_TIME, no_other)
                .last_modified,
            ORIGIN_TIME
        );
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let validators = FileValidators::for_file("public.key", b"abc", 0, no_other);
        let tag = validators.etag.clone();
        assert!(validators.etag_matches(&tag));
        assert!(validators.etag_matches(&format!("W/{tag}")));
        assert!(validators.etag_matches(&format!("\"other\", {tag}")));
        assert!(validators.etag_matches("*"));
        assert!(!validators.etag_matches("\"other\""));
        assert!(!validators.etag_matches(""));
        assert!(!validators.etag_matches(tag.trim_matches('"')));
    }
}
