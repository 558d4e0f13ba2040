//! What every wharf HTTP component shares: the gate in front of protected routes (it asks
//! `wharf:auth/verifier`, which spin.toml composes in from `components/auth`) and the plain-text
//! responses that carry a one-line reason to apt and Terraform users.

mod auth_gate;
mod responses;

pub use auth_gate::{require_identity, Identity, Method};
pub use responses::{not_implemented, plain_text};
