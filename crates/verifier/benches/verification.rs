//! What one verification costs in CPU, with the key-value store in memory (so the host's
//! store is not measured): `cargo bench -p verifier`. Not part of `make test`.
//!
//! The store operations and variable reads of the same calls are counted by
//! `tests/request_cost.rs`: one key-value read and no write for every success.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use support::*;

const CLIENT: &str = "198.51.100.5:40000";

fn successful_verifications(c: &mut Criterion) {
    let environment = TestEnvironment::new();
    let basic_login = basic(USER, PASSWORD);
    let api_token = bearer(TOKEN);
    let oidc = bearer(&environment.oidc_token_valid_for("acme/infra", 0, KID, 3600));
    let exchanged = verifier::exchange(&environment, Some(oidc.as_bytes()), Some(CLIENT))
        .expect("exchange")
        .token;
    let exchanged = bearer(&exchanged);
    // The key set is fetched and cached by the exchange above: OIDC runs with cached keys.
    for authorization in [&basic_login, &api_token, &oidc, &exchanged] {
        assert!(environment.verify(authorization, CLIENT).is_ok());
    }

    let mut group = c.benchmark_group("verify");
    for (name, authorization) in [
        ("basic", &basic_login),
        ("api token", &api_token),
        ("oidc, cached keys", &oidc),
        ("exchanged token", &exchanged),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| environment.verify(black_box(authorization), CLIENT))
        });
    }
    group.finish();
}

/// The signature check and claim rules alone, with a parsed key set.
fn oidc_token_alone(c: &mut Criterion) {
    let environment = TestEnvironment::new();
    let token = environment.oidc_token_valid_for("acme/infra", 0, KID, 3600);
    let policy = oidc::OidcPolicy::from_settings(ISSUER, AUDIENCE, ALLOWED)
        .expect("policy")
        .expect("on");
    let jwks = {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        use rsa::traits::PublicKeyParts;
        let public = issuer_key(0).to_public_key();
        serde_json::json!({"keys": [{
            "kty": "RSA", "kid": KID, "alg": "RS256", "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(public.n().to_be_bytes_trimmed_vartime()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_be_bytes_trimmed_vartime()),
        }]})
        .to_string()
    };
    let keys = oidc::KeySet::from_jwks_json(jwks.as_bytes()).expect("key set");
    c.bench_function("oidc::verify_oidc_token", |b| {
        b.iter(|| oidc::verify_oidc_token(black_box(&token), &policy, &keys, START + 10))
    });
    c.bench_function("oidc::KeySet::from_jwks_json", |b| {
        b.iter(|| oidc::KeySet::from_jwks_json(black_box(jwks.as_bytes())))
    });
}

criterion_group!(benches, successful_verifications, oidc_token_alone);
criterion_main!(benches);
