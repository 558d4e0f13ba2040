//! The GitHub App JWT (RS256) that buys installation tokens.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::PrivateKey;
use sha2::Sha256;

use crate::{GitHubError, Secret};

/// Backdating `iat` absorbs clock drift between us and GitHub (GitHub's own advice).
const ISSUED_BEFORE_NOW_SECONDS: u64 = 60;
/// GitHub refuses JWTs living longer than 10 minutes; 9 leaves room for drift.
const EXPIRES_AFTER_NOW_SECONDS: u64 = 540;

/// A GitHub App's private key, parsed once and reused for every JWT.
///
/// Signing is RSASSA-PKCS1-v1_5 (deterministic); `rsa` blinds the private-key operation with
/// the platform RNG (wasi:random in a component), which does not change the signature.
#[derive(Clone)]
pub struct AppKey {
    signing_key: SigningKey<Sha256>,
}

impl AppKey {
    /// Accepts the PKCS#1 PEM GitHub hands out (`BEGIN RSA PRIVATE KEY`) and PKCS#8
    /// (`BEGIN PRIVATE KEY`, after `openssl pkcs8 -topk8`). Literal `\n` sequences are turned
    /// into line breaks, because a PEM pasted into an environment variable often arrives so.
    pub fn from_pem(private_key_pem: &str) -> Result<Self, GitHubError> {
        let pem = if private_key_pem.contains('\n') {
            private_key_pem.trim().to_owned()
        } else {
            private_key_pem.trim().replace("\\n", "\n")
        };
        let key = if pem.starts_with("-----BEGIN RSA PRIVATE KEY-----") {
            PrivateKey::from_pkcs1_pem(&pem).map_err(|_| unreadable_key("PKCS#1"))?
        } else if pem.starts_with("-----BEGIN PRIVATE KEY-----") {
            PrivateKey::from_pkcs8_pem(&pem).map_err(|_| unreadable_key("PKCS#8"))?
        } else {
            return Err(GitHubError::Configuration(
                "github_app_private_key is not an unencrypted RSA PEM key: paste the .pem file GitHub generated (BEGIN RSA PRIVATE KEY) or a PKCS#8 one (BEGIN PRIVATE KEY)"
                    .to_owned(),
            ));
        };
        Ok(Self {
            signing_key: SigningKey::new(key),
        })
    }

    /// A JWT for `app_id` (the numeric App id or the App's client id) with `iat = now − 60`,
    /// `exp = now + 540`, `iss = app_id`.
    pub fn jwt(&self, app_id: &str, now_unix: u64) -> Result<Secret, GitHubError> {
        let app_id = app_id.trim();
        let valid_id = !app_id.is_empty()
            && app_id.len() <= 64
            && app_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !valid_id {
            return Err(GitHubError::Configuration(
                "github_app_id must be the App's numeric id or client id (letters, digits, '.', '-', '_')"
                    .to_owned(),
            ));
        }
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let claims = serde_json::json!({
            "iat": now_unix.saturating_sub(ISSUED_BEFORE_NOW_SECONDS),
            "exp": now_unix.saturating_add(EXPIRES_AFTER_NOW_SECONDS),
            "iss": app_id,
        });
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{payload}");
        let signature = self
            .signing_key
            .try_sign(signing_input.as_bytes())
            .map_err(|_| {
                GitHubError::Configuration(
                    "signing the GitHub App JWT failed: check github_app_private_key is a valid RSA key"
                        .to_owned(),
                )
            })?;
        let signature = URL_SAFE_NO_PAD.encode(signature.to_bytes());
        Ok(Secret::new(format!("{signing_input}.{signature}")))
    }
}

impl fmt::Debug for AppKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("AppKey([redacted])")
    }
}

/// One-shot [`AppKey::from_pem`] + [`AppKey::jwt`]. Components that sign often should keep
/// the parsed [`AppKey`] instead: parsing an RSA key costs far more than signing.
pub fn app_jwt(app_id: &str, private_key_pem: &str, now_unix: u64) -> Result<Secret, GitHubError> {
    AppKey::from_pem(private_key_pem)?.jwt(app_id, now_unix)
}

fn unreadable_key(format: &str) -> GitHubError {
    GitHubError::Configuration(format!(
        "github_app_private_key looks like {format} PEM but cannot be read as an RSA key: paste the whole file, including the BEGIN/END lines"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;

    const PKCS1: &str = include_str!("testdata/test_only_app_key_pkcs1.pem");
    const PKCS8: &str = include_str!("testdata/test_only_app_key_pkcs8.pem");
    const NOW: u64 = 1_700_000_000;

    /// Checks the signature with the key's public half and returns the decoded claims.
    fn verify(jwt: &str) -> serde_json::Value {
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3, "a JWT has three parts");
        let public = PrivateKey::from_pkcs1_pem(PKCS1)
            .expect("test key parses")
            .to_public_key();
        let verifier = VerifyingKey::<Sha256>::new(public);
        let signature_bytes = URL_SAFE_NO_PAD
            .decode(parts[2])
            .expect("base64url signature");
        let signature = Signature::try_from(signature_bytes.as_slice()).expect("signature bytes");
        verifier
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .expect("signature verifies with the public key");
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("base64url header"))
                .expect("JSON header");
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["typ"], "JWT");
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url claims"))
            .expect("JSON claims")
    }

    #[test]
    fn pkcs1_key_signs_a_verifiable_jwt_with_githubs_claims() {
        let jwt = app_jwt("123456", PKCS1, NOW).expect("signs");
        let claims = verify(jwt.expose());
        assert_eq!(claims["iat"], NOW - 60);
        assert_eq!(claims["exp"], NOW + 540);
        assert_eq!(claims["iss"], "123456");
    }

    #[test]
    fn pkcs8_key_gives_the_same_signature() {
        // PKCS#1 v1.5 is deterministic: the same key in either PEM form signs identically.
        let from_pkcs1 = app_jwt("Iv23liExample", PKCS1, NOW).expect("signs");
        let from_pkcs8 = app_jwt("Iv23liExample", PKCS8, NOW).expect("signs");
        assert_eq!(from_pkcs1.expose(), from_pkcs8.expose());
        assert_eq!(verify(from_pkcs8.expose())["iss"], "Iv23liExample");
    }

    #[test]
    fn escaped_newlines_from_environment_variables_work() {
        let flattened = PKCS1.trim().replace('\n', "\\n");
        let jwt = app_jwt("1", &flattened, NOW).expect("signs");
        verify(jwt.expose());
    }

    #[test]
    fn tampered_claims_fail_verification() {
        let jwt = app_jwt("1", PKCS1, NOW).expect("signs");
        let parts: Vec<&str> = jwt.expose().split('.').collect();
        let forged_claims = URL_SAFE_NO_PAD.encode(br#"{"iat":0,"exp":99999999999,"iss":"1"}"#);
        let public = PrivateKey::from_pkcs1_pem(PKCS1)
            .expect("test key parses")
            .to_public_key();
        let signature = Signature::try_from(
            URL_SAFE_NO_PAD
                .decode(parts[2])
                .expect("base64url")
                .as_slice(),
        )
        .expect("signature bytes");
        let forged_input = format!("{}.{forged_claims}", parts[0]);
        assert!(VerifyingKey::<Sha256>::new(public)
            .verify(forged_input.as_bytes(), &signature)
            .is_err());
    }

    #[test]
    fn bad_keys_and_ids_are_configuration_errors() {
        for pem in [
            "",
            "not a key",
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
        ] {
            assert!(
                matches!(AppKey::from_pem(pem), Err(GitHubError::Configuration(_))),
                "{pem}"
            );
        }
        let key = AppKey::from_pem(PKCS1).expect("parses");
        for id in ["", "a\"b", "1 2", &"9".repeat(65)] {
            assert!(key.jwt(id, NOW).is_err(), "{id}");
        }
    }

    #[test]
    fn key_errors_and_debug_never_show_key_material() {
        let key = AppKey::from_pem(PKCS1).expect("parses");
        assert_eq!(format!("{key:?}"), "AppKey([redacted])");
        let broken = PKCS1.replace('A', "!");
        let error = AppKey::from_pem(&broken).expect_err("broken key");
        let body_line = PKCS1.lines().nth(1).expect("PEM has a body");
        assert!(!error.to_string().contains(&body_line[..20]));
        let jwt = app_jwt("1", PKCS1, NOW).expect("signs");
        assert_eq!(format!("{jwt:?}"), "[redacted]");
    }
}
