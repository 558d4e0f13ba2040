//! The issuer's keys: they expire, are refreshed during a request, are kept when a refresh
//! fails, and the issuer is asked at most once a minute however many requests want it to be.

mod support;

use std::sync::Barrier;

use support::*;
use verifier::{
    Denial, Method, KEY_SET_FRESH_FOR_SECS, KEY_SET_REFRESH_INTERVAL_SECS, KEY_SET_USABLE_FOR_SECS,
};

const CLIENT: &str = "198.51.100.5:40000";

fn verify_oidc(environment: &TestEnvironment, token: &str) -> Result<Method, Denial> {
    environment
        .verify(&bearer(token), CLIENT)
        .map(|identity| identity.method)
}

fn unavailable_message(result: &Result<Method, Denial>) -> &'static str {
    match result {
        Err(Denial::Unavailable(outage)) => outage.public_message(),
        other => panic!("expected 503, got {other:?}"),
    }
}

#[test]
fn a_withdrawn_key_is_refused_once_the_cached_keys_expire() {
    let environment = TestEnvironment::new();
    assert_eq!(
        verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)),
        Ok(Method::GithubOidc)
    );
    // The issuer withdraws key-1 and signs with key-2 from now on.
    environment.publish(&[(1, "key-2")]);
    environment.advance(KEY_SET_FRESH_FOR_SECS - 60);
    assert_eq!(
        verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)),
        Ok(Method::GithubOidc),
        "still within the hour: the cached keys are used without asking the issuer"
    );
    let requests = environment.issuer_requests();
    environment.advance(60);
    let withdrawn = verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID));
    assert!(
        matches!(&withdrawn, Err(Denial::Rejected(reason)) if reason.contains("a signing key the issuer does not publish")),
        "{withdrawn:?}"
    );
    assert_eq!(environment.issuer_requests(), requests + 2, "one refresh");
    assert_eq!(
        verify_oidc(
            &environment,
            &environment.oidc_token("acme/infra", 1, "key-2")
        ),
        Ok(Method::GithubOidc)
    );
}

#[test]
fn keys_are_kept_when_a_refresh_fails_and_the_failure_is_logged() {
    let environment = TestEnvironment::new();
    assert!(verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)).is_ok());
    environment.set_issuer(IssuerMode::Unreachable);
    environment.advance(KEY_SET_FRESH_FOR_SECS + 1);
    assert_eq!(
        verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)),
        Ok(Method::GithubOidc),
        "stale keys, still used"
    );
    let log = environment.log().join("\n");
    assert!(
        log.contains("cannot refresh the OIDC issuer's key set") && log.contains("NXDOMAIN"),
        "{log}"
    );
    // Not forever: once the keys are older than a day they are no longer trusted.
    environment.advance(KEY_SET_USABLE_FOR_SECS);
    let result = verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID));
    assert_eq!(
        unavailable_message(&result),
        "the OIDC issuer's keys are unavailable"
    );
    // The issuer is back: the next refresh (a minute later) restores everything.
    environment.set_issuer(IssuerMode::Serving);
    environment.advance(KEY_SET_REFRESH_INTERVAL_SECS);
    assert_eq!(
        verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)),
        Ok(Method::GithubOidc)
    );
}

#[test]
fn a_failing_issuer_is_asked_at_most_once_a_minute() {
    let environment = TestEnvironment::new();
    environment.set_issuer(IssuerMode::Failing);
    let mut answers = Vec::new();
    // Five minutes of requests, one every five seconds, each from a new address.
    for request in 0..60 {
        let token = environment.oidc_token("acme/infra", 0, &format!("kid-{request}"));
        let result = environment.verify(&bearer(&token), &format!("192.0.2.{request}:1"));
        answers.push(unavailable_message(&result.map(|identity| identity.method)));
        environment.advance(5);
    }
    assert!(answers
        .iter()
        .all(|message| *message == "the OIDC issuer's keys are unavailable"));
    // One attempt per minute, and a failing issuer is asked one thing per attempt.
    assert_eq!(environment.issuer_requests(), 5);
}

#[test]
fn with_cached_keys_unknown_key_ids_ask_at_most_once_a_minute_too() {
    let environment = TestEnvironment::new();
    assert!(verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)).is_ok());
    let after_cold_fetch = environment.issuer_requests();
    environment.set_issuer(IssuerMode::Unreachable);
    // Within the minute after the fetch, an unknown key id asks nothing at all.
    let token = environment.oidc_token("acme/infra", 0, "made-up");
    let result = environment.verify(&bearer(&token), "192.0.2.200:1");
    assert!(
        matches!(&result, Err(Denial::Rejected(reason)) if reason.contains("does not publish")),
        "{result:?}"
    );
    assert_eq!(environment.issuer_requests(), after_cold_fetch);
    environment.advance(KEY_SET_REFRESH_INTERVAL_SECS);
    let mut answers = std::collections::BTreeMap::new();
    for request in 0..25 {
        let token = environment.oidc_token("acme/infra", 0, &format!("made-up-{request}"));
        let result = environment.verify(&bearer(&token), &format!("192.0.2.{request}:1"));
        let answer = match result {
            Err(Denial::Unavailable(outage)) => outage.public_message().to_owned(),
            Err(Denial::Rejected(reason)) => reason,
            other => format!("{other:?}"),
        };
        *answers.entry(answer).or_insert(0) += 1;
    }
    assert_eq!(
        environment.issuer_requests(),
        after_cold_fetch + 1,
        "{answers:?}"
    );
    // Every answer says the issuer is the trouble, not the token, and names no URL.
    assert_eq!(
        answers.keys().collect::<Vec<_>>(),
        ["the OIDC issuer's keys are unavailable"],
        "{answers:?}"
    );
    // The keys it has still serve tokens signed with them.
    assert!(verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)).is_ok());
}

#[test]
fn a_rotated_key_is_fetched_on_first_sight() {
    let environment = TestEnvironment::new();
    assert!(verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID)).is_ok());
    environment.publish(&[(0, KID), (1, "key-2")]);
    environment.advance(KEY_SET_REFRESH_INTERVAL_SECS);
    assert_eq!(
        verify_oidc(
            &environment,
            &environment.oidc_token("acme/infra", 1, "key-2")
        ),
        Ok(Method::GithubOidc)
    );
}

#[test]
fn many_concurrent_requests_ask_the_issuer_once() {
    for issuer in [IssuerMode::Serving, IssuerMode::Failing] {
        let environment = TestEnvironment::new();
        environment.set_issuer(issuer);
        environment
            .store
            .pause_each_operation(std::time::Duration::from_millis(2));
        let start_together = Barrier::new(100);
        std::thread::scope(|scope| {
            for index in 0..100 {
                let (environment, start_together) = (&environment, &start_together);
                scope.spawn(move || {
                    let token = environment.oidc_token("acme/infra", 0, KID);
                    start_together.wait();
                    let _ = environment.verify(&bearer(&token), &format!("192.0.2.{index}:1"));
                });
            }
        });
        let attempts_allowed = if issuer == IssuerMode::Serving { 2 } else { 1 };
        println!(
            "{issuer:?}: {} request(s) to the issuer from 100 concurrent requests",
            environment.issuer_requests()
        );
        assert!(
            environment.issuer_requests() <= attempts_allowed,
            "{issuer:?}: {}",
            environment.issuer_requests()
        );
        // When every claimant saw another's claim, nobody asked; the claims were withdrawn,
        // so the next request alone asks (unless one asked within the minute).
        if environment.issuer_requests() == 0 {
            environment.set_issuer(IssuerMode::Serving);
            let token = environment.oidc_token("acme/infra", 0, KID);
            assert_eq!(verify_oidc(&environment, &token), Ok(Method::GithubOidc));
        }
    }
}

#[test]
fn unavailable_answers_tell_clients_what_failed_and_the_log_where() {
    let environment = TestEnvironment::new();
    environment.set_issuer(IssuerMode::Unreachable);
    let result = verify_oidc(&environment, &environment.oidc_token("acme/infra", 0, KID));
    let Err(Denial::Unavailable(outage)) = &result else {
        panic!("{result:?}");
    };
    assert_eq!(
        outage.public_message(),
        "the OIDC issuer's keys are unavailable"
    );
    for internal in ["https://", "token.actions", "NXDOMAIN", "Dns"] {
        assert!(!outage.public_message().contains(internal));
    }
    let log = environment.log().join("\n");
    assert!(log.contains("NXDOMAIN") && log.contains(ISSUER), "{log}");
    assert!(
        outage.detail().contains("logged above"),
        "{}",
        outage.detail()
    );
}

#[test]
fn answers_while_the_issuer_is_down_count_as_failures() {
    let environment = TestEnvironment::new();
    environment.set_issuer(IssuerMode::Failing);
    let flood = "203.0.113.9:1";
    let mut statuses = Vec::new();
    for _ in 0..verifier::FAILURES_PER_PRINCIPAL + 5 {
        let token = environment.oidc_token("acme/infra", 0, KID);
        statuses.push(match environment.verify(&bearer(&token), flood) {
            Err(Denial::Unavailable(_)) => 503,
            Err(Denial::Throttled { .. }) => 429,
            other => panic!("{other:?}"),
        });
    }
    assert_eq!(
        statuses,
        [[503; 10].as_slice(), [429; 5].as_slice()].concat(),
        "a flood while the issuer is down is throttled like any other"
    );
    // Others are not affected.
    let token = environment.oidc_token("acme/infra", 0, KID);
    assert!(matches!(
        environment.verify(&bearer(&token), "198.51.100.77:1"),
        Err(Denial::Unavailable(_))
    ));
}
