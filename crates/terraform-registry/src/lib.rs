//! Terraform / OpenTofu module registry protocol, as pure functions.
//!
//! - [`ModuleAddress`]: `namespace/name/provider` checked with Terraform's rules.
//! - [`RepositoryNaming`]: which GitHub repository holds a module (`{namespace}/{name}` or a
//!   template such as `{namespace}/terraform-{provider}-{name}`).
//! - [`ModuleVersions`]: git tags → canonical versions newest first, and back
//!   ([`ModuleVersions::resolve`]); [`versions_response_json`] writes the versions answer.
//! - [`sign_archive_path`] / [`verify_archive_request`]: the short-lived signed
//!   `X-Terraform-Get` URLs (Terraform sends no token there).
//! - [`PinnedCommit`]: refuses a version whose tag was moved to another commit, and indexes
//!   the commits it pinned ([`pinned_commit_key`]).
//!
//! No I/O and no clock: functions that need the time take `now_unix`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod address;
mod naming;
mod pin;
mod signed_url;
mod version_tag;
mod versions;

pub use address::{printable, AddressError, AddressPart, ModuleAddress};
pub use naming::{NamingError, RepositoryNaming, RepositoryTemplate, TemplateRules};
pub use pin::{pinned_commit_key, PinDecision, PinnedCommit, TagMoved};
pub use signed_url::{
    sign_archive_path, verify_archive_request, SignatureError,
    DEFAULT_ARCHIVE_URL_LIFETIME_SECONDS, MAX_ARCHIVE_URL_LIFETIME_SECONDS, MIN_SIGNING_KEY_BYTES,
};
pub use versions::{versions_response_json, ModuleVersions, TagVersion};
