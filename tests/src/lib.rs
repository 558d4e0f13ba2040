//! Harness for wharf's end-to-end tests: starts the real `wharf-host` binary (or `spin up`) on a
//! manifest (spin.toml, or a test manifest) on a free loopback port and speaks HTTP to it; and
//! for the deploy tests, an OCI registry, the systemd units' command lines and the checkers.
//!
//! The binaries and wasm components must be built first; `make test` does that.

pub mod apt;
pub mod browser;
pub mod fake_github;
pub mod files_origin;
pub mod github_fixtures;
pub mod http_client;
pub mod large_upload;
pub mod oci_registry;
pub mod oidc_issuer;
pub mod paths;
pub mod providers;
pub mod redis_server;
pub mod runner;
pub mod secrets;
pub mod systemd_unit;
pub mod terraform;
pub mod test_ca;
pub mod tools;
pub mod wharf_host;

pub use http_client::{request, HttpResponse};
pub use wharf_host::WharfHost;
