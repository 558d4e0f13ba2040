//! GitHub REST API, sans-IO: builds [`http::Request`]s and interprets responses, for the
//! Spin components (which send them over wasi:http) and the native CLI alike.
//!
//! What it covers:
//! - [`GitHubConfig`], [`Credentials`] and [`GitHubRequests`]: requests for tags, commits,
//!   branches, tarballs, releases, release assets and raw files, with GitHub's required
//!   headers; names from clients go through [`Repository`], [`GitRef`] and [`RepoPath`].
//! - [`classify`] / [`classify_response`]: status + headers → [`GitHubError`], including rate
//!   limits; parsers for tags, commits, branches, releases and installation tokens.
//! - [`next_page`]: `Link` pagination, with [`GitHubRequests::next_page`] refusing links that
//!   leave the API's origin.
//! - [`RedirectChain`]: following redirects by hand, dropping `Authorization` when the origin
//!   changes.
//! - [`AllowedOwners`]: the owners wharf may read (`allowed_owners`).
//! - [`AppKey`] / [`app_jwt`] and [`InstallationToken`]: GitHub App authentication and a
//!   cacheable token.
//!
//! No I/O, no clock: functions that need the time take `now_unix`. Tokens and keys live in
//! [`Secret`], which never prints its value.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod allowed_owners;
mod app_jwt;
mod classify;
mod commits;
mod config;
mod error;
mod installation_token;
mod link_header;
mod names;
mod origin;
mod percent_encoding;
mod redirect;
mod releases;
mod requests;
mod rfc3339;
mod secret;
mod url_reference;

pub use allowed_owners::AllowedOwners;
pub use app_jwt::{app_jwt, AppKey};
pub use classify::{classify, classify_response};
pub use commits::{parse_branch_head, parse_commit_sha, parse_tags, Tag};
pub use config::{Credentials, GitHubConfig};
pub use error::GitHubError;
pub use installation_token::{InstallationToken, TokenCacheError};
pub use link_header::{next_page, next_page_from_headers};
pub use names::{GitRef, RepoPath, Repository};
pub use redirect::{
    duplicate_request, redirected_request, Redirect, RedirectChain, RedirectPolicy,
};
pub use releases::{parse_release, parse_releases, Release, ReleaseAsset};
pub use requests::{
    installation_token_request, GitHubRequests, ACCEPT_JSON, ACCEPT_OCTET_STREAM, ACCEPT_RAW,
    API_VERSION,
};
pub use secret::Secret;

// Re-exported so callers build and match on the same `http` types without pinning a version.
pub use http;
