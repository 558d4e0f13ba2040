//! How long one verification takes. Not a benchmark suite: run by hand with
//! `cargo test -p oidc --release --test verification_timing -- --ignored --nocapture`.

mod support;

use std::time::Instant;
use support::*;

#[test]
#[ignore = "timing, run by hand in release mode"]
fn time_one_verification() {
    let token = valid_token();
    let policy = policy();
    let keys = key_set();
    for _ in 0..50 {
        assert!(oidc::verify_oidc_token(&token, &policy, keys, NOW).is_ok());
    }
    let rounds: u32 = 2000;
    let started = Instant::now();
    for _ in 0..rounds {
        assert!(oidc::verify_oidc_token(&token, &policy, keys, NOW).is_ok());
    }
    let per_verification = started.elapsed() / rounds;

    let jwks_json = jwks(&[jwk(&keys_public(), KID)]);
    let started = Instant::now();
    for _ in 0..rounds {
        assert!(oidc::KeySet::from_jwks_json(&jwks_json).is_ok());
    }
    let per_key_set_parse = started.elapsed() / rounds;
    eprintln!(
        "one verification: {per_verification:?}; one key-set parse (1 key): {per_key_set_parse:?}"
    );
}

fn keys_public() -> rsa::PublicKey {
    keys().ours.to_public_key()
}
