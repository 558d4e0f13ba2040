//! Debian version numbers and dpkg's ordering of them.

use std::cmp::Ordering;
use std::fmt;

/// Why a version string is not a Debian version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The string is empty.
    #[error("the version is empty")]
    Empty,
    /// The part before the first `:` is not a number dpkg accepts.
    #[error("version {version:?}: the epoch (before `:`) must be a number up to 2147483647")]
    InvalidEpoch {
        /// The whole version.
        version: String,
    },
    /// Nothing remains for the upstream version.
    #[error("version {version:?}: the upstream part is empty")]
    EmptyUpstream {
        /// The whole version.
        version: String,
    },
    /// The version ends with `-`.
    #[error("version {version:?}: the Debian revision after the last `-` is empty")]
    EmptyRevision {
        /// The whole version.
        version: String,
    },
    /// A character outside the allowed set.
    #[error("version {version:?}: character {character:?} is not allowed in the {part}")]
    InvalidCharacter {
        /// The whole version.
        version: String,
        /// The offending character.
        character: char,
        /// `upstream version` or `Debian revision`.
        part: &'static str,
    },
}

/// A Debian version, `[epoch:]upstream[-revision]`, ordered as dpkg orders them.
///
/// Equality follows the ordering, so `1.0` equals `0:1.0` and `1.00`, as in dpkg.
/// [`fmt::Display`] gives back the text as written.
#[derive(Debug, Clone)]
pub struct DebianVersion {
    text: String,
    epoch: u32,
    upstream_start: usize,
    upstream_end: usize,
}

impl DebianVersion {
    /// Parses a version with dpkg's rules: the epoch is the number before the first `:`, the
    /// revision follows the last `-`. Characters: letters, digits and `.+~` everywhere, `-` and
    /// `:` in the upstream part. (dpkg only warns when the upstream part does not start with a
    /// digit, so that is accepted here too.)
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        let invalid_epoch = || VersionError::InvalidEpoch {
            version: text.to_owned(),
        };
        let (epoch, upstream_start) = match text.split_once(':') {
            Some((digits, _)) => {
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid_epoch());
                }
                let epoch: u32 = digits.parse().map_err(|_| invalid_epoch())?;
                if epoch > i32::MAX as u32 {
                    return Err(invalid_epoch());
                }
                (epoch, digits.len() + 1)
            }
            None => (0, 0),
        };
        let rest = &text[upstream_start..];
        let upstream_len = match rest.rfind('-') {
            Some(hyphen) if hyphen + 1 == rest.len() => {
                return Err(VersionError::EmptyRevision {
                    version: text.to_owned(),
                })
            }
            Some(hyphen) => hyphen,
            None => rest.len(),
        };
        let upstream = &rest[..upstream_len];
        if upstream.is_empty() {
            return Err(VersionError::EmptyUpstream {
                version: text.to_owned(),
            });
        }
        check_characters(text, upstream, "upstream version", b".+~-:")?;
        let revision = rest.get(upstream_len + 1..).unwrap_or_default();
        check_characters(text, revision, "Debian revision", b".+~")?;
        Ok(Self {
            text: text.to_owned(),
            epoch,
            upstream_start,
            upstream_end: upstream_start + upstream_len,
        })
    }

    /// The epoch (0 when absent).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The upstream part.
    pub fn upstream(&self) -> &str {
        &self.text[self.upstream_start..self.upstream_end]
    }

    /// The Debian revision, empty when absent.
    pub fn revision(&self) -> &str {
        self.text.get(self.upstream_end + 1..).unwrap_or_default()
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn check_characters(
    version: &str,
    part_text: &str,
    part: &'static str,
    punctuation: &[u8],
) -> Result<(), VersionError> {
    match part_text.chars().find(|&c| {
        !(c.is_ascii_alphanumeric() || (c.is_ascii() && punctuation.contains(&(c as u8))))
    }) {
        Some(character) => Err(VersionError::InvalidCharacter {
            version: version.to_owned(),
            character,
            part,
        }),
        None => Ok(()),
    }
}

/// The weight of a non-digit character in dpkg's comparison: `~` sorts before everything,
/// even the end of the string; letters sort before other punctuation.
fn order(byte: Option<u8>) -> i32 {
    match byte {
        None => 0,
        Some(b) if b.is_ascii_digit() => 0,
        Some(b) if b.is_ascii_alphabetic() => i32::from(b),
        Some(b'~') => -1,
        Some(b) => i32::from(b) + 256,
    }
}

/// dpkg's `verrevcmp`: alternate non-digit runs (compared by [`order`]) and digit runs
/// (compared numerically, leading zeros ignored).
fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let digit_at = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit_at(a, i)) || (j < b.len() && !digit_at(b, j)) {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit_at(a, i) && digit_at(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit_at(a, i) {
            return Ordering::Greater;
        }
        if digit_at(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

impl Ord for DebianVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream(), other.upstream()))
            .then_with(|| verrevcmp(self.revision(), other.revision()))
    }
}

impl PartialOrd for DebianVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DebianVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DebianVersion {}

impl fmt::Display for DebianVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for DebianVersion {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> DebianVersion {
        DebianVersion::parse(text).unwrap()
    }

    #[test]
    fn splits_epoch_upstream_revision() {
        let version = v("1:2.30-1ubuntu2");
        assert_eq!(version.epoch(), 1);
        assert_eq!(version.upstream(), "2.30");
        assert_eq!(version.revision(), "1ubuntu2");
        let hyphens = v("1.0-beta-3");
        assert_eq!(hyphens.upstream(), "1.0-beta");
        assert_eq!(hyphens.revision(), "3");
        let plain = v("7");
        assert_eq!(
            (plain.epoch(), plain.upstream(), plain.revision()),
            (0, "7", "")
        );
        assert_eq!(v("2:1.0:rc1-1").upstream(), "1.0:rc1");
    }

    // Pairs from dpkg's own documentation (deb-version(7)) and its t/version test.
    #[test]
    fn orders_like_dpkg() {
        let less = [
            ("1.0~rc1", "1.0"),
            ("1.0~~", "1.0~"),
            ("1.0~~a", "1.0~"),
            ("1.0~", "1.0"),
            ("1.0", "1.0a"),
            ("1.0", "1.0+1"),
            ("1.0", "1.0.1"),
            ("1.0-1", "1.0-2"),
            ("1.0-9", "1.0-10"),
            ("2.0", "1:0.9"),
            ("1.2.3", "1.10"),
            ("1.0a", "1.0b"),
            ("1.0Z", "1.0a"),
            ("1.0a", "1.0+"),
            ("1.0-1", "1.0.1-1"),
            ("0:1.0", "1:0.1"),
            ("1.0~rc1-1", "1.0-0"),
        ];
        for (a, b) in less {
            assert!(v(a) < v(b), "{a} < {b}");
            assert!(v(b) > v(a), "{b} > {a}");
        }
    }

    #[test]
    fn equality_follows_dpkg_not_spelling() {
        assert_eq!(v("1.0"), v("0:1.0"));
        assert_eq!(v("1.0"), v("1.00"));
        assert_eq!(v("1.0"), v("1.0-0"));
        assert_ne!(v("1.0"), v("1.0-1"));
        assert_eq!(v("1.0").to_string(), "1.0");
        assert_eq!(v("0:1.0").to_string(), "0:1.0");
    }

    #[test]
    fn rejects_malformed_versions() {
        assert_eq!(DebianVersion::parse(""), Err(VersionError::Empty));
        for bad_epoch in [":1.0", "a:1.0", "-1:1.0", "99999999999:1.0", "2147483648:1"] {
            assert!(
                matches!(
                    DebianVersion::parse(bad_epoch),
                    Err(VersionError::InvalidEpoch { .. })
                ),
                "{bad_epoch}"
            );
        }
        assert!(matches!(
            DebianVersion::parse("1:"),
            Err(VersionError::EmptyUpstream { .. })
        ));
        assert!(matches!(
            DebianVersion::parse("-1"),
            Err(VersionError::EmptyUpstream { .. })
        ));
        assert!(matches!(
            DebianVersion::parse("1.0-"),
            Err(VersionError::EmptyRevision { .. })
        ));
        assert!(matches!(
            DebianVersion::parse("1.0 beta"),
            Err(VersionError::InvalidCharacter { character: ' ', .. })
        ));
        assert!(matches!(
            DebianVersion::parse("1:1.0-1:2"),
            Err(VersionError::InvalidCharacter {
                character: ':',
                part: "Debian revision",
                ..
            })
        ));
        assert!(matches!(
            DebianVersion::parse("1.0_1"),
            Err(VersionError::InvalidCharacter { character: '_', .. })
        ));
    }
}
