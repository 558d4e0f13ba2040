//! Parsing the issuer's JWKS and finding it through the OpenID configuration.

mod support;

use oidc::{
    jwks_uri_from_openid_configuration, jwks_url, openid_configuration_url, verify_oidc_token,
    KeySet, KeySetError, OidcError, MAX_KEY_SET_BYTES,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::PrivateKey;
use serde_json::json;
use support::*;

fn our_jwk() -> serde_json::Value {
    jwk(&keys().ours.to_public_key(), KID)
}

#[test]
fn keeps_rsa_keys_and_ignores_others() {
    let json = jwks(&[
        json!({"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": "AAAA", "y": "AAAA"}),
        json!({"kty": "oct", "kid": "hmac-1", "k": "c2VjcmV0"}),
        json!({"kty": "OKP", "kid": "ed-1", "crv": "Ed25519", "x": "AAAA"}),
        our_jwk(),
    ]);
    let set = KeySet::from_jwks_json(&json).expect("one usable key");
    assert_eq!(set.key_ids().collect::<Vec<_>>(), [KID]);
}

#[test]
fn skips_keys_for_another_use_or_algorithm() {
    let mut encryption = our_jwk();
    set(&mut encryption, "kid", json!("enc-1"));
    set(&mut encryption, "use", json!("enc"));
    let mut rs384 = our_jwk();
    set(&mut rs384, "kid", json!("rs384-1"));
    set(&mut rs384, "alg", json!("RS384"));
    let mut unlabelled = our_jwk();
    set(&mut unlabelled, "kid", json!("plain-1"));
    remove(&mut unlabelled, "use");
    remove(&mut unlabelled, "alg");
    let set = KeySet::from_jwks_json(&jwks(&[encryption, rs384, unlabelled])).expect("parse");
    assert_eq!(set.key_ids().collect::<Vec<_>>(), ["plain-1"]);
}

#[test]
fn skips_keys_without_kid_or_with_broken_numbers() {
    let mut no_kid = our_jwk();
    remove(&mut no_kid, "kid");
    let mut bad_modulus = our_jwk();
    set(&mut bad_modulus, "kid", json!("bad-n"));
    set(&mut bad_modulus, "n", json!("not base64!"));
    let mut no_exponent = our_jwk();
    set(&mut no_exponent, "kid", json!("no-e"));
    remove(&mut no_exponent, "e");
    let mut numeric_kid = our_jwk();
    set(&mut numeric_kid, "kid", json!(7));
    assert_eq!(
        KeySet::from_jwks_json(&jwks(&[no_kid, bad_modulus, no_exponent, numeric_kid])).err(),
        Some(KeySetError::NoUsableKeys)
    );
}

#[test]
fn skips_keys_shorter_than_2048_bits() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let small = PrivateKey::new(&mut rng, 1024).expect("generate 1024-bit key");
    assert_eq!(
        KeySet::from_jwks_json(&jwks(&[jwk(&small.to_public_key(), "small")])).err(),
        Some(KeySetError::NoUsableKeys)
    );
}

#[test]
fn accepts_a_modulus_with_a_leading_zero_byte() {
    let mut padded = our_jwk();
    let n = padded["n"].as_str().expect("n").to_string();
    let mut bytes = vec![0u8];
    bytes.extend(
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, n)
            .expect("decode n"),
    );
    set(&mut padded, "n", json!(b64(&bytes)));
    let set = KeySet::from_jwks_json(&jwks(&[padded])).expect("parse");
    assert!(verify_oidc_token(&valid_token(), &policy(), &set, NOW).is_ok());
}

#[test]
fn github_shaped_key_with_certificate_fields_is_used() {
    // GitHub's JWKS entries carry x5c/x5t next to n/e; the key is taken from n/e only.
    let mut github_shaped = our_jwk();
    set(&mut github_shaped, "x5c", json!(["MIIDrDCCApSgAwIBAgIQ"]));
    set(
        &mut github_shaped,
        "x5t",
        json!("ykNaY4qM_ta4k2TgZOCEYLkcYlA"),
    );
    let set = KeySet::from_jwks_json(&jwks(&[github_shaped])).expect("parse");
    assert!(verify_oidc_token(&valid_token(), &policy(), &set, NOW).is_ok());
}

#[test]
fn first_key_wins_when_kids_repeat() {
    let attacker_first = jwks(&[jwk(&keys().attacker.to_public_key(), KID), our_jwk()]);
    let set = KeySet::from_jwks_json(&attacker_first).expect("parse");
    assert_eq!(set.len(), 1);
    assert_eq!(
        verify_oidc_token(&valid_token(), &policy(), &set, NOW),
        Err(OidcError::BadSignature)
    );
}

#[test]
fn rotated_key_set_knows_the_new_kid() {
    let rotated = KeySet::from_jwks_json(&jwks(&[
        our_jwk(),
        jwk(&keys().attacker.to_public_key(), "next"),
    ]))
    .expect("parse");
    assert!(rotated.contains_key_id("next"));
    assert!(!key_set().contains_key_id("next"));
}

#[test]
fn malformed_documents_are_refused() {
    for document in [
        &b"not json"[..],
        b"[]",
        b"{}",
        b"{\"keys\": {}}",
        b"{\"keys\": \"x\"}",
    ] {
        assert!(
            matches!(
                KeySet::from_jwks_json(document),
                Err(KeySetError::Malformed(_))
            ),
            "{}",
            String::from_utf8_lossy(document)
        );
    }
    assert_eq!(
        KeySet::from_jwks_json(b"{\"keys\": []}").err(),
        Some(KeySetError::NoUsableKeys)
    );
    let huge = vec![b' '; MAX_KEY_SET_BYTES + 1];
    assert!(matches!(
        KeySet::from_jwks_json(&huge),
        Err(KeySetError::TooLarge { .. })
    ));
}

#[test]
fn well_known_urls() {
    assert_eq!(
        jwks_url(ISSUER),
        "https://token.actions.githubusercontent.com/.well-known/jwks"
    );
    assert_eq!(
        openid_configuration_url(ISSUER),
        "https://token.actions.githubusercontent.com/.well-known/openid-configuration"
    );
}

fn configuration(issuer: &str, jwks_uri: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "issuer": issuer,
        "jwks_uri": jwks_uri,
        "subject_types_supported": ["public", "pairwise"],
        "response_types_supported": ["id_token"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
    .expect("serialize")
}

#[test]
fn jwks_uri_on_the_issuers_origin_is_accepted() {
    let uri = format!("{ISSUER}/.well-known/jwks");
    assert_eq!(
        jwks_uri_from_openid_configuration(&configuration(ISSUER, &uri), ISSUER),
        Ok(uri)
    );
}

#[test]
fn jwks_uri_on_another_origin_is_refused() {
    for uri in [
        "https://evil.example/.well-known/jwks",
        "https://token.actions.githubusercontent.com.evil.com/.well-known/jwks",
        "http://token.actions.githubusercontent.com/.well-known/jwks",
        "https://token.actions.githubusercontent.com:8443/.well-known/jwks",
    ] {
        assert_eq!(
            jwks_uri_from_openid_configuration(&configuration(ISSUER, uri), ISSUER),
            Err(KeySetError::ForeignJwksUri),
            "{uri}"
        );
    }
}

#[test]
fn jwks_uri_with_userinfo_is_refused() {
    let uri = "https://token.actions.githubusercontent.com@evil.example/.well-known/jwks";
    assert!(matches!(
        jwks_uri_from_openid_configuration(&configuration(ISSUER, uri), ISSUER),
        Err(KeySetError::Malformed(_))
    ));
}

#[test]
fn configuration_for_another_issuer_is_refused() {
    let uri = format!("{ISSUER}/.well-known/jwks");
    assert_eq!(
        jwks_uri_from_openid_configuration(&configuration(&format!("{ISSUER}/"), &uri), ISSUER),
        Err(KeySetError::IssuerMismatch)
    );
}

#[test]
fn configuration_without_jwks_uri_is_refused() {
    assert!(matches!(
        jwks_uri_from_openid_configuration(br#"{"issuer": "x"}"#, ISSUER),
        Err(KeySetError::Malformed(_))
    ));
}
