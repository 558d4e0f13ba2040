//! The unsigned `Release` file of `dists/<suite>/`.

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256, Sha512};

use crate::control_paragraph::write_field;
use crate::hex::to_hex;
use crate::release_date::format_release_date;
use crate::syntax::{check_architecture, check_path_word, check_relative_path, check_single_line};

/// What describes a suite in its `Release` file.
///
/// apt stops and asks the user when Origin, Label, Suite or Codename change between
/// updates, so pick them once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteMeta {
    /// `Origin` (omitted when empty).
    pub origin: String,
    /// `Label` (omitted when empty).
    pub label: String,
    /// `Suite`, also the directory name under `dists/`.
    pub suite: String,
    /// `Codename`.
    pub codename: String,
    /// `Description` (omitted when empty).
    pub description: String,
    /// `Architectures`: real architectures only; `all` packages go into each of them.
    pub architectures: Vec<String>,
    /// `Components` (`main`, …).
    pub components: Vec<String>,
    /// `Date`, as unix seconds. apt refuses a Release dated in the future or older than the
    /// one it has, so pass the publishing time.
    pub date: u64,
}

/// Why a Release file could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseError {
    /// A suite field has a value apt would misread.
    #[error("Release field {field} has an invalid value {value:?}: {reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// The value.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An index path that cannot be listed.
    #[error("cannot list index {path:?} in Release: {reason}")]
    InvalidIndexPath {
        /// The path.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The same index path added twice.
    #[error("index {path:?} was added to Release twice")]
    DuplicateIndex {
        /// The path.
        path: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct IndexChecksums {
    size: u64,
    sha256: String,
    sha512: String,
}

/// A `Release` file: the suite's description plus the size, SHA-256 and SHA-512 of every
/// index file, with `Acquire-By-Hash: yes` and no `Valid-Until` (an expired one is a hard
/// error in apt, and nothing re-signs on a schedule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFile {
    meta: SuiteMeta,
    indexes: BTreeMap<String, IndexChecksums>,
}

impl ReleaseFile {
    /// Checks the suite description; index files are added with [`ReleaseFile::add_index`].
    pub fn new(meta: SuiteMeta) -> Result<Self, ReleaseError> {
        check_meta(&meta)?;
        Ok(Self {
            meta,
            indexes: BTreeMap::new(),
        })
    }

    /// Lists an index file, `path` relative to `dists/<suite>/` (`main/binary-amd64/Packages`).
    /// List the uncompressed `Packages` too: apt finds nothing without it.
    pub fn add_index(&mut self, path: &str, bytes: &[u8]) -> Result<(), ReleaseError> {
        check_relative_path(path).map_err(|reason| ReleaseError::InvalidIndexPath {
            path: path.to_owned(),
            reason,
        })?;
        if self.indexes.contains_key(path) {
            return Err(ReleaseError::DuplicateIndex {
                path: path.to_owned(),
            });
        }
        self.indexes.insert(
            path.to_owned(),
            IndexChecksums {
                size: bytes.len() as u64,
                sha256: to_hex(&Sha256::digest(bytes)),
                sha512: to_hex(&Sha512::digest(bytes)),
            },
        );
        Ok(())
    }

    /// The SHA-256 (lowercase hex) of a listed index, for its by-hash copy.
    pub fn sha256_of(&self, path: &str) -> Option<&str> {
        self.indexes.get(path).map(|c| c.sha256.as_str())
    }

    /// The SHA-512 (lowercase hex) of a listed index, for its by-hash copy.
    pub fn sha512_of(&self, path: &str) -> Option<&str> {
        self.indexes.get(path).map(|c| c.sha512.as_str())
    }

    /// The suite description.
    pub fn meta(&self) -> &SuiteMeta {
        &self.meta
    }
}

impl fmt::Display for ReleaseFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let meta = &self.meta;
        let mut out = String::new();
        let optional = |out: &mut String, name: &str, value: &str| {
            if !value.is_empty() {
                write_field(out, name, value);
            }
        };
        optional(&mut out, "Origin", &meta.origin);
        optional(&mut out, "Label", &meta.label);
        write_field(&mut out, "Suite", &meta.suite);
        write_field(&mut out, "Codename", &meta.codename);
        write_field(&mut out, "Date", &format_release_date(meta.date));
        write_field(&mut out, "Architectures", &meta.architectures.join(" "));
        write_field(&mut out, "Components", &meta.components.join(" "));
        optional(&mut out, "Description", &meta.description);
        write_field(&mut out, "Acquire-By-Hash", "yes");
        let list = |digest: fn(&IndexChecksums) -> &str| {
            self.indexes
                .iter()
                .map(|(path, c)| format!("\n {} {} {}", digest(c), c.size, path))
                .collect::<String>()
        };
        write_field(&mut out, "SHA256", &list(|c| &c.sha256));
        write_field(&mut out, "SHA512", &list(|c| &c.sha512));
        f.write_str(&out)
    }
}

/// Where apt fetches an index by its SHA-256: `main/binary-amd64/Packages.xz` with hash `H`
/// is at `main/binary-amd64/by-hash/SHA256/H`.
pub fn by_hash_path(index_path: &str, sha256_hex: &str) -> String {
    by_hash(index_path, "SHA256", sha256_hex)
}

/// The same for SHA-512. apt asks for the strongest hash the Release lists, so with the
/// `SHA512` list present this is the path apt actually requests.
pub fn by_hash_sha512_path(index_path: &str, sha512_hex: &str) -> String {
    by_hash(index_path, "SHA512", sha512_hex)
}

fn by_hash(index_path: &str, algorithm: &str, hex: &str) -> String {
    match index_path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/by-hash/{algorithm}/{hex}"),
        None => format!("by-hash/{algorithm}/{hex}"),
    }
}

fn check_meta(meta: &SuiteMeta) -> Result<(), ReleaseError> {
    let invalid =
        |field: &'static str, value: &str, reason: &'static str| ReleaseError::InvalidField {
            field,
            value: value.to_owned(),
            reason,
        };
    for (field, value) in [
        ("Origin", &meta.origin),
        ("Label", &meta.label),
        ("Description", &meta.description),
    ] {
        check_single_line(value).map_err(|reason| invalid(field, value, reason))?;
    }
    for (field, value) in [("Suite", &meta.suite), ("Codename", &meta.codename)] {
        check_path_word(value).map_err(|reason| invalid(field, value, reason))?;
    }
    let joined_architectures = meta.architectures.join(" ");
    if meta.architectures.is_empty() {
        return Err(invalid(
            "Architectures",
            "",
            "list at least one architecture",
        ));
    }
    for arch in &meta.architectures {
        check_architecture(arch)
            .map_err(|reason| invalid("Architectures", &joined_architectures, reason))?;
        if arch == "all" {
            return Err(invalid(
                "Architectures",
                &joined_architectures,
                "`all` packages are listed in every architecture's index; name real architectures only",
            ));
        }
    }
    let joined_components = meta.components.join(" ");
    if meta.components.is_empty() {
        return Err(invalid("Components", "", "list at least one component"));
    }
    for component in &meta.components {
        check_path_word(component)
            .map_err(|reason| invalid("Components", &joined_components, reason))?;
    }
    if has_duplicates(&meta.architectures) {
        return Err(invalid(
            "Architectures",
            &joined_architectures,
            "an architecture is listed twice",
        ));
    }
    if has_duplicates(&meta.components) {
        return Err(invalid(
            "Components",
            &joined_components,
            "a component is listed twice",
        ));
    }
    Ok(())
}

fn has_duplicates(items: &[String]) -> bool {
    items
        .iter()
        .enumerate()
        .any(|(i, item)| items[..i].contains(item))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control_paragraph::ControlParagraph;

    pub(crate) fn meta() -> SuiteMeta {
        SuiteMeta {
            origin: "wharf".into(),
            label: "wharf".into(),
            suite: "stable".into(),
            codename: "stable".into(),
            description: "Private packages".into(),
            architectures: vec!["amd64".into(), "arm64".into()],
            components: vec!["main".into()],
            date: 1_767_225_600,
        }
    }

    #[test]
    fn lists_every_index_with_size_and_both_hashes() {
        let mut release = ReleaseFile::new(meta()).unwrap();
        release
            .add_index("main/binary-amd64/Packages", b"hello")
            .unwrap();
        release
            .add_index("main/binary-amd64/Packages.gz", b"")
            .unwrap();
        let text = release.to_string();
        let paragraph = ControlParagraph::parse(&text).unwrap();
        assert_eq!(paragraph.get("Date"), Some("Thu, 01 Jan 2026 00:00:00 UTC"));
        assert_eq!(paragraph.get("Acquire-By-Hash"), Some("yes"));
        assert_eq!(paragraph.get("Architectures"), Some("amd64 arm64"));
        assert!(paragraph.get("Valid-Until").is_none());
        // Independent values: sha256("hello") and sha256("").
        assert_eq!(
            paragraph.get("SHA256"),
            Some(
                "\n 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 5 main/binary-amd64/Packages\
                 \n e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 main/binary-amd64/Packages.gz"
            )
        );
        let sha512 = paragraph.get("SHA512").unwrap();
        assert!(sha512.starts_with("\n 9b71d224bd62f378"), "{sha512}");
        assert_eq!(sha512.lines().count(), 3);
    }

    #[test]
    fn empty_optional_fields_are_omitted() {
        let mut m = meta();
        m.origin.clear();
        m.description.clear();
        let paragraph = ControlParagraph::parse(&ReleaseFile::new(m).unwrap().to_string()).unwrap();
        assert!(!paragraph.contains("Origin"));
        assert!(!paragraph.contains("Description"));
        assert_eq!(paragraph.get("Label"), Some("wharf"));
    }

    #[test]
    fn refuses_bad_meta_and_paths() {
        let cases: [fn(&mut SuiteMeta); 8] = [
            |m| m.origin = "two\nlines".into(),
            |m| m.suite = "../etc".into(),
            |m| m.codename.clear(),
            |m| m.architectures.clear(),
            |m| m.architectures.push("all".into()),
            |m| m.architectures.push("amd64".into()),
            |m| m.components = vec!["main".into(), "con trib".into()],
            |m| m.components.clear(),
        ];
        for (i, change) in cases.iter().enumerate() {
            let mut m = meta();
            change(&mut m);
            assert!(
                matches!(ReleaseFile::new(m), Err(ReleaseError::InvalidField { .. })),
                "case {i}"
            );
        }
        let mut release = ReleaseFile::new(meta()).unwrap();
        assert!(release.add_index("/main/Packages", b"").is_err());
        assert!(release.add_index("main/Pack ages", b"").is_err());
        release.add_index("main/Packages", b"").unwrap();
        assert_eq!(
            release.add_index("main/Packages", b""),
            Err(ReleaseError::DuplicateIndex {
                path: "main/Packages".into()
            })
        );
    }

    #[test]
    fn by_hash_paths_sit_next_to_the_index() {
        assert_eq!(
            by_hash_path("main/binary-amd64/Packages.xz", "abc"),
            "main/binary-amd64/by-hash/SHA256/abc"
        );
        assert_eq!(by_hash_sha512_path("Packages", "def"), "by-hash/SHA512/def");
    }
}
