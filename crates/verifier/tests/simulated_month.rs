//! A month of a small fleet's traffic through the verifier, on a clock the test controls:
//! apt machines, CI jobs exchanging OIDC tokens, scanners and a daily attack. Key-value ends
//! the month holding what is live, not a month of dead tokens and failure counts.

mod support;

use support::*;
use verifier::{exchange, Denial};

const MINUTES_IN_A_MONTH: u64 = 30 * 24 * 60;

fn one_minute(environment: &TestEnvironment, minute: u64, oidc: &mut String) {
    // apt machines (successful requests write nothing, so a few stand for many).
    for machine in 0..2 {
        let result = environment.verify(&basic(USER, PASSWORD), &format!("10.0.0.{machine}:1"));
        assert!(result.is_ok(), "minute {minute}: {result:?}");
    }
    // Every five minutes a CI job exchanges its OIDC token and makes ten requests with it.
    // (One token an hour: signing is the slow part of this test, and not what it is about.)
    if minute.is_multiple_of(60) {
        *oidc = environment.oidc_token_valid_for("acme/infra", 0, KID, 3600);
    }
    if minute.is_multiple_of(5) {
        let runner = format!("10.1.{}.{}:1", minute % 200, minute % 250);
        let issued = exchange(
            environment,
            Some(bearer(oidc).as_bytes()),
            Some(runner.as_str()),
        )
        .unwrap_or_else(|denial| panic!("minute {minute}: {denial:?}"));
        for _ in 0..10 {
            assert!(environment
                .verify(&basic("github-action", &issued.token), &runner)
                .is_ok());
        }
    }
    // A scanner from an ever new address tries a password.
    let scanner = format!("198.18.{}.{}:1", (minute / 250) % 250, minute % 250);
    assert!(matches!(
        environment.verify(&basic("admin", "admin-password-guess"), &scanner),
        Err(Denial::Rejected(_))
    ));
    // Once a day, an attack: 200 guesses from one address and 20 each from 50 others.
    if minute % (24 * 60) == 720 {
        for _ in 0..200 {
            let _ = environment.verify(&basic(USER, "guess-password-0"), "203.0.113.1:1");
        }
        for bot in 0..50 {
            for _ in 0..20 {
                let _ = environment.verify(
                    &bearer("guessed-token-0123456789"),
                    &format!("203.0.114.{bot}:1"),
                );
            }
        }
    }
    environment.advance(60);
}

#[test]
fn a_month_of_traffic_leaves_a_bounded_number_of_keys() {
    let environment = TestEnvironment::new();
    let mut most = 0;
    let mut oidc = String::new();
    for minute in 0..MINUTES_IN_A_MONTH {
        one_minute(&environment, minute, &mut oidc);
        most = most.max(environment.store.len());
    }
    let operations = environment.operations();
    let keys = environment.store.len();
    println!(
        "30 simulated days: {} key-value writes, {} deletes; {keys} keys at the end, {most} at most",
        operations.writes, operations.deletes
    );
    // At the end: twelve live exchanged tokens (value and expiry record each), the key set
    // (likewise), at most a refresh claim, five scanner failures of the last five minutes.
    assert!(keys <= 12 * 2 + 2 + 1 + 5, "{keys} keys");
    // During the attack: 50 bots × (10 failures + a notice and its record), one address
    // likewise, on top of the usual.
    assert!(most <= 51 * 12 + 12 * 2 + 3 + 5, "{most} keys at most");
    assert!(
        operations.writes > 50_000,
        "the month wrote: {}",
        operations.writes
    );
}
