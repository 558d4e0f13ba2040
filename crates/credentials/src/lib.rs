//! Decides who an HTTP client is from its `Authorization` header.
//!
//! Basic authentication against one operator-configured user, and static Bearer tokens from
//! the `api_tokens` setting. The operator's Spin variables become an [`AuthConfig`]; a header
//! goes through [`parse_authorization`] and then [`verify_basic`] or [`verify_bearer`] (or
//! both at once through [`verify`]), which return an [`Identity`] or a [`Denial`].
//!
//! The crate is pure computation (no I/O, clocks or threads) so it builds for `wasm32-wasip2`
//! and is tested natively. GitHub Actions OIDC, failure throttling and everything else that
//! needs key-value live in the `verifier` crate, which uses this one.
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
pub use config::{AuthConfig, ConfigError, GITHUB_ACTIONS_LOGIN};
pub use denial::Denial;
pub use identity::{Identity, Method};
pub use jwt_shape::has_jwt_shape;
pub use secret::Secret;
pub use verify::{denial_for_unparsable_header, verify, verify_basic, verify_bearer};
