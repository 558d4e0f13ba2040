//! `wharf:auth/verifier`: the one place that decides who a client is. Every HTTP component
//! imports it (spin.toml composes them), so all routes give the same verdict for the same
//! credentials. The decisions themselves live in `crates/credentials` (Basic, static Bearer)
//! and `crates/oidc` (GitHub Actions OIDC, exchanged tokens, failure accounting); this
//! component reads the configuration, fetches and caches the issuer's keys, keeps counters in
//! key-value, and maps types.

mod failures;
mod issuer_keys;
mod settings;
mod verdict;

use exports::wharf::auth::verifier::{Denial, Guest, Identity, IssuedToken, Presented};

wit_bindgen::generate!({
    world: "authenticator",
    path: "../../wit",
});

struct Authenticator;

impl Guest for Authenticator {
    fn verify(request: Presented) -> Result<Identity, Denial> {
        verdict::verify(&request)
    }

    fn exchange(request: Presented) -> Result<IssuedToken, Denial> {
        verdict::exchange(&request)
    }
}

export!(Authenticator);
