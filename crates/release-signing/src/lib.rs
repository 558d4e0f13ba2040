//! OpenPGP signing for APT repositories and Terraform providers, in process (no gpg-agent, no
//! TTY).
//!
//! A [`SigningKey`] is a v4 key, Ed25519 (OpenPGP's "EdDSALegacy", algorithm 22: the form
//! GnuPG 2.2's `gpgv`, which apt runs, understands; v6 keys it does not) or RSA of at least
//! 2048 bits (the only common type Terraform 1.0 to 1.5 verifies provider signatures with). It
//! signs with SHA-512, never SHA-1.
//!
//! - [`SigningKey::clearsign`] makes `InRelease`, [`SigningKey::detached_signature`] makes
//!   `Release.gpg`, [`SigningKey::detached_signature_bytes`] a provider's `SHA256SUMS.sig`.
//! - [`SigningKey::public_key_armored`] is what `/public.key` serves;
//!   [`SigningKey::public_key_binary`] is a keyring file for `Signed-By`.
//! - [`SigningKey::to_armored_secret`] / [`SigningKey::from_armored_secret`] move the key
//!   through a CI secret, unprotected.
//!
//! No clock is read: key creation and signature times are parameters (unix seconds). No
//! randomness is needed to sign (Ed25519 signatures are deterministic); generating a key
//! takes the caller's RNG.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod key_generation;
mod signature_config;
mod signing_error;
mod signing_key;

pub use rand_core;
pub use signing_error::SigningError;
pub use signing_key::SigningKey;
