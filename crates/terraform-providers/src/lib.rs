//! Terraform's provider registry protocol and provider network mirror protocol, as wharf serves
//! them, with no I/O beyond reading a directory or a file it is handed.
//!
//! - [`ProviderAddress`], [`ProviderVersion`], [`Platform`]: the names in requests, checked
//!   the way Terraform checks them.
//! - [`ReleaseFileNames`]: GoReleaser's file names for a provider release.
//! - [`Checksums`], [`protocols_from_manifest`]: `SHA256SUMS` and `manifest.json`, read the way
//!   Terraform reads them.
//! - [`TrustedKeys`]: the public keys that may sign, and the check of `SHA256SUMS.sig`.
//! - [`ReleaseLayout`]: whether a release may be offered, and what it offers.
//! - [`versions_document`], [`download_document`]: the registry protocol's answers;
//!   [`mirror_index_document`], [`mirror_version_document`]: the network mirror's.
//! - [`PackageHashes`]: Terraform's `h1:` and `zh:` hashes of a provider zip.
//! - [`FilesOrigin`], [`MirrorDirectory`]: the documented directory layouts, listed.
//! - [`RegistryRequest`], [`MirrorRequest`]: what a request path asks for.
//! - [`ProviderRepositoryNaming`]: which GitHub repository holds a provider.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod address;
mod bounded_read;
mod checksums;
mod documents;
mod files_origin;
mod manifest;
mod mirror_directory;
mod naming;
mod package_hash;
mod platform;
mod release;
mod release_files;
mod requests;
mod signing_keys;
mod version;

pub use address::{AddressError, ProviderAddress, RegistryHostname};
pub use bounded_read::read_bounded;
pub use checksums::{Checksums, ChecksumsError, MAX_CHECKSUMS_BYTES};
pub use documents::{
    download_document, mirror_index_document, mirror_version_document, versions_document,
    DownloadUrls, MirrorArchiveEntry,
};
pub use files_origin::{FilesOrigin, MAX_KEYS_BYTES, NAMESPACE_KEYS_FILE};
pub use manifest::{
    is_protocol_version, manifest_for_protocols, protocols_from_manifest, ManifestError,
    DEFAULT_PROTOCOLS, MAX_MANIFEST_BYTES,
};
pub use mirror_directory::{MirrorArchive, MirrorDirectory};
pub use naming::ProviderRepositoryNaming;
pub use package_hash::{PackageHashError, PackageHashes, MAX_UNPACKED_BYTES};
pub use platform::{Platform, PlatformError};
pub use release::{
    OfferedArchive, OfferedRelease, ProviderReleases, ReleaseLayout, ReleaseRefusal, VerifiedFiles,
};
pub use release_files::{checksums_file_identity, ReleaseFile, ReleaseFileNames};
pub use requests::{MirrorRequest, PathError, RegistryRequest, MIRROR_PREFIX, REGISTRY_PREFIX};
pub use signing_keys::{KeyError, SignatureProblem, TrustedKey, TrustedKeys, MAX_SIGNATURE_BYTES};
pub use version::ProviderVersion;
