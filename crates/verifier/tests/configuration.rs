//! Missing or unusable settings fail closed: 503 whose body says what kind of thing failed,
//! with the reason for the operator's log only.

mod support;

use support::*;
use verifier::{Denial, Method, Outage};

const CLIENT: &str = "198.51.100.5:40000";

fn outage(result: Result<verifier::Identity, Denial>) -> Outage {
    match result {
        Err(Denial::Unavailable(outage)) => outage,
        other => panic!("expected 503, got {other:?}"),
    }
}

#[test]
fn a_short_basic_password_refuses_basic_and_says_why_in_the_log_only() {
    let environment = TestEnvironment::with_variables(&[
        ("basic_user", USER),
        ("basic_password", "fifteen-chars-x"),
        ("api_tokens", TOKEN),
    ]);
    let outage = outage(environment.verify(&basic(USER, "fifteen-chars-x"), CLIENT));
    assert_eq!(
        outage.public_message(),
        "authentication is misconfigured on this server; its operator finds the reason in the server log"
    );
    assert!(
        outage
            .detail()
            .contains("basic_password is shorter than 16 characters"),
        "{}",
        outage.detail()
    );
    assert!(!outage.detail().contains("fifteen-chars-x"));
    // Bearer has its own, valid, setting.
    assert_eq!(
        environment
            .verify(&bearer(TOKEN), CLIENT)
            .map(|id| id.method),
        Ok(Method::ApiToken)
    );
}

#[test]
fn nothing_configured_is_unavailable_not_wrong_credentials() {
    let environment = TestEnvironment::with_variables(&[]);
    for authorization in [basic("admin", "admin-password-123"), bearer(TOKEN)] {
        let outage = outage(environment.verify(&authorization, CLIENT));
        assert!(
            outage.detail().contains("no credentials are configured"),
            "{}",
            outage.detail()
        );
    }
    let outage = outage(verifier::verify(&environment, None, Some(CLIENT)));
    assert!(
        outage.detail().contains("basic_user"),
        "{}",
        outage.detail()
    );
}

#[test]
fn missing_credentials_on_a_configured_server_are_a_challenge() {
    let environment = TestEnvironment::new();
    assert_eq!(
        verifier::verify(&environment, None, Some(CLIENT)),
        Err(Denial::Missing)
    );
}

#[test]
fn a_broken_oidc_rule_refuses_oidc_but_not_basic() {
    let environment = TestEnvironment::new();
    environment.set_variable("oidc_allowed_repositories", "*/*");
    let token = environment.oidc_token("acme/infra", 0, KID);
    let outage = outage(environment.verify(&bearer(&token), CLIENT));
    assert!(
        outage.detail().contains("oidc_allowed_repositories"),
        "{}",
        outage.detail()
    );
    assert!(environment.verify(&basic(USER, PASSWORD), CLIENT).is_ok());
}

#[test]
fn the_reserved_login_cannot_be_the_basic_user() {
    let environment = TestEnvironment::with_variables(&[
        ("basic_user", "github-action"),
        ("basic_password", PASSWORD),
    ]);
    // The login is routed to OIDC, which is off here.
    assert!(matches!(
        environment.verify(&basic("github-action", PASSWORD), CLIENT),
        Err(Denial::Rejected(reason)) if reason.contains("OIDC is not enabled")
    ));
    let outage = outage(environment.verify(&basic("someone", PASSWORD), CLIENT));
    assert!(outage.detail().contains("reserved"), "{}", outage.detail());
}
