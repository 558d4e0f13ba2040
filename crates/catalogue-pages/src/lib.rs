//! The catalogue: what a wharf registry holds and how to use it, for people (HTML) and
//! scripts (JSON), without I/O. A component gathers what the origin says and calls in here:
//!
//! - [`ClientEndpoint`]: how clients reach this registry (scheme and host), for every snippet.
//! - [`snippets`]: the `module` block with a `~>` constraint, the APT `.sources` block, the
//!   `auth.conf.d` entry and the install commands.
//! - [`apt_listing`]: packages from the served `Release` and `Packages` files, grouped by
//!   name, newest version first; [`apt_repository`]: a whole repository (every suite and
//!   the signing key) through a function that reads its files.
//! - [`module_listing`], [`provider_listing`]: which listed GitHub repositories are modules,
//!   and which are providers.
//! - [`signing_key`]: the fingerprint of the repository's signing key, from `public.key`.
//! - [`pages`]: the page models; each serializes to the page's JSON.
//! - [`html`]: each page as HTML; every string from a module, README or control file is
//!   escaped (maud), except a README that `module-docs` already sanitized.
//! - [`Representation`] and [`response_headers`]: HTML or JSON by `Accept`, and the strict
//!   `Content-Security-Policy` every page carries.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod apt_listing;
pub mod apt_repository;
mod endpoint;
pub mod html;
pub mod module_listing;
mod negotiation;
pub mod pages;
pub mod provider_listing;
pub mod signing_key;
pub mod snippets;

pub use endpoint::ClientEndpoint;
pub use negotiation::{response_headers, Representation};
