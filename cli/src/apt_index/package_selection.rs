//! Which of the packages found go into the index.
//!
//! Two rules keep apt from ever seeing a size or hash mismatch, and the index from holding
//! what apt would only pick from at random:
//! - one pool path, one content: two different files that would share a `Filename` fail the
//!   run, naming both (a `Filename` pointing at two contents is what apt reports as "File has
//!   unexpected size"). The same file found twice is fine.
//! - one package per name, version and architecture in a component (apt keeps one): the same
//!   file found twice is listed once; different files claiming the same version keep the
//!   first one found (sources in command-line order, GitHub releases oldest first, files by
//!   name) and the others are left out with a warning naming both.

use std::collections::{BTreeMap, HashMap};

use debian::DebianVersion;

use super::found_package::FoundPackage;

/// The packages to index, per component, in the order they were found.
#[derive(Debug, Default)]
pub struct Selection {
    pub by_component: BTreeMap<String, Vec<FoundPackage>>,
    /// Packages found more than once with the same content, listed once.
    pub merged_duplicates: usize,
    /// One line per package left out because another file already claims its version.
    pub warnings: Vec<String>,
}

/// Two different files would be stored at the same pool path.
#[derive(Debug, thiserror::Error)]
#[error(
    "two different files would both be {filename}: {first} (sha256 {first_sha256}) and {second} (sha256 {second_sha256}); apt would fail with a size or hash mismatch. Give one of them a new version, or leave one out"
)]
pub struct PoolPathConflict {
    pub filename: String,
    pub first: String,
    pub first_sha256: String,
    pub second: String,
    pub second_sha256: String,
}

pub fn select(found: Vec<FoundPackage>) -> Result<Selection, PoolPathConflict> {
    let mut by_filename: HashMap<&str, &FoundPackage> = HashMap::new();
    for package in &found {
        let filename = package.entry.filename();
        match by_filename.get(filename) {
            Some(first) if first.sha256() != package.sha256() => {
                return Err(PoolPathConflict {
                    filename: filename.to_owned(),
                    first: first.origin.to_string(),
                    first_sha256: first.sha256().to_owned(),
                    second: package.origin.to_string(),
                    second_sha256: package.sha256().to_owned(),
                });
            }
            Some(_) => {}
            None => {
                by_filename.insert(filename, package);
            }
        }
    }

    let mut selection = Selection::default();
    // (component, name, architecture, version) -> position in the component's list.
    let mut kept: BTreeMap<(String, String, String, DebianVersion), usize> = BTreeMap::new();
    for package in found {
        let deb = package.entry.package();
        let key = (
            package.component.clone(),
            deb.name().to_owned(),
            deb.architecture().to_owned(),
            deb.version().clone(),
        );
        let list = selection
            .by_component
            .entry(package.component.clone())
            .or_default();
        match kept.get(&key) {
            Some(&position) => {
                let first = &list[position];
                if first.sha256() == package.sha256() {
                    selection.merged_duplicates += 1;
                } else {
                    selection.warnings.push(format!(
                        "{} in component {} comes from two different files: kept {} (sha256 {}), left out {} (sha256 {}); apt keeps one file per version, so give a rebuilt package a new version",
                        package.describe(),
                        package.component,
                        first.origin,
                        first.sha256(),
                        package.origin,
                        package.sha256()
                    ));
                }
            }
            None => {
                kept.insert(key, list.len());
                list.push(package);
            }
        }
    }
    Ok(selection)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apt_index::found_package::PackageOrigin;
    use debian::{ControlParagraph, DebPackage, FileDigests, IndexEntry};

    fn found(
        component: &str,
        version: &str,
        content: &[u8],
        filename: &str,
        origin: &str,
    ) -> FoundPackage {
        let control = ControlParagraph::parse(&format!(
            "Package: bar\nVersion: {version}\nArchitecture: amd64\n"
        ))
        .unwrap();
        let package = DebPackage::from_parts(control, FileDigests::of(content)).unwrap();
        FoundPackage {
            component: component.to_owned(),
            entry: IndexEntry::new(package, filename).unwrap(),
            origin: PackageOrigin::LocalFile(origin.into()),
        }
    }

    #[test]
    fn different_files_at_one_pool_path_fail_naming_both() {
        let error = select(vec![
            found(
                "main",
                "1.1-1",
                b"one",
                "pool/main/b/bar/bar_1.1-1_amd64.deb",
                "a/bar.deb",
            ),
            found(
                "main",
                "1.1-1",
                b"two",
                "pool/main/b/bar/bar_1.1-1_amd64.deb",
                "b/bar.deb",
            ),
        ])
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("a/bar.deb") && message.contains("b/bar.deb"),
            "{message}"
        );
        assert!(
            message.contains("pool/main/b/bar/bar_1.1-1_amd64.deb"),
            "{message}"
        );
        assert!(
            message.contains(&FileDigests::of(b"two").sha256),
            "{message}"
        );
    }

    #[test]
    fn the_same_file_twice_is_listed_once_per_component() {
        let path = "pool/main/b/bar/bar_1.1-1_amd64.deb";
        let selection = select(vec![
            found("main", "1.1-1", b"same", path, "a/bar.deb"),
            found("main", "1.1-1", b"same", path, "b/bar.deb"),
            // Equal in dpkg's eyes, spelt differently: still one version.
            found(
                "main",
                "1.1-01",
                b"same",
                "pool/x/bar_1.1-01_amd64.deb",
                "c/bar.deb",
            ),
            found("contrib", "1.1-1", b"same", path, "d/bar.deb"),
        ])
        .unwrap();
        assert_eq!(selection.merged_duplicates, 2);
        assert!(selection.warnings.is_empty());
        assert_eq!(selection.by_component["main"].len(), 1);
        assert_eq!(
            selection.by_component["main"][0].origin,
            PackageOrigin::LocalFile("a/bar.deb".into())
        );
        assert_eq!(selection.by_component["contrib"].len(), 1);
    }

    #[test]
    fn one_version_from_different_files_keeps_the_first_and_warns() {
        let selection = select(vec![
            found(
                "main",
                "2.0",
                b"first",
                "pool/github/a/r/v2/bar.deb",
                "first.deb",
            ),
            found(
                "main",
                "2.0",
                b"rebuilt",
                "pool/github/a/r/latest/bar.deb",
                "rebuilt.deb",
            ),
            found(
                "main",
                "2.1",
                b"newer",
                "pool/github/a/r/v2.1/bar.deb",
                "newer.deb",
            ),
        ])
        .unwrap();
        let kept: Vec<String> = selection.by_component["main"]
            .iter()
            .map(|package| package.origin.to_string())
            .collect();
        assert_eq!(kept, ["first.deb", "newer.deb"]);
        assert_eq!(selection.warnings.len(), 1);
        let warning = &selection.warnings[0];
        assert!(
            warning.contains("bar 2.0 (amd64)")
                && warning.contains("kept first.deb")
                && warning.contains("left out rebuilt.deb"),
            "{warning}"
        );
    }
}
