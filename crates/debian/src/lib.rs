//! Debian repository formats, sans-IO.
//!
//! What an APT repository needs, as pure functions over bytes and [`std::io::Read`]:
//!
//! - [`ControlParagraph`]: deb822 text (control files, `Packages` stanzas, `Release`).
//! - [`DebPackage`]: reads a `.deb` from any reader, extracts its control file and hashes the
//!   whole file in one streaming pass (the `data.tar` is skipped, never held in memory).
//! - [`DebianVersion`]: dpkg's version ordering.
//! - [`PackagesIndex`]: the `Packages` file of one `binary-<arch>` directory.
//! - [`gzip`] and [`xz`]: deterministic compression of index files.
//! - [`ReleaseFile`]: the unsigned `Release` file, with `Acquire-By-Hash`.
//! - [`IndexFileSet`]: every file under `dists/<suite>/` for a suite, ready to store.
//! - [`pool_path`]: where a package lives in `pool/`, as Debian lays it out.
//! - [`FileValidators`]: `Last-Modified` and `ETag` of a repository file, from its content.
//!
//! The crate reads no clock, file or network and starts no thread, so it builds for
//! `wasm32-wasip2` as well as natively; times come in as unix-seconds parameters.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ar_archive;
mod compression;
mod control_paragraph;
mod control_parse;
mod control_tarball;
mod deb_error;
mod deb_package;
mod debian_version;
mod file_digests;
mod file_validators;
mod hashing_reader;
mod hex;
mod index_error;
mod index_file_set;
mod legacy_text;
mod packages_index;
mod pool_layout;
mod release_date;
mod release_file;
mod syntax;
mod zstd_reader;

pub use compression::{gzip, xz, CompressionError};
pub use control_paragraph::{format_paragraphs, ControlField, ControlParagraph};
pub use control_parse::{parse_paragraphs, ControlError};
pub use deb_error::DebError;
pub use deb_package::DebPackage;
pub use debian_version::{DebianVersion, VersionError};
pub use file_digests::FileDigests;
pub use file_validators::{FileValidators, RELEASE_DATE_WITHIN};
pub use index_error::IndexError;
pub use index_file_set::{ComponentPackages, IndexFile, IndexFileSet};
pub use packages_index::{IndexEntry, PackagesIndex};
pub use pool_layout::pool_path;
pub use release_date::{format_release_date, parse_release_date, release_date_of};
pub use release_file::{by_hash_path, by_hash_sha512_path, ReleaseError, ReleaseFile, SuiteMeta};
