//! Everything that can be wrong with a `.deb`, each naming what is wrong.

use std::io;

use crate::control_parse::ControlError;

/// Why a `.deb` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DebError {
    /// The file does not start with `!<arch>\n`.
    #[error("not a .deb: the file does not start with the ar signature `!<arch>`")]
    NotArArchive,
    /// The input ended early.
    #[error("the .deb is truncated: it ends inside {within}")]
    Truncated {
        /// Where the input ended (`the ar signature`, `member data.tar.xz`, …).
        within: String,
    },
    /// An ar member header is not in the 60-byte format.
    #[error("the .deb's ar member header at byte {offset} is malformed: {reason}")]
    MalformedArHeader {
        /// Offset of the header in the file.
        offset: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// The first member is not `debian-binary`.
    #[error("not a .deb: the first ar member must be `debian-binary`, found {found}")]
    MissingDebianBinary {
        /// What was found instead (a member name, or `no member`).
        found: String,
    },
    /// `debian-binary` names a format other than 2.x.
    #[error("unsupported .deb format version {found:?} in debian-binary (expected 2.x)")]
    UnsupportedFormatVersion {
        /// The member's content, up to its first line break.
        found: String,
    },
    /// No `control.tar*` member.
    #[error(
        "the .deb has no control.tar, control.tar.gz, control.tar.xz or control.tar.zst member"
    )]
    MissingControlMember,
    /// Two control members.
    #[error("the .deb has a second control member {member}")]
    DuplicateControlMember {
        /// The second member's name.
        member: String,
    },
    /// A control member compressed with something dpkg does not use.
    #[error(
        "unsupported control member {member}: expected control.tar, control.tar.gz, control.tar.xz or control.tar.zst"
    )]
    UnsupportedControlCompression {
        /// The member's name.
        member: String,
    },
    /// The control member cannot be decompressed or is not a tar archive.
    #[error("{member} in the .deb is corrupt: {reason}")]
    CorruptControlTarball {
        /// The member's name.
        member: String,
        /// The decoder's or tar reader's message.
        reason: String,
    },
    /// The control tarball has no `control` file.
    #[error("{member} in the .deb holds no `control` file")]
    MissingControlFile {
        /// The member's name.
        member: String,
    },
    /// The control file is implausibly large.
    #[error("the control file in {member} is larger than {limit} bytes")]
    ControlFileTooLarge {
        /// The member's name.
        member: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The control tarball decompresses to an implausible size.
    #[error("{member} in the .deb decompresses to more than {limit} bytes")]
    ControlTarballTooLarge {
        /// The member's name.
        member: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The control file is not valid deb822.
    #[error("the control file is malformed: {0}")]
    Control(#[from] ControlError),
    /// A required control field is missing.
    #[error("the control file has no `{field}` field")]
    MissingField {
        /// `Package`, `Version` or `Architecture`.
        field: &'static str,
    },
    /// A required control field has a value dpkg would refuse.
    #[error("the control field `{field}` has an invalid value {value:?}: {reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// Its value.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No `data.tar*` member.
    #[error("the .deb has no data.tar member")]
    MissingDataMember,
    /// Digests given to [`crate::DebPackage::from_parts`] are not well-formed.
    #[error("invalid file digests: {0}")]
    InvalidDigests(String),
    /// The underlying reader failed.
    #[error("reading the .deb failed: {0}")]
    Io(io::Error),
}
