//! GitHub, reached from a Spin component over wasi:http, through the origin cache.
//!
//! The `github` crate builds requests and reads answers; `origin_cache` decides what may be
//! answered from what wharf already knows. This crate carries both out: it checks
//! `allowed_owners` before anything is read ([`GitHubAccess::repository`]), sends requests
//! with bounded timeouts, picks the credentials (a token, or a GitHub App installation token
//! cached in key-value), follows redirects itself without carrying `Authorization` to another
//! host, walks `Link` pages, keeps tag lists, release lists, branch heads, release lookups, metadata files,
//! small assets and archives in key-value, serves them stale when GitHub fails, and turns
//! failures into the responses apt and Terraform users need (503 with a body and
//! `Retry-After` when GitHub is down).

mod access;
mod access_error;
mod app_token;
mod archives;
mod branch_files;
mod error_response;
mod origin_store;
mod paged_list;
mod pages;
mod releases;
mod repositories;
mod repository;
mod route_check;
mod tags;
mod transport;

pub use access::GitHubAccess;
pub use access_error::AccessError;
pub use archives::{Archive, ArchiveCopy};
pub use branch_files::BranchHead;
pub use error_response::error_response;
pub use origin_cache::Staleness;
pub use origin_store::{mark_stale, Served};
pub use releases::{AssetRecord, ReleaseRecord};
pub use repository::RepositoryAccess;
pub use route_check::owner_is_allowed;
pub use tags::KnownTags;

pub use github;
