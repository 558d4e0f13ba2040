//! Failed attempts are counted per client address and per (address, principal): the failing
//! address is throttled, nobody else is, and concurrency cannot outrun the count.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;

use support::*;
use verifier::{Denial, Method, FAILURES_PER_ADDRESS, FAILURES_PER_PRINCIPAL, FAILURE_WINDOW_SECS};

const ATTACKER: &str = "203.0.113.66:40000";

fn is_throttled(result: &Result<verifier::Identity, Denial>) -> bool {
    matches!(result, Err(Denial::Throttled { .. }))
}

#[test]
fn the_failing_address_is_throttled_after_the_threshold_with_retry_after() {
    let environment = TestEnvironment::new();
    for attempt in 1..=FAILURES_PER_PRINCIPAL {
        let result = environment.verify(&basic(USER, "guess-password"), ATTACKER);
        assert_eq!(
            result,
            Err(Denial::Rejected("wrong user name or password".to_owned())),
            "attempt {attempt}"
        );
        environment.advance(1);
    }
    let result = environment.verify(&basic(USER, "guess-password"), ATTACKER);
    // The first failure was ten seconds ago: the window lets it go in 290 s.
    assert_eq!(result, Err(Denial::Throttled { retry_after: 290 }));
    // The right password from the throttled address is refused too: a guesser must not learn
    // from a 200 that it guessed right.
    assert!(is_throttled(
        &environment.verify(&basic(USER, PASSWORD), ATTACKER)
    ));

    environment.advance(290);
    assert_eq!(
        environment
            .verify(&basic(USER, PASSWORD), ATTACKER)
            .map(|id| id.method),
        Ok(Method::Basic),
        "the window has passed"
    );
}

#[test]
fn nobody_elses_failures_lock_out_a_fresh_address() {
    let environment = TestEnvironment::new();
    // Ten addresses each fail far past every threshold, with the shared account, garbage
    // tokens, and the github-action login.
    for address in 0..10 {
        let from = format!("192.0.2.{address}:5000");
        for _ in 0..FAILURES_PER_ADDRESS + 5 {
            let _ = environment.verify(&basic(USER, "wrong-password"), &from);
            let _ = environment.verify(&bearer("garbage-token-0123456789"), &from);
            let _ = environment.verify(&basic("github-action", "not-a-token"), &from);
        }
        assert!(is_throttled(
            &environment.verify(&basic(USER, PASSWORD), &from)
        ));
    }
    let fresh = "198.51.100.1:6000";
    assert_eq!(
        environment
            .verify(&basic(USER, PASSWORD), fresh)
            .map(|id| id.subject),
        Ok(USER.to_owned()),
        "the shared Basic account is never locked as a whole"
    );
    assert_eq!(
        environment
            .verify(&bearer(TOKEN), fresh)
            .map(|id| id.method),
        Ok(Method::ApiToken)
    );
    let github = environment.oidc_token("acme/infra", 0, KID);
    assert_eq!(
        environment
            .verify(&basic("github-action", &github), fresh)
            .map(|id| id.method),
        Ok(Method::GithubOidc),
        "nor is github-action"
    );
}

#[test]
fn one_principal_failing_at_an_address_does_not_throttle_the_others_there() {
    let environment = TestEnvironment::new();
    let shared_nat = "198.51.100.20:1234";
    // A CI job behind the office NAT keeps presenting a broken token.
    for _ in 0..FAILURES_PER_PRINCIPAL + 3 {
        let _ = environment.verify(&bearer("expired-token-0123456789"), shared_nat);
    }
    assert!(is_throttled(
        &environment.verify(&bearer(TOKEN), shared_nat)
    ));
    // apt on the same NAT still logs in.
    assert_eq!(
        environment
            .verify(&basic(USER, PASSWORD), shared_nat)
            .map(|id| id.method),
        Ok(Method::Basic)
    );
}

#[test]
fn an_address_failing_as_every_principal_is_throttled_as_a_whole() {
    let environment = TestEnvironment::new();
    let from = "198.51.100.30:1";
    let authorizations = [
        basic(USER, "wrong-password"),
        basic("mallory", "wrong-password"),
        basic("github-action", "not-a-token"),
    ];
    // Spread below each principal's threshold, past the address's.
    let mut failures = 0;
    'spraying: for authorization in &authorizations {
        for _ in 0..FAILURES_PER_PRINCIPAL {
            if failures == FAILURES_PER_ADDRESS {
                break 'spraying;
            }
            assert!(
                matches!(
                    environment.verify(authorization, from),
                    Err(Denial::Rejected(_))
                ),
                "failure {failures}"
            );
            failures += 1;
        }
    }
    assert!(
        is_throttled(&environment.verify(&bearer(TOKEN), from)),
        "even Bearer"
    );
}

#[test]
fn valid_unguessable_tokens_pass_even_from_a_throttled_address() {
    let environment = TestEnvironment::new();
    let runner = "198.51.100.40:1";
    for _ in 0..FAILURES_PER_PRINCIPAL {
        let _ = environment.verify(&bearer("wrong-token-0123456789"), runner);
    }
    assert!(is_throttled(&environment.verify(&bearer(TOKEN), runner)));
    // A signed OIDC token cannot be guessed: checked before the throttle, it passes.
    let token = environment.oidc_token("acme/infra", 0, KID);
    assert_eq!(
        environment
            .verify(&bearer(&token), runner)
            .map(|id| id.method),
        Ok(Method::GithubOidc)
    );
    // A forged one is refused with 429 and not even counted further.
    let forged = environment.oidc_token("acme/infra", 1, KID);
    assert!(is_throttled(&environment.verify(&bearer(&forged), runner)));
}

#[test]
fn malformed_headers_keep_their_400_and_are_not_counted() {
    let environment = TestEnvironment::new();
    let from = "198.51.100.50:1";
    for _ in 0..3 * FAILURES_PER_ADDRESS {
        assert!(matches!(
            environment.verify("Basic !!!not-base64", from),
            Err(Denial::Malformed(message)) if message.contains("base64")
        ));
    }
    assert!(environment.verify(&basic(USER, PASSWORD), from).is_ok());
}

#[test]
fn the_window_slides() {
    let environment = TestEnvironment::new();
    let from = "198.51.100.60:1";
    for _ in 0..FAILURES_PER_PRINCIPAL {
        assert!(matches!(
            environment.verify(&bearer("wrong-token-0123456789"), from),
            Err(Denial::Rejected(_))
        ));
        environment.advance(20);
    }
    // Failures at 0, 20, …, 180 s; now is 200 s.
    assert_eq!(
        environment.verify(&bearer(TOKEN), from),
        Err(Denial::Throttled { retry_after: 100 })
    );
    environment.advance(100);
    // The first failure left the window: one more guess is allowed, then throttled again
    // until the second leaves.
    assert!(matches!(
        environment.verify(&bearer("wrong-token-0123456789"), from),
        Err(Denial::Rejected(_))
    ));
    assert_eq!(
        environment.verify(&bearer(TOKEN), from),
        Err(Denial::Throttled { retry_after: 20 })
    );
    environment.advance(FAILURE_WINDOW_SECS);
    assert!(environment.verify(&bearer(TOKEN), from).is_ok());
}

/// 200 requests with bad tokens from one address, all at once: no more than the threshold
/// are answered 401, however they interleave (each is a thread; the shared store pauses
/// before each operation so that they do interleave — without the pause, two cores run them
/// nearly one after another, and a naive read-increment-write counter passes too).
#[test]
fn concurrency_cannot_outrun_the_count() {
    for round in 0..5 {
        let environment = TestEnvironment::new();
        environment
            .store
            .pause_each_operation(std::time::Duration::from_millis(2));
        let rejected = AtomicUsize::new(0);
        let throttled = AtomicUsize::new(0);
        let start_together = Barrier::new(200);
        std::thread::scope(|scope| {
            for index in 0..200 {
                let environment = &environment;
                let (rejected, throttled) = (&rejected, &throttled);
                let start_together = &start_together;
                scope.spawn(move || {
                    start_together.wait();
                    let token = format!("bad-token-{index:04}-0123456789");
                    match environment.verify(&bearer(&token), ATTACKER) {
                        Err(Denial::Rejected(_)) => rejected.fetch_add(1, Ordering::SeqCst),
                        Err(Denial::Throttled { .. }) => throttled.fetch_add(1, Ordering::SeqCst),
                        other => panic!("{other:?}"),
                    };
                });
            }
        });
        let rejected = rejected.into_inner();
        println!(
            "round {round}: {rejected} answers of 401, {} of 429",
            throttled.into_inner()
        );
        // All may be refused with 429 when they all counted each other; never more than the
        // threshold with 401.
        assert!(
            rejected <= FAILURES_PER_PRINCIPAL,
            "{rejected} answers of 401 with a threshold of {FAILURES_PER_PRINCIPAL}"
        );
    }
}

#[test]
fn failures_leave_no_keys_behind_once_the_window_passes() {
    let environment = TestEnvironment::new();
    for address in 0..50 {
        for _ in 0..FAILURES_PER_PRINCIPAL + 2 {
            let _ = environment.verify(
                &basic(USER, "wrong-password"),
                &format!("192.0.2.{address}:1"),
            );
        }
    }
    let during = environment.store.len();
    assert!(during > 50 * FAILURES_PER_PRINCIPAL, "{during} keys");
    // Later failures sweep what has expired, a bounded number per request.
    environment.advance(FAILURE_WINDOW_SECS + 1);
    for _ in 0..100 {
        let _ = environment.verify(&basic(USER, "wrong-password"), "198.51.100.70:1");
        environment.advance(FAILURE_WINDOW_SECS + 1);
    }
    let after = environment.store.len();
    assert!(
        after <= 4,
        "{after} keys left: {:?}",
        environment.store.len()
    );
}

/// Behind a reverse proxy every client arrives from the proxy's address. With the proxy in
/// `trusted_proxies`, failures count under the address it forwards for: the failing client is
/// throttled, another client behind the same proxy is not. Without it, `X-Forwarded-For` is
/// not believed (a client choosing its own address could escape its throttling).
#[test]
fn behind_a_trusted_proxy_failures_count_under_the_forwarded_client() {
    const PROXY: &str = "127.0.0.1:41000";
    let verify = |environment: &TestEnvironment, authorization: &str, forwarded_for: &str| {
        verifier::verify(
            environment,
            Some(authorization.as_bytes()),
            verifier::Client {
                peer: Some(PROXY),
                forwarded_for: Some(forwarded_for),
            },
        )
    };

    let behind_caddy = TestEnvironment::with_variables(&[
        ("basic_user", USER),
        ("basic_password", PASSWORD),
        ("trusted_proxies", "127.0.0.1, ::1"),
    ]);
    for _ in 0..FAILURES_PER_ADDRESS {
        let _ = verify(
            &behind_caddy,
            &basic(USER, "wrong-password"),
            "198.51.100.7",
        );
    }
    assert!(is_throttled(&verify(
        &behind_caddy,
        &basic(USER, PASSWORD),
        "198.51.100.7"
    )));
    assert_eq!(
        verify(&behind_caddy, &basic(USER, PASSWORD), "198.51.100.8").map(|id| id.method),
        Ok(Method::Basic),
        "another client behind the same proxy is not locked out"
    );
    // A client claiming someone else's address is not believed past the proxy's own entry.
    assert!(is_throttled(&verify(
        &behind_caddy,
        &basic(USER, PASSWORD),
        "198.51.100.8, 198.51.100.7"
    )));

    let untrusted =
        TestEnvironment::with_variables(&[("basic_user", USER), ("basic_password", PASSWORD)]);
    for forwarded_for in 0..FAILURES_PER_ADDRESS {
        let _ = verify(
            &untrusted,
            &basic(USER, "wrong-password"),
            &format!("198.51.100.{forwarded_for}"),
        );
    }
    assert!(
        is_throttled(&verify(
            &untrusted,
            &basic(USER, PASSWORD),
            "198.51.100.200"
        )),
        "a made-up X-Forwarded-For does not escape the peer's throttling"
    );
}

#[test]
fn an_unusable_trusted_proxies_setting_fails_closed_and_says_why() {
    let environment = TestEnvironment::with_variables(&[
        ("basic_user", USER),
        ("basic_password", PASSWORD),
        ("trusted_proxies", "proxy.internal"),
    ]);
    let result = verifier::verify(
        &environment,
        Some(basic(USER, PASSWORD).as_bytes()),
        verifier::Client {
            peer: Some("127.0.0.1:41000"),
            forwarded_for: Some("198.51.100.7"),
        },
    );
    let Err(Denial::Unavailable(outage)) = result else {
        panic!("{result:?}");
    };
    assert!(
        outage
            .detail()
            .contains("trusted_proxies entry 'proxy.internal'"),
        "{}",
        outage.detail()
    );
    // Requests without X-Forwarded-For do not read the setting at all.
    assert!(environment
        .verify(&basic(USER, PASSWORD), "192.0.2.1:5000")
        .is_ok());
}
