//! Harness for wharf's end-to-end tests: starts the real `wharf-host` binary on a manifest
//! (spin.toml, or a test manifest) on a free loopback port and speaks HTTP to it.
//!
//! The binaries and wasm components must be built first; `make test` does that.

pub mod apt;
pub mod fake_github;
pub mod http_client;
pub mod oidc_issuer;
pub mod paths;
pub mod providers;
pub mod secrets;
pub mod terraform;
pub mod test_ca;
pub mod wharf_host;

pub use http_client::{request, HttpResponse};
pub use wharf_host::WharfHost;
