//! wharf's own short-lived tokens, issued after a valid OIDC login.

mod support;

use oidc::{
    looks_like_exchanged_token, storage_key, ExchangeError, ExchangedToken, ExchangedTokenRecord,
    MAX_EXCHANGED_TOKEN_LIFETIME_SECS,
};
use support::*;

const RANDOM: [u8; 32] = [
    0x3a, 0x91, 0x0c, 0xe4, 0x57, 0x22, 0xbd, 0x18, 0x6f, 0xa0, 0x45, 0x9e, 0x71, 0x0d, 0xc3, 0x2b,
    0x88, 0x14, 0xf6, 0x5d, 0x39, 0xe2, 0x07, 0xab, 0x60, 0xcf, 0x1e, 0x93, 0x4a, 0xd7, 0x25, 0xfe,
];

fn issue(lifetime_secs: u64) -> Result<(ExchangedToken, ExchangedTokenRecord), ExchangeError> {
    ExchangedToken::issue(RANDOM, &identity(), &policy(), NOW, lifetime_secs)
}

#[test]
fn fresh_exchanged_token_is_accepted() {
    let (token, record) = issue(3600).expect("issue");
    assert!(token.as_str().starts_with("wharf_"));
    assert_eq!(record.expires_at(), NOW + 3600);
    assert_eq!(record.repository(), "octo-org/octo-repo");
    let identity = record.check(NOW + 10, &policy()).expect("fresh");
    assert_eq!(identity.repository, "octo-org/octo-repo");
    assert_eq!(identity.ref_.as_deref(), Some("refs/heads/main"));
    assert_eq!(identity.expires_at, NOW + 3600);
}

#[test]
fn exchanged_token_outlives_the_oidc_token() {
    let (_, record) = issue(3600).expect("issue");
    assert!(record.check(EXPIRES_AT + 600, &policy()).is_ok());
}

#[test]
fn expired_exchanged_token_is_refused() {
    let (_, record) = issue(600).expect("issue");
    assert!(record.check(NOW + 599, &policy()).is_ok());
    assert_eq!(
        record.check(NOW + 600, &policy()),
        Err(ExchangeError::Expired)
    );
}

#[test]
fn exchanged_token_of_a_removed_repository_is_refused() {
    let (_, record) = issue(600).expect("issue");
    assert_eq!(
        record.check(NOW + 1, &policy_with("octo-labs/*")),
        Err(ExchangeError::NoLongerAllowed)
    );
}

#[test]
fn exchanged_token_dies_when_the_issuer_or_audience_changes() {
    let (_, record) = issue(600).expect("issue");
    let other_audience = oidc::OidcPolicy::from_settings(ISSUER, "https://other.example", ALLOWED)
        .expect("valid")
        .expect("on");
    let other_issuer = oidc::OidcPolicy::from_settings(
        "https://token.actions.githubusercontent.com/enterprise",
        AUDIENCE,
        ALLOWED,
    )
    .expect("valid")
    .expect("on");
    for policy in [other_audience, other_issuer] {
        let refused = record.check(NOW + 1, &policy);
        assert_eq!(refused, Err(ExchangeError::IssuedUnderOtherSettings));
        assert_eq!(
            refused.unwrap_err().to_string(),
            "it was issued under another OIDC issuer or audience"
        );
    }
    assert!(record.check(NOW + 1, &policy()).is_ok());
}

#[test]
fn storage_key_does_not_contain_the_token() {
    let (token, record) = issue(600).expect("issue");
    let key = token.storage_key();
    assert_eq!(key, storage_key(token.as_str()));
    let digest = key.strip_prefix("v1/exchanged-token/").expect("prefix");
    assert_eq!(digest.len(), 64);
    assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
    let random_part = token.as_str().trim_start_matches("wharf_");
    assert!(!key.contains(random_part));
    let stored = String::from_utf8(record.serialize()).expect("UTF-8");
    assert!(!stored.contains(random_part));
}

#[test]
fn record_round_trips_through_bytes() {
    let (_, record) = issue(600).expect("issue");
    let bytes = record.serialize();
    assert!(bytes.starts_with(b"v2\n"));
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    assert!(text.contains(&format!("\"issuer\":\"{ISSUER}\"")), "{text}");
    assert!(
        text.contains(&format!("\"audience\":\"{AUDIENCE}\"")),
        "{text}"
    );
    assert_eq!(ExchangedTokenRecord::deserialize(&bytes), Ok(record));
}

#[test]
fn unreadable_records_are_refused() {
    let (_, record) = issue(600).expect("issue");
    let json = record.serialize()[3..].to_vec();
    let mut v3 = b"v3\n".to_vec();
    v3.extend(&json);
    // A record from before issuers and audiences were recorded cannot be tied to them.
    let v1 = br#"v1
{"repository":"a/b","repository_owner":"a","repository_id":null,"repository_owner_id":null,"ref":null,"environment":null,"job_workflow_ref":null,"expires_at":1}"#
        .to_vec();
    let mut extra_field = b"v2\n".to_vec();
    extra_field.extend(
        br#"{"issuer":"i","audience":"a","repository":"a/b","repository_owner":"a","expires_at":1,"admin":true}"#,
    );
    let mut no_audience = b"v2\n".to_vec();
    no_audience
        .extend(br#"{"issuer":"i","repository":"a/b","repository_owner":"a","expires_at":1}"#);
    for bytes in [
        json,
        v3,
        v1,
        b"v2\nnot json".to_vec(),
        extra_field,
        no_audience,
        Vec::new(),
    ] {
        assert!(matches!(
            ExchangedTokenRecord::deserialize(&bytes),
            Err(ExchangeError::UnreadableRecord(_))
        ));
    }
}

#[test]
fn lifetime_is_bounded() {
    assert!(issue(MAX_EXCHANGED_TOKEN_LIFETIME_SECS).is_ok());
    for lifetime in [0, MAX_EXCHANGED_TOKEN_LIFETIME_SECS + 1] {
        assert_eq!(
            issue(lifetime).err(),
            Some(ExchangeError::InvalidLifetime { max_secs: 3600 })
        );
    }
}

#[test]
fn all_zero_randomness_is_refused() {
    assert_eq!(
        ExchangedToken::issue([0; 32], &identity(), &policy(), NOW, 600).err(),
        Some(ExchangeError::BadRandomness)
    );
}

#[test]
fn expired_identity_cannot_be_exchanged() {
    assert_eq!(
        ExchangedToken::issue(RANDOM, &identity(), &policy(), EXPIRES_AT + 60, 600).err(),
        Some(ExchangeError::IdentityExpired)
    );
}

#[test]
fn different_randomness_gives_different_tokens_and_keys() {
    let mut other = RANDOM;
    other[0] ^= 1;
    let (a, _) = issue(600).expect("issue");
    let (b, _) = ExchangedToken::issue(other, &identity(), &policy(), NOW, 600).expect("issue");
    assert_ne!(a.as_str(), b.as_str());
    assert_ne!(a.storage_key(), b.storage_key());
}

#[test]
fn exchanged_token_shape_is_recognised() {
    let (token, _) = issue(600).expect("issue");
    assert!(looks_like_exchanged_token(token.as_str()));
    let presented = token.clone().into_string();
    for not_exchanged in [
        valid_token(),
        "wharf_".to_string(),
        format!("{presented}A"),
        presented[..presented.len() - 1].to_string(),
        format!("{presented}="),
        presented.replacen("wharf_", "Wharf_", 1),
        presented.replacen("wharf_", "other_", 1),
        "static-api-token".to_string(),
    ] {
        assert!(
            !looks_like_exchanged_token(&not_exchanged),
            "{not_exchanged}"
        );
    }
}

#[test]
fn debug_output_does_not_show_the_token() {
    let (token, _) = issue(600).expect("issue");
    let shown = format!("{token:?}");
    assert!(!shown.contains(token.as_str().trim_start_matches("wharf_")));
    assert!(shown.contains("redacted"));
}
