//! A whole served APT repository, read through whatever reads its files (local disk, or the
//! `apt_branch` at one commit): every suite's `Release`, the `Packages` files it names, and
//! `public.key`. What cannot be read is noted for the page, never fatal: one broken suite
//! leaves the others listed.

use std::fmt::Display;

use crate::apt_listing::{group_packages, read_packages, read_release, Package, SuiteRelease};
use crate::signing_key::public_key_fingerprint;

/// What the repository's indexes say, and what could not be read.
#[derive(Debug, Default)]
pub struct AptRepository {
    /// One per suite whose `Release` could be read, in the order given.
    pub releases: Vec<SuiteRelease>,
    /// Every package of every suite, grouped by name (see [`group_packages`]).
    pub packages: Vec<Package>,
    /// The signing key's fingerprint, from `public.key`.
    pub fingerprint: Option<String>,
    /// One line per file that could not be read or used.
    pub notes: Vec<String>,
}

impl AptRepository {
    /// A repository with nothing to show, and why.
    pub fn absent(note: impl Into<String>) -> Self {
        Self {
            notes: vec![note.into()],
            ..Self::default()
        }
    }

    /// Reads `suites` (directories under `dists/`) through `read`, which takes a path relative
    /// to the repository root and gives `None` when there is no such file.
    pub fn read<E: Display>(
        suites: &[String],
        read: impl Fn(&str) -> Result<Option<Vec<u8>>, E>,
    ) -> Self {
        let mut repository = Self::default();
        let mut versions = Vec::new();
        for suite in suites {
            match read_suite(suite, &read, &mut repository.notes) {
                Ok((release, suite_versions)) => {
                    repository.releases.push(release);
                    versions.extend(suite_versions);
                }
                Err(reason) => repository.notes.push(reason),
            }
        }
        repository.packages = group_packages(versions);
        match read("public.key") {
            Ok(Some(key)) => match public_key_fingerprint(&key) {
                Ok(fingerprint) => repository.fingerprint = Some(fingerprint),
                Err(error) => repository.notes.push(error.to_string()),
            },
            Ok(None) => repository.notes.push(
                "the repository has no public.key: apt cannot check its signatures".to_owned(),
            ),
            Err(error) => repository.notes.push(format!("public.key: {error}")),
        }
        repository
    }
}

/// One suite's `Release` and the versions its `Packages` files list; a `Packages` file that
/// cannot be read is noted and skipped, a `Release` that cannot is the suite's error.
fn read_suite<E: Display>(
    suite: &str,
    read: &impl Fn(&str) -> Result<Option<Vec<u8>>, E>,
    notes: &mut Vec<String>,
) -> Result<(SuiteRelease, Vec<crate::apt_listing::PackageVersion>), String> {
    let text = |path: &str| -> Result<String, String> {
        match read(path) {
            Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8")),
            Ok(None) => Err(format!("{path} does not exist")),
            Err(error) => Err(format!("{path}: {error}")),
        }
    };
    let release = read_release(suite, &text(&format!("dists/{suite}/Release"))?)
        .map_err(|error| error.to_string())?;
    let mut versions = Vec::new();
    for file in &release.packages_files {
        let path = format!("dists/{suite}/{}", file.path);
        match text(&path).and_then(|packages| {
            read_packages(&packages, suite, &file.component)
                .map_err(|error| format!("{path}: {error}"))
        }) {
            Ok(read) => versions.extend(read),
            Err(reason) => notes.push(reason),
        }
    }
    Ok((release, versions))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const RELEASE: &str = "Suite: stable\nArchitectures: amd64\nComponents: main extra\nSHA256:\n aaaa 10 main/binary-amd64/Packages\n bbbb 10 extra/binary-amd64/Packages\n";
    const PACKAGES: &str =
        "Package: hello\nVersion: 1.0\nArchitecture: amd64\nDescription: says hello\n";

    fn read_from<'a>(
        files: &'a HashMap<&'static str, &'static [u8]>,
    ) -> impl Fn(&str) -> Result<Option<Vec<u8>>, String> + 'a {
        |path| {
            if path == "dists/broken/Release" {
                return Err("GitHub answered 502".to_owned());
            }
            Ok(files.get(path).map(|bytes| bytes.to_vec()))
        }
    }

    #[test]
    fn every_readable_suite_is_listed_and_every_unreadable_file_noted() {
        let files: HashMap<&'static str, &'static [u8]> = HashMap::from([
            ("dists/stable/Release", RELEASE.as_bytes()),
            (
                "dists/stable/main/binary-amd64/Packages",
                PACKAGES.as_bytes(),
            ),
            ("dists/bad-utf8/Release", b"Suite: \xff\n".as_slice()),
        ]);
        let suites = ["stable", "missing", "broken", "bad-utf8"].map(str::to_owned);
        let repository = AptRepository::read(&suites, read_from(&files));

        assert_eq!(repository.releases.len(), 1);
        assert_eq!(repository.releases[0].suite, "stable");
        assert_eq!(repository.packages.len(), 1);
        assert_eq!(repository.packages[0].name, "hello");
        assert_eq!(repository.fingerprint, None);
        assert_eq!(
            repository.notes,
            [
                "dists/stable/extra/binary-amd64/Packages does not exist",
                "dists/missing/Release does not exist",
                "dists/broken/Release: GitHub answered 502",
                "dists/bad-utf8/Release is not UTF-8",
                "the repository has no public.key: apt cannot check its signatures",
            ]
        );
    }

    #[test]
    fn a_public_key_that_is_not_one_is_noted() {
        let files: HashMap<&'static str, &'static [u8]> =
            HashMap::from([("public.key", b"not a key".as_slice())]);
        let repository = AptRepository::read(&[], read_from(&files));
        assert_eq!(repository.fingerprint, None);
        assert_eq!(repository.notes.len(), 1);
        assert!(
            !repository.notes[0].contains("no public.key"),
            "{:?}",
            repository.notes
        );
    }
}
