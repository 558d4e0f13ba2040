//! The adversarial suite: each case changes one thing in an otherwise valid token.

mod support;

use hmac::{Hmac, KeyInit, Mac};
use oidc::{OidcError, OidcPolicy, MAX_TOKEN_BYTES};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::pss::Pss;
use rsa::Pkcs1v15Sign;
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha384};
use support::*;

fn with_claim(name: &str, value: Value) -> String {
    let mut claims = claims();
    set(&mut claims, name, value);
    token(&header(), &claims)
}

fn without_claim(name: &str) -> String {
    let mut claims = claims();
    remove(&mut claims, name);
    token(&header(), &claims)
}

fn with_header(name: &str, value: Value) -> String {
    let mut header = header();
    set(&mut header, name, value);
    token(&header, &claims())
}

fn hs256_token_keyed_with(secret: &[u8]) -> String {
    let mut header = header();
    set(&mut header, "alg", json!("HS256"));
    let input = signing_input(&header, &claims());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any HMAC key length");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

// --- the baseline -------------------------------------------------------------------------

#[test]
fn valid_token_is_accepted_and_names_the_workflow() {
    let identity = verify(&valid_token()).expect("valid token");
    assert_eq!(identity.repository, "octo-org/octo-repo");
    assert_eq!(identity.repository_owner, "octo-org");
    assert_eq!(identity.repository_id.as_deref(), Some("74"));
    assert_eq!(identity.repository_owner_id.as_deref(), Some("65"));
    assert_eq!(identity.ref_.as_deref(), Some("refs/heads/main"));
    assert_eq!(identity.environment.as_deref(), Some("prod"));
    assert_eq!(
        identity.job_workflow_ref.as_deref(),
        Some("octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main")
    );
    assert_eq!(identity.expires_at, EXPIRES_AT);
}

#[test]
fn token_without_typ_is_accepted() {
    let mut header = header();
    remove(&mut header, "typ");
    assert!(verify(&token(&header, &claims())).is_ok());
}

// --- time ---------------------------------------------------------------------------------

// For expiry the one thing changed is the verifier's clock: moving `exp` alone would also
// put it before `iat`.

#[test]
fn expired_token_is_refused() {
    assert_eq!(
        verify_at(&valid_token(), EXPIRES_AT + 60),
        Err(OidcError::Expired)
    );
}

#[test]
fn token_expired_within_leeway_is_accepted() {
    assert!(verify_at(&valid_token(), EXPIRES_AT + 59).is_ok());
}

#[test]
fn token_not_yet_valid_is_refused() {
    assert_eq!(
        verify(&with_claim("nbf", json!(NOW + 120))),
        Err(OidcError::NotYetValid)
    );
}

#[test]
fn token_issued_in_the_future_is_refused() {
    assert_eq!(
        verify(&with_claim("iat", json!(NOW + 120))),
        Err(OidcError::IssuedInFuture)
    );
}

#[test]
fn missing_exp_is_refused() {
    assert_eq!(
        verify(&without_claim("exp")),
        Err(OidcError::MissingClaim("exp"))
    );
}

#[test]
fn missing_iat_is_refused() {
    assert_eq!(
        verify(&without_claim("iat")),
        Err(OidcError::MissingClaim("iat"))
    );
}

#[test]
fn string_exp_is_refused() {
    assert_eq!(
        verify(&with_claim("exp", json!(EXPIRES_AT.to_string()))),
        Err(OidcError::TimeClaimNotInteger("exp"))
    );
}

#[test]
fn string_nbf_is_refused() {
    assert_eq!(
        verify(&with_claim("nbf", json!(ISSUED_AT.to_string()))),
        Err(OidcError::TimeClaimNotInteger("nbf"))
    );
}

#[test]
fn string_iat_is_refused() {
    assert_eq!(
        verify(&with_claim("iat", json!(ISSUED_AT.to_string()))),
        Err(OidcError::TimeClaimNotInteger("iat"))
    );
}

#[test]
fn fractional_exp_is_refused() {
    assert_eq!(
        verify(&with_claim("exp", json!(EXPIRES_AT as f64 + 0.5))),
        Err(OidcError::TimeClaimNotInteger("exp"))
    );
}

#[test]
fn lifetime_over_the_cap_is_refused() {
    assert_eq!(
        verify(&with_claim("exp", json!(ISSUED_AT + 3601))),
        Err(OidcError::LifetimeTooLong { max_secs: 3600 })
    );
}

#[test]
fn exp_before_iat_is_refused() {
    assert_eq!(
        verify(&with_claim("exp", json!(ISSUED_AT - 1))),
        Err(OidcError::ExpiresBeforeIssued)
    );
    assert_eq!(
        verify(&with_claim("exp", json!(ISSUED_AT))),
        Err(OidcError::ExpiresBeforeIssued)
    );
}

// --- audience -----------------------------------------------------------------------------

#[test]
fn github_default_audience_is_refused() {
    assert_eq!(
        verify(&with_claim("aud", json!("https://github.com/octo-org"))),
        Err(OidcError::WrongAudience)
    );
}

#[test]
fn github_default_audience_is_accepted_only_when_configured_literally() {
    let policy = OidcPolicy::from_settings(ISSUER, "https://github.com/octo-org", ALLOWED)
        .expect("valid policy")
        .expect("OIDC on");
    let token = with_claim("aud", json!("https://github.com/octo-org"));
    assert!(verify_with_policy(&token, &policy).is_ok());
}

#[test]
fn other_audience_is_refused() {
    assert_eq!(
        verify(&with_claim("aud", json!("https://registry.other.example"))),
        Err(OidcError::WrongAudience)
    );
}

#[test]
fn audience_that_only_starts_with_ours_is_refused() {
    assert_eq!(
        verify(&with_claim("aud", json!(format!("{AUDIENCE}/")))),
        Err(OidcError::WrongAudience)
    );
}

#[test]
fn missing_audience_is_refused() {
    assert_eq!(
        verify(&without_claim("aud")),
        Err(OidcError::MissingAudience)
    );
}

#[test]
fn audience_array_containing_ours_is_accepted() {
    assert!(verify(&with_claim(
        "aud",
        json!(["https://github.com/octo-org", AUDIENCE])
    ))
    .is_ok());
}

#[test]
fn audience_array_without_ours_is_refused() {
    assert_eq!(
        verify(&with_claim(
            "aud",
            json!(["https://github.com/octo-org", "https://other.example"])
        )),
        Err(OidcError::WrongAudience)
    );
}

// --- issuer -------------------------------------------------------------------------------

#[test]
fn look_alike_issuer_is_refused() {
    assert_eq!(
        verify(&with_claim(
            "iss",
            json!("https://token.actions.githubusercontent.com.evil.com")
        )),
        Err(OidcError::WrongIssuer)
    );
}

#[test]
fn trailing_slash_issuer_is_refused() {
    assert_eq!(
        verify(&with_claim("iss", json!(format!("{ISSUER}/")))),
        Err(OidcError::WrongIssuer)
    );
}

#[test]
fn issuer_in_other_case_is_refused() {
    assert_eq!(
        verify(&with_claim(
            "iss",
            json!("https://Token.Actions.GithubUserContent.com")
        )),
        Err(OidcError::WrongIssuer)
    );
}

#[test]
fn missing_issuer_is_refused() {
    assert_eq!(verify(&without_claim("iss")), Err(OidcError::WrongIssuer));
}

// --- algorithm and header -----------------------------------------------------------------

#[test]
fn alg_none_without_signature_is_refused() {
    let mut header = header();
    set(&mut header, "alg", json!("none"));
    let input = signing_input(&header, &claims());
    assert_eq!(
        verify(&format!("{input}.")),
        Err(OidcError::UnsupportedAlgorithm("none".to_string()))
    );
    assert!(matches!(verify(&input), Err(OidcError::Malformed(_))));
}

#[test]
fn alg_none_with_a_valid_rs256_signature_is_refused() {
    let mut header = header();
    set(&mut header, "alg", json!("none"));
    assert_eq!(
        verify(&token(&header, &claims())),
        Err(OidcError::UnsupportedAlgorithm("none".to_string()))
    );
}

#[test]
fn hs256_keyed_with_the_public_key_pem_is_refused() {
    let public = keys().ours.to_public_key();
    let spki_pem = public.to_public_key_pem(LineEnding::LF).expect("PEM");
    let pkcs1_pem = public.to_pkcs1_pem(LineEnding::LF).expect("PEM");
    for pem in [spki_pem, pkcs1_pem] {
        assert_eq!(
            verify(&hs256_token_keyed_with(pem.as_bytes())),
            Err(OidcError::UnsupportedAlgorithm("HS256".to_string()))
        );
    }
}

#[test]
fn hs256_keyed_with_the_public_key_der_is_refused() {
    let public = keys().ours.to_public_key();
    let spki_der = public.to_public_key_der().expect("DER");
    let pkcs1_der = public.to_pkcs1_der().expect("DER");
    for der in [spki_der.as_bytes(), pkcs1_der.as_bytes()] {
        assert_eq!(
            verify(&hs256_token_keyed_with(der)),
            Err(OidcError::UnsupportedAlgorithm("HS256".to_string()))
        );
    }
}

#[test]
fn rs384_is_refused_even_with_a_valid_rs384_signature() {
    let mut header = header();
    set(&mut header, "alg", json!("RS384"));
    let input = signing_input(&header, &claims());
    let signature = keys()
        .ours
        .sign(
            Pkcs1v15Sign::new::<Sha384>(),
            &Sha384::digest(input.as_bytes()),
        )
        .expect("sign");
    assert_eq!(
        verify(&format!("{input}.{}", b64(&signature))),
        Err(OidcError::UnsupportedAlgorithm("RS384".to_string()))
    );
}

#[test]
fn ps256_is_refused_even_with_a_valid_ps256_signature() {
    let mut header = header();
    set(&mut header, "alg", json!("PS256"));
    let input = signing_input(&header, &claims());
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let signature = keys()
        .ours
        .sign_with_rng(
            &mut rng,
            Pss::<Sha256>::new(),
            &Sha256::digest(input.as_bytes()),
        )
        .expect("sign");
    assert_eq!(
        verify(&format!("{input}.{}", b64(&signature))),
        Err(OidcError::UnsupportedAlgorithm("PS256".to_string()))
    );
}

#[test]
fn lowercase_rs256_is_refused() {
    assert_eq!(
        verify(&with_header("alg", json!("rs256"))),
        Err(OidcError::UnsupportedAlgorithm("rs256".to_string()))
    );
}

#[test]
fn missing_alg_is_refused() {
    let mut header = header();
    remove(&mut header, "alg");
    assert!(matches!(
        verify(&token(&header, &claims())),
        Err(OidcError::Malformed(_))
    ));
}

#[test]
fn missing_kid_is_refused() {
    let mut header = header();
    remove(&mut header, "kid");
    assert_eq!(
        verify(&token(&header, &claims())),
        Err(OidcError::MissingKeyId)
    );
}

#[test]
fn unknown_kid_is_a_distinguishable_error() {
    assert_eq!(
        verify(&with_header("kid", json!("rotated-key-2"))),
        Err(OidcError::UnknownKeyId("rotated-key-2".to_string()))
    );
}

#[test]
fn jku_header_is_refused() {
    assert_eq!(
        verify(&with_header("jku", json!("https://evil.example/jwks"))),
        Err(OidcError::ForbiddenHeaderParameter("jku"))
    );
}

#[test]
fn x5u_header_is_refused() {
    assert_eq!(
        verify(&with_header("x5u", json!("https://evil.example/cert.pem"))),
        Err(OidcError::ForbiddenHeaderParameter("x5u"))
    );
}

#[test]
fn embedded_jwk_header_is_refused() {
    // The attacker embeds their own public key and signs with the matching private key.
    let attacker_jwk = jwk(&keys().attacker.to_public_key(), KID);
    let mut header = header();
    set(&mut header, "jwk", attacker_jwk);
    assert_eq!(
        verify(&token_signed_by(&keys().attacker, &header, &claims())),
        Err(OidcError::ForbiddenHeaderParameter("jwk"))
    );
}

#[test]
fn x5c_header_is_refused() {
    assert_eq!(
        verify(&with_header("x5c", json!(["MIIBIjANBgkq"]))),
        Err(OidcError::ForbiddenHeaderParameter("x5c"))
    );
}

#[test]
fn crit_header_is_refused() {
    assert_eq!(
        verify(&with_header("crit", json!(["exp"]))),
        Err(OidcError::ForbiddenHeaderParameter("crit"))
    );
}

#[test]
fn typ_other_than_jwt_is_refused() {
    assert_eq!(
        verify(&with_header("typ", json!("at+jwt"))),
        Err(OidcError::UnsupportedType)
    );
}

// --- signature ----------------------------------------------------------------------------

#[test]
fn valid_signature_by_an_attacker_key_under_our_kid_is_refused() {
    assert_eq!(
        verify(&token_signed_by(&keys().attacker, &header(), &claims())),
        Err(OidcError::BadSignature)
    );
}

#[test]
fn tampered_payload_is_refused() {
    let genuine = valid_token();
    let signature = genuine.rsplit('.').next().expect("three segments");
    let mut claims = claims();
    set(&mut claims, "repository", json!("octo-org/other-repo"));
    let forged = format!("{}.{signature}", signing_input(&header(), &claims));
    assert_eq!(verify(&forged), Err(OidcError::BadSignature));
}

#[test]
fn tampered_header_is_refused() {
    let genuine = valid_token();
    let (_, payload_and_signature) = genuine.split_once('.').expect("three segments");
    let mut header = header();
    set(&mut header, "x5t", json!("changed-hint"));
    let forged = format!("{}.{payload_and_signature}", json_b64(&header));
    assert_eq!(verify(&forged), Err(OidcError::BadSignature));
}

#[test]
fn flipped_signature_bit_is_refused() {
    let input = signing_input(&header(), &claims());
    let mut signature = rs256_signature(&keys().ours, &input);
    signature[100] ^= 0x01;
    assert_eq!(
        verify(&format!("{input}.{}", b64(&signature))),
        Err(OidcError::BadSignature)
    );
}

#[test]
fn truncated_signature_is_refused() {
    let input = signing_input(&header(), &claims());
    let signature = rs256_signature(&keys().ours, &input);
    assert_eq!(
        verify(&format!("{input}.{}", b64(&signature[..255]))),
        Err(OidcError::BadSignature)
    );
}

#[test]
fn signature_with_the_modulus_prepended_zero_is_refused() {
    // Same integer, one byte longer: RFC 8017 requires exactly the modulus length.
    let input = signing_input(&header(), &claims());
    let mut signature = vec![0u8];
    signature.extend(rs256_signature(&keys().ours, &input));
    assert_eq!(
        verify(&format!("{input}.{}", b64(&signature))),
        Err(OidcError::BadSignature)
    );
}

#[test]
fn signed_claims_that_are_not_a_json_object_are_refused() {
    let claims = json!([ISSUER, AUDIENCE, EXPIRES_AT]);
    assert!(matches!(
        verify(&token(&header(), &claims)),
        Err(OidcError::Malformed(_))
    ));
}

// --- input that is not a token ------------------------------------------------------------

#[test]
fn garbage_is_refused() {
    for garbage in ["garbage", "Bearer x", "a.b.c", "eyJ.eyJ.eyJ", "...", "x.y"] {
        assert!(verify(garbage).is_err(), "{garbage:?}");
    }
}

#[test]
fn empty_token_is_refused() {
    assert!(matches!(verify(""), Err(OidcError::Malformed(_))));
}

#[test]
fn twenty_kilobyte_token_is_refused_unread() {
    let mut claims = claims();
    set(&mut claims, "padding", json!("x".repeat(20 * 1024)));
    let oversized = token(&header(), &claims);
    assert!(oversized.len() > 20 * 1024);
    assert_eq!(
        verify(&oversized),
        Err(OidcError::TooLarge {
            limit: MAX_TOKEN_BYTES
        })
    );
}

#[test]
fn invalid_base64_is_refused() {
    let genuine = valid_token();
    let (header_segment, rest) = genuine.split_once('.').expect("three segments");
    for bad_header in [
        format!("{header_segment}="),
        header_segment.replacen('J', "+", 1),
        header_segment.replacen('J', "/", 1),
        format!("{header_segment}!"),
    ] {
        assert!(
            matches!(
                verify(&format!("{bad_header}.{rest}")),
                Err(OidcError::Malformed(_))
            ),
            "{bad_header}"
        );
    }
    let (input, signature) = genuine.rsplit_once('.').expect("three segments");
    assert!(matches!(
        verify(&format!("{input}.{signature}=")),
        Err(OidcError::Malformed(_))
    ));
}

#[test]
fn non_utf8_header_is_refused() {
    let genuine = valid_token();
    let (_, rest) = genuine.split_once('.').expect("three segments");
    let not_utf8 = b64(&[0xff, 0xfe, b'{', 0x80, b'}']);
    assert!(matches!(
        verify(&format!("{not_utf8}.{rest}")),
        Err(OidcError::Malformed(_))
    ));
}

#[test]
fn non_ascii_characters_are_refused() {
    let genuine = valid_token();
    assert!(matches!(
        verify(&format!("é{genuine}")),
        Err(OidcError::Malformed(_))
    ));
}

#[test]
fn extra_segments_are_refused() {
    assert!(matches!(
        verify(&format!("{}.extra", valid_token())),
        Err(OidcError::Malformed(_))
    ));
}

#[test]
fn errors_do_not_echo_the_token() {
    let genuine = valid_token();
    let signature = genuine
        .rsplit('.')
        .next()
        .expect("three segments")
        .to_string();
    let cases = [
        with_claim("iat", json!(NOW + 61)),
        token_signed_by(&keys().attacker, &header(), &claims()),
        with_claim("repository", json!("octo-org/other")),
        format!("{genuine}x"),
    ];
    for token in cases {
        let message = verify(&token).expect_err("refused").to_string();
        for segment in token.split('.') {
            assert!(!message.contains(segment), "{message}");
        }
        assert!(!message.contains(&signature), "{message}");
    }
}

// --- authorization ------------------------------------------------------------------------

#[test]
fn repository_of_another_owner_is_refused() {
    let mut claims = claims();
    set(&mut claims, "repository", json!("evil-org/octo-repo"));
    set(&mut claims, "repository_owner", json!("evil-org"));
    assert_eq!(
        verify(&token(&header(), &claims)),
        Err(OidcError::RepositoryNotAllowed)
    );
}

#[test]
fn repository_owner_claim_disagreeing_with_repository_is_refused() {
    assert_eq!(
        verify(&with_claim("repository_owner", json!("octo-labs"))),
        Err(OidcError::InconsistentClaims)
    );
}

#[test]
fn owner_wildcard_for_another_owner_does_not_admit() {
    let policy = policy_with("octo-labs/*");
    assert_eq!(
        verify_with_policy(&valid_token(), &policy),
        Err(OidcError::RepositoryNotAllowed)
    );
}

#[test]
fn other_repository_of_an_allowed_owner_needs_a_wildcard() {
    assert_eq!(
        verify(&with_claim("repository", json!("octo-org/other-repo"))),
        Err(OidcError::RepositoryNotAllowed)
    );
    assert!(verify_with_policy(
        &with_claim("repository", json!("octo-org/other-repo")),
        &policy_with("octo-org/*")
    )
    .is_ok());
}

#[test]
fn repository_names_match_case_insensitively() {
    let mut claims = claims();
    set(&mut claims, "repository", json!("Octo-Org/Octo-Repo"));
    set(&mut claims, "repository_owner", json!("Octo-Org"));
    assert!(verify(&token(&header(), &claims)).is_ok());
}

#[test]
fn other_ref_is_refused_when_ref_is_pinned() {
    let policy = policy_with("octo-org/octo-repo;ref=refs/heads/main");
    assert!(verify_with_policy(&valid_token(), &policy).is_ok());
    assert_eq!(
        verify_with_policy(&with_claim("ref", json!("refs/heads/feature")), &policy),
        Err(OidcError::RepositoryNotAllowed)
    );
}

#[test]
fn other_environment_is_refused_when_environment_is_pinned() {
    let policy = policy_with("octo-org/*;environment=prod");
    assert!(verify_with_policy(&valid_token(), &policy).is_ok());
    assert_eq!(
        verify_with_policy(&with_claim("environment", json!("staging")), &policy),
        Err(OidcError::RepositoryNotAllowed)
    );
    assert_eq!(
        verify_with_policy(&without_claim("environment"), &policy),
        Err(OidcError::RepositoryNotAllowed)
    );
}

#[test]
fn recreated_repository_with_another_id_is_refused_when_id_is_pinned() {
    let policy = policy_with("octo-org/octo-repo;repository_id=74");
    assert!(verify_with_policy(&valid_token(), &policy).is_ok());
    assert_eq!(
        verify_with_policy(&with_claim("repository_id", json!("9001")), &policy),
        Err(OidcError::RepositoryNotAllowed)
    );
}

#[test]
fn pull_request_target_is_refused() {
    assert_eq!(
        verify(&with_claim("event_name", json!("pull_request_target"))),
        Err(OidcError::PullRequestTarget)
    );
}

#[test]
fn sub_that_looks_allowed_does_not_authorize() {
    let mut claims = claims();
    set(
        &mut claims,
        "sub",
        json!("repo:octo-org/octo-repo:ref:refs/heads/main"),
    );
    set(&mut claims, "repository", json!("evil-org/evil-repo"));
    set(&mut claims, "repository_owner", json!("evil-org"));
    assert_eq!(
        verify(&token(&header(), &claims)),
        Err(OidcError::RepositoryNotAllowed)
    );
}

#[test]
fn missing_repository_claim_is_refused_even_with_an_allowed_sub() {
    assert_eq!(
        verify(&without_claim("repository")),
        Err(OidcError::MissingClaim("repository"))
    );
}

#[test]
fn repository_claim_of_the_wrong_type_is_refused() {
    assert!(matches!(
        verify(&with_claim("repository", json!(["octo-org/octo-repo"]))),
        Err(OidcError::Malformed(_))
    ));
}
