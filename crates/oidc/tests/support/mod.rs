//! Shared fixtures: deterministic RSA keys, GitHub-shaped claims, and hand-built tokens.
//! Each test binary uses a subset of these.
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use oidc::{verify_oidc_token, GithubActionsIdentity, KeySet, OidcError, OidcPolicy};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PrivateKey, PublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const AUDIENCE: &str = "https://wharf.example.net";
pub const ALLOWED: &str = "octo-org/octo-repo, octo-labs/*";
pub const KID: &str = "wharf-test-key-1";
/// The verifier's clock in every test.
pub const NOW: u64 = 1_760_000_000;
/// When the valid token was issued: half a minute ago, as a job would present it.
pub const ISSUED_AT: u64 = NOW - 30;
/// GitHub's tokens live five minutes.
pub const EXPIRES_AT: u64 = ISSUED_AT + 300;

pub struct TestKeys {
    pub ours: PrivateKey,
    pub attacker: PrivateKey,
}

/// Two RSA-2048 keys from seeded generators: deterministic, and made once per test binary.
pub fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys {
        ours: generate_key(1),
        attacker: generate_key(2),
    })
}

fn generate_key(seed: u64) -> PrivateKey {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    PrivateKey::new(&mut rng, 2048).expect("generate test key")
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn json_b64(value: &Value) -> String {
    b64(&serde_json::to_vec(value).expect("serialize JSON"))
}

pub fn jwk(public: &PublicKey, kid: &str) -> Value {
    json!({
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": b64(&public.n().to_be_bytes_trimmed_vartime()),
        "e": b64(&public.e().to_be_bytes_trimmed_vartime()),
    })
}

pub fn jwks(keys: &[Value]) -> Vec<u8> {
    serde_json::to_vec(&json!({ "keys": keys })).expect("serialize JWKS")
}

/// The issuer's key set: our public key under [`KID`].
pub fn key_set() -> &'static KeySet {
    static KEY_SET: OnceLock<KeySet> = OnceLock::new();
    KEY_SET.get_or_init(|| {
        KeySet::from_jwks_json(&jwks(&[jwk(&keys().ours.to_public_key(), KID)]))
            .expect("parse test key set")
    })
}

pub fn policy_with(allowed_repositories: &str) -> OidcPolicy {
    OidcPolicy::from_settings(ISSUER, AUDIENCE, allowed_repositories)
        .expect("valid test policy")
        .expect("OIDC on")
}

pub fn policy() -> OidcPolicy {
    policy_with(ALLOWED)
}

pub fn header() -> Value {
    json!({ "alg": "RS256", "typ": "JWT", "kid": KID, "x5t": "hint-that-is-ignored" })
}

/// Claims shaped like a real GitHub Actions token for a push to main.
pub fn claims() -> Value {
    json!({
        "jti": "8e8f7c2e-55f7-4d8c-bb0c-0f5e0e3b6a11",
        "sub": "repo:octo-org/octo-repo:environment:prod",
        "environment": "prod",
        "aud": AUDIENCE,
        "ref": "refs/heads/main",
        "sha": "d6e5b6a7c9ed2b7b46e7d41e2b1a5e0f8f3b9a10",
        "repository": "octo-org/octo-repo",
        "repository_owner": "octo-org",
        "repository_owner_id": "65",
        "repository_id": "74",
        "repository_visibility": "private",
        "actor_id": "12",
        "actor": "octocat",
        "workflow": "release",
        "head_ref": "",
        "base_ref": "",
        "event_name": "push",
        "ref_type": "branch",
        "job_workflow_ref": "octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main",
        "runner_environment": "github-hosted",
        "iss": ISSUER,
        "nbf": ISSUED_AT,
        "exp": EXPIRES_AT,
        "iat": ISSUED_AT,
    })
}

pub fn set(object: &mut Value, name: &str, value: Value) {
    object
        .as_object_mut()
        .expect("JSON object")
        .insert(name.to_string(), value);
}

pub fn remove(object: &mut Value, name: &str) {
    object.as_object_mut().expect("JSON object").remove(name);
}

pub fn signing_input(header: &Value, claims: &Value) -> String {
    format!("{}.{}", json_b64(header), json_b64(claims))
}

pub fn rs256_signature(key: &PrivateKey, signing_input: &str) -> Vec<u8> {
    key.sign(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(signing_input.as_bytes()),
    )
    .expect("sign")
}

pub fn token_signed_by(key: &PrivateKey, header: &Value, claims: &Value) -> String {
    let input = signing_input(header, claims);
    let signature = rs256_signature(key, &input);
    format!("{input}.{}", b64(&signature))
}

/// A token signed with our key (so only the changed header or claim can be at fault).
pub fn token(header: &Value, claims: &Value) -> String {
    token_signed_by(&keys().ours, header, claims)
}

pub fn valid_token() -> String {
    token(&header(), &claims())
}

pub fn verify(token: &str) -> Result<GithubActionsIdentity, OidcError> {
    verify_oidc_token(token, &policy(), key_set(), NOW)
}

pub fn verify_at(token: &str, now_unix: u64) -> Result<GithubActionsIdentity, OidcError> {
    verify_oidc_token(token, &policy(), key_set(), now_unix)
}

pub fn verify_with_policy(
    token: &str,
    policy: &OidcPolicy,
) -> Result<GithubActionsIdentity, OidcError> {
    verify_oidc_token(token, policy, key_set(), NOW)
}

/// A verified identity for tests of what happens after verification.
pub fn identity() -> GithubActionsIdentity {
    verify(&valid_token()).expect("valid token verifies")
}
