//! Decides who an HTTP client is from its `Authorization` header.
//!
//! Supported today: Basic authentication against one operator-configured user, and static
//! Bearer tokens from the `api_tokens` setting. The operator's Spin variables become an
//! [`AuthConfig`]; each request's header goes through [`verify`], which returns an
//! [`Identity`] or a [`Denial`] that the components map onto an HTTP status.
//!
//! The crate is pure computation (no I/O, clocks or threads) so it builds for `wasm32-wasip2`
//! and is tested natively.
//!
//! GitHub Actions OIDC is not implemented yet. Its seam: the reserved Basic login
//! `github-action` and JWT-shaped Bearer tokens are recognised in `verify.rs` and currently
//! refused with a message saying so; the OIDC verifier plugs in there and adds a
//! [`Method`] variant.
//!
//! Secrets are wrapped in [`Secret`], which redacts itself in `Debug`/`Display` and can only
//! be compared in constant time.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod authorization_header;
mod config;
mod denial;
mod identity;
mod jwt_shape;
mod secret;
mod verify;
mod visible_ascii;

pub use authorization_header::{parse_authorization, AuthorizationError, PresentedCredentials};
pub use config::{AuthConfig, ConfigError};
pub use denial::Denial;
pub use identity::{Identity, Method};
pub use jwt_shape::has_jwt_shape;
pub use secret::Secret;
pub use verify::verify;
