//! Where wharf's components find Terraform providers, and what they trust.
//!
//! - [`ProviderOrigin`]: a provider's releases, judged, from the files origin
//!   (`/registry/providers`) or from GitHub releases (`provider_repository_template`,
//!   `allowed_owners`), with where each file can be downloaded.
//! - [`trusted_keys`]: the keys that may sign a namespace's providers (`provider_signing_keys`
//!   and the namespace's `signing-keys.asc`).
//! - [`list_providers`]: every provider and its offered versions, from either origin, for
//!   pages that show what the registry holds; [`mirror_directory`]: what the mirror holds.
//!
//! The judging itself lives in the `terraform-providers` crate; this crate does the I/O a
//! component may do (files, GitHub over wasi:http, key-value).

mod download_location;
mod github_releases;
mod keys;
mod listing;
mod mirror_hashes;
mod origin;
mod signed_urls;
pub mod stream;
mod verdict_cache;

pub use download_location::{DownloadLocation, DOWNLOADS_PREFIX};
pub use keys::trusted_keys;
pub use listing::{list_providers, ListedProvider};
pub use mirror_hashes::MirrorHashes;
pub use origin::{no_such_version, unknown_provider, JudgedReleases, ProviderOrigin};
pub use signed_urls::{authorize_download, signed};

use component_http::FILES_ROOT;
use terraform_providers::{FilesOrigin, MirrorDirectory};

/// A 200 answer carrying a protocol document.
pub fn json(body: String) -> spin_sdk::http::Response {
    spin_sdk::http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body)
        .build()
}

/// The files origin's provider directory.
pub fn files_origin() -> FilesOrigin {
    FilesOrigin::new(format!("{FILES_ROOT}/providers"))
}

/// The provider network mirror's directory.
pub fn mirror_directory() -> MirrorDirectory {
    MirrorDirectory::new(format!("{FILES_ROOT}/mirror"))
}
