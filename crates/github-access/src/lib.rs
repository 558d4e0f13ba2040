//! GitHub, reached from a Spin component over wasi:http.
//!
//! The `github` crate builds requests and reads answers; this crate sends them: it picks the
//! credentials (a token, or a GitHub App installation token cached in key-value), follows
//! redirects itself without carrying `Authorization` to another host, walks `Link` pages, and
//! turns failures into the responses apt and Terraform users need (502/503 with a body and
//! `Retry-After` where GitHub said when).

mod access;
mod app_token;
mod error_response;
mod transport;

pub use access::GitHubAccess;
pub use error_response::error_response;
pub use transport::AccessError;

pub use github;
