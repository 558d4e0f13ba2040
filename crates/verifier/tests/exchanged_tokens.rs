//! `wharf_…` tokens: issued for a verified OIDC token, bound to the issuer and audience that
//! admitted it, and gone from key-value once they are dead.

mod support;

use support::*;
use verifier::{exchange, Denial, Issued, Method, EXCHANGED_TOKEN_LIFETIME_SECS};

const CLIENT: &str = "198.51.100.5:40000";

fn exchanged(environment: &TestEnvironment) -> Issued {
    let oidc = environment.oidc_token("acme/infra", 0, KID);
    exchange(environment, Some(bearer(&oidc).as_bytes()), Some(CLIENT)).expect("exchange")
}

fn rejected_reason(result: Result<verifier::Identity, Denial>) -> String {
    match result {
        Err(Denial::Rejected(reason)) => reason,
        other => panic!("expected 401, got {other:?}"),
    }
}

#[test]
fn an_exchanged_token_outlives_the_oidc_token_for_an_hour() {
    let environment = TestEnvironment::new();
    let issued = exchanged(&environment);
    assert!(issued.token.starts_with("wharf_"));
    assert_eq!(issued.expires_at, START + EXCHANGED_TOKEN_LIFETIME_SECS);
    environment.advance(EXCHANGED_TOKEN_LIFETIME_SECS - 1);
    assert_eq!(
        environment
            .verify(&basic("github-action", &issued.token), CLIENT)
            .map(|identity| (identity.method, identity.subject)),
        Ok((Method::GithubOidc, "acme/infra".to_owned()))
    );
    environment.advance(1);
    assert_eq!(
        rejected_reason(environment.verify(&bearer(&issued.token), CLIENT)),
        "wharf token refused: exchanged token has expired"
    );
}

#[test]
fn an_exchanged_token_dies_when_the_audience_or_issuer_changes() {
    for (variable, value) in [
        ("oidc_audience", "https://other.example"),
        (
            "oidc_issuer",
            "https://token.actions.githubusercontent.com/acme-enterprise",
        ),
    ] {
        let environment = TestEnvironment::new();
        let issued = exchanged(&environment);
        environment.set_variable(variable, value);
        assert_eq!(
            rejected_reason(environment.verify(&bearer(&issued.token), CLIENT)),
            "wharf token refused: it was issued under another OIDC issuer or audience",
            "{variable}"
        );
        environment.set_variable(
            variable,
            if variable == "oidc_issuer" {
                ISSUER
            } else {
                AUDIENCE
            },
        );
        assert!(environment.verify(&bearer(&issued.token), CLIENT).is_ok());
    }
}

#[test]
fn only_an_oidc_token_can_be_exchanged() {
    let environment = TestEnvironment::new();
    let issued = exchanged(&environment);
    for authorization in [bearer(&issued.token), bearer(TOKEN), basic(USER, PASSWORD)] {
        let result = exchange(&environment, Some(authorization.as_bytes()), Some(CLIENT));
        assert_eq!(
            result,
            Err(Denial::Rejected(
                "only a GitHub Actions OIDC token can be exchanged for a wharf token".to_owned()
            ))
        );
    }
    let outsider = environment.oidc_token("mallory/infra", 0, KID);
    let result = exchange(
        &environment,
        Some(bearer(&outsider).as_bytes()),
        Some(CLIENT),
    );
    assert!(
        matches!(&result, Err(Denial::Rejected(reason)) if reason.contains("not allowed")),
        "{result:?}"
    );
}

#[test]
fn dead_tokens_are_swept_from_key_value() {
    let environment = TestEnvironment::new();
    for _ in 0..40 {
        exchanged(&environment);
        environment.advance(60);
    }
    let live_hour = environment.store.len();
    // A day later, a few more exchanges sweep the dead ones away.
    environment.advance(24 * 3600);
    for _ in 0..5 {
        exchanged(&environment);
    }
    let after = environment.store.len();
    println!("{live_hour} keys with 40 live tokens; {after} after a day and 5 more exchanges");
    // 5 tokens (value and expiry record each) and the cached key set (likewise); refresh
    // claims and the key set's superseded records are gone too.
    assert!(after <= 5 * 2 + 2 + 1, "{after} keys");
}
