//! A `.deb` as an index needs it: its control paragraph and the digests of the whole file.

use std::io::{BufReader, Read};

use crate::ar_archive::{ArReader, InnerFailure};
use crate::control_paragraph::ControlParagraph;
use crate::control_tarball::{
    read_control_file, ControlCompression, ExtractError, CONTROL_FILE_LIMIT, CONTROL_TARBALL_LIMIT,
};
use crate::deb_error::DebError;
use crate::debian_version::DebianVersion;
use crate::file_digests::FileDigests;
use crate::hashing_reader::HashingReader;
use crate::legacy_text::decode_legacy_text;
use crate::syntax::{check_architecture, check_package_name};

/// The longest `debian-binary` member accepted ("2.0\n" is four bytes).
const DEBIAN_BINARY_LIMIT: u64 = 64;

/// A binary package: its control paragraph and the size and digests of the `.deb` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebPackage {
    control: ControlParagraph,
    name: String,
    version: DebianVersion,
    architecture: String,
    digests: FileDigests,
    control_transcoded: bool,
}

impl DebPackage {
    /// Reads a whole `.deb` from `reader` in one pass: checks the ar layout and
    /// `debian-binary`, extracts `control` from `control.tar{,.gz,.xz,.zst}`, and hashes every
    /// byte of the file. The `data.tar` member is read through and discarded, so memory use
    /// does not depend on the package's size.
    pub fn read(reader: impl Read) -> Result<Self, DebError> {
        let mut hashing = HashingReader::new(BufReader::with_capacity(64 * 1024, reader));
        let control_bytes = read_members(&mut hashing)?;
        let digests = hashing.finish();
        let (text, control_transcoded) = decode_legacy_text(&control_bytes);
        let mut package = Self::from_parts(ControlParagraph::parse(&text)?, digests)?;
        package.control_transcoded = control_transcoded;
        Ok(package)
    }

    /// Builds a package from a control paragraph and digests known from elsewhere (a cache of
    /// earlier reads), with the same checks as [`DebPackage::read`].
    pub fn from_parts(control: ControlParagraph, digests: FileDigests) -> Result<Self, DebError> {
        let name = required(&control, "Package")?;
        check_package_name(name).map_err(|reason| invalid("Package", name, reason))?;
        let version_text = required(&control, "Version")?;
        let version = DebianVersion::parse(version_text)
            .map_err(|err| invalid("Version", version_text, &err.to_string()))?;
        let architecture = required(&control, "Architecture")?;
        check_architecture(architecture)
            .map_err(|reason| invalid("Architecture", architecture, reason))?;
        digests.check().map_err(DebError::InvalidDigests)?;
        Ok(Self {
            name: name.to_owned(),
            architecture: architecture.to_owned(),
            version,
            control,
            digests,
            control_transcoded: false,
        })
    }

    /// True when [`DebPackage::read`] found a control file that is not UTF-8 and read its
    /// other bytes as Windows-1252 (Latin-1), so the index stays UTF-8. Worth a warning: the
    /// packager should write UTF-8.
    pub fn control_was_transcoded(&self) -> bool {
        self.control_transcoded
    }

    /// The file name dpkg gives this package, `name_version_architecture.deb`, without the
    /// epoch (`1:2.0-1` gives `hello_2.0-1_amd64.deb`). It never holds a `:`: some HTTP
    /// servers, caches and file systems mishandle one, so a colon that old policy allowed
    /// after the epoch (`2:1.0:beta`) is written as `.`.
    pub fn canonical_file_name(&self) -> String {
        let version = self.version.as_str();
        let without_epoch = version.split_once(':').map_or(version, |(_, rest)| rest);
        format!(
            "{}_{}_{}.deb",
            self.name,
            without_epoch.replace(':', "."),
            self.architecture
        )
    }

    /// The source package it was built from: `Source` without a version in parentheses,
    /// or the package's own name when `Source` is absent or not a valid package name.
    pub fn source_name(&self) -> &str {
        self.control
            .get("Source")
            .and_then(|source| source.split_whitespace().next())
            .filter(|source| check_package_name(source).is_ok())
            .unwrap_or(&self.name)
    }

    /// The control paragraph as found in the package.
    pub fn control(&self) -> &ControlParagraph {
        &self.control
    }

    /// `Package`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `Version`, ordered as dpkg orders versions.
    pub fn version(&self) -> &DebianVersion {
        &self.version
    }

    /// `Architecture` (`amd64`, `all`, …).
    pub fn architecture(&self) -> &str {
        &self.architecture
    }

    /// Size and digests of the whole `.deb`.
    pub fn digests(&self) -> &FileDigests {
        &self.digests
    }

    /// Size of the `.deb` in bytes.
    pub fn size(&self) -> u64 {
        self.digests.size
    }

    /// MD5 of the `.deb`, lowercase hex.
    pub fn md5(&self) -> &str {
        &self.digests.md5
    }

    /// SHA-1 of the `.deb`, lowercase hex.
    pub fn sha1(&self) -> &str {
        &self.digests.sha1
    }

    /// SHA-256 of the `.deb`, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.digests.sha256
    }

    /// SHA-512 of the `.deb`, lowercase hex.
    pub fn sha512(&self) -> &str {
        &self.digests.sha512
    }
}

/// Walks the ar members to the end of the input and returns the raw control file.
fn read_members(input: impl Read) -> Result<Vec<u8>, DebError> {
    let mut ar = ArReader::new(input)?;

    let first = ar
        .next_member()?
        .ok_or_else(|| DebError::MissingDebianBinary {
            found: "no member".into(),
        })?;
    if first.name != "debian-binary" {
        return Err(DebError::MissingDebianBinary {
            found: format!("`{}`", first.name),
        });
    }
    let mut format = Vec::new();
    (&mut ar)
        .take(DEBIAN_BINARY_LIMIT)
        .read_to_end(&mut format)
        .map_err(|err| ar.classify(err))?;
    check_format_version(&format)?;

    // deb(5): readers skip members they do not know, so only the control and data
    // tarballs are looked at; every member is still read through for the digests.
    let mut control = None;
    let mut saw_data = false;
    while let Some(member) = ar.next_member()? {
        if let Some(compression) = ControlCompression::from_member_name(&member.name)? {
            if control.is_some() {
                return Err(DebError::DuplicateControlMember {
                    member: member.name,
                });
            }
            let bytes = read_control_file(&mut ar, compression)
                .map_err(|err| control_error(&ar, err, &member.name))?
                .ok_or_else(|| DebError::MissingControlFile {
                    member: member.name.clone(),
                })?;
            control = Some(bytes);
        } else if member.name.starts_with("data.tar") {
            saw_data = true;
        }
    }
    let control = control.ok_or(DebError::MissingControlMember)?;
    if !saw_data {
        return Err(DebError::MissingDataMember);
    }
    Ok(control)
}

fn check_format_version(content: &[u8]) -> Result<(), DebError> {
    let first_line = content.split(|&b| b == b'\n').next().unwrap_or_default();
    let is_2x = first_line
        .strip_prefix(b"2.")
        .is_some_and(|minor| !minor.is_empty() && minor.iter().all(u8::is_ascii_digit));
    if is_2x && content.contains(&b'\n') {
        return Ok(());
    }
    Err(DebError::UnsupportedFormatVersion {
        found: String::from_utf8_lossy(first_line).into_owned(),
    })
}

/// An error out of the control tarball is truncation or an I/O failure when the ar reader
/// saw one underneath, and corruption otherwise.
fn control_error<R: Read>(ar: &ArReader<R>, err: ExtractError, member: &str) -> DebError {
    let member = member.to_owned();
    match err {
        ExtractError::ControlFileTooLarge => DebError::ControlFileTooLarge {
            member,
            limit: CONTROL_FILE_LIMIT,
        },
        ExtractError::TarballTooLarge => DebError::ControlTarballTooLarge {
            member,
            limit: CONTROL_TARBALL_LIMIT,
        },
        ExtractError::Read(err) => match ar.inner_failure() {
            Some(InnerFailure::EndedEarly | InnerFailure::Io) => ar.classify(err),
            None => DebError::CorruptControlTarball {
                member,
                reason: err.to_string(),
            },
        },
    }
}

fn required<'a>(control: &'a ControlParagraph, field: &'static str) -> Result<&'a str, DebError> {
    control
        .get(field)
        .filter(|value| !value.is_empty())
        .ok_or(DebError::MissingField { field })
}

fn invalid(field: &'static str, value: &str, reason: &str) -> DebError {
    DebError::InvalidField {
        field,
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(text: &str) -> ControlParagraph {
        ControlParagraph::parse(text).unwrap()
    }

    #[test]
    fn from_parts_requires_the_three_fields() {
        let digests = FileDigests::of(b"x");
        for (text, missing) in [
            ("Version: 1\nArchitecture: all\n", "Package"),
            ("Package: ab\nArchitecture: all\n", "Version"),
            ("Package: ab\nVersion: 1\n", "Architecture"),
            ("Package: ab\nVersion: 1\nArchitecture:\n", "Architecture"),
        ] {
            let err = DebPackage::from_parts(control(text), digests.clone()).unwrap_err();
            assert!(
                matches!(err, DebError::MissingField { field } if field == missing),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn from_parts_checks_values() {
        let digests = FileDigests::of(b"x");
        let err = DebPackage::from_parts(
            control("Package: Hello\nVersion: 1\nArchitecture: all\n"),
            digests.clone(),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            DebError::InvalidField {
                field: "Package",
                ..
            }
        ));
        let err = DebPackage::from_parts(
            control("Package: hello\nVersion: 1.0-\nArchitecture: all\n"),
            digests.clone(),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                DebError::InvalidField {
                    field: "Version",
                    ..
                }
            ),
            "{err}"
        );
        let mut bad = digests;
        bad.sha1 = "nope".into();
        let err = DebPackage::from_parts(
            control("Package: hello\nVersion: 1\nArchitecture: all\n"),
            bad,
        )
        .unwrap_err();
        assert!(matches!(err, DebError::InvalidDigests(_)));
    }

    #[test]
    fn accessors_read_the_control_fields() {
        let p = DebPackage::from_parts(
            control("package: hello\nVersion: 1:2.10-3\nArchitecture: amd64\n"),
            FileDigests::of(b"deb bytes"),
        )
        .unwrap();
        assert_eq!(p.name(), "hello");
        assert_eq!(p.version().as_str(), "1:2.10-3");
        assert_eq!(p.architecture(), "amd64");
        assert_eq!(p.size(), 9);
    }

    #[test]
    fn canonical_file_names_leave_the_epoch_out() {
        let package = |version: &str, arch: &str| {
            DebPackage::from_parts(
                control(&format!(
                    "Package: libfoo++1\nVersion: {version}\nArchitecture: {arch}\n"
                )),
                FileDigests::of(b"x"),
            )
            .unwrap()
        };
        assert_eq!(
            package("1:2.3+dfsg-1~bpo12+1", "amd64").canonical_file_name(),
            "libfoo++1_2.3+dfsg-1~bpo12+1_amd64.deb"
        );
        // Only the first `:` ends the epoch; old policy allowed more in the upstream part.
        assert_eq!(
            package("2:1.0:beta-1", "all").canonical_file_name(),
            "libfoo++1_1.0.beta-1_all.deb"
        );
        assert_eq!(
            package("1.0~rc1", "arm64").canonical_file_name(),
            "libfoo++1_1.0~rc1_arm64.deb"
        );
    }

    #[test]
    fn source_name_drops_the_version_and_falls_back_to_the_package() {
        let with_source = |source: &str| {
            DebPackage::from_parts(
                control(&format!(
                    "Package: libfoo1\nVersion: 1\nArchitecture: all\nSource: {source}\n"
                )),
                FileDigests::of(b"x"),
            )
            .unwrap()
        };
        assert_eq!(with_source("foo (1.2-1)").source_name(), "foo");
        assert_eq!(with_source("foo").source_name(), "foo");
        assert_eq!(with_source("../evil").source_name(), "libfoo1");
        let without = DebPackage::from_parts(
            control("Package: bar\nVersion: 1\nArchitecture: all\n"),
            FileDigests::of(b"x"),
        )
        .unwrap();
        assert_eq!(without.source_name(), "bar");
    }

    #[test]
    fn format_version_must_be_2x_with_a_newline() {
        assert!(check_format_version(b"2.0\n").is_ok());
        assert!(check_format_version(b"2.1\n").is_ok());
        for bad in [
            &b"3.0\n"[..],
            b"2.0",
            b"2.\n",
            b"0.939000\n",
            b"2.0x\n",
            b"",
        ] {
            assert!(
                matches!(
                    check_format_version(bad),
                    Err(DebError::UnsupportedFormatVersion { .. })
                ),
                "{bad:?}"
            );
        }
    }
}
