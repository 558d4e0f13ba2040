//! Throttling as an attacker on the network meets it, under wharf-host with the real composed
//! verifier: clients are told apart by their loopback source address (127.0.x.y). Failing
//! addresses are throttled with `Retry-After`; nobody else's failures lock a client out; and
//! 200 concurrent bad tokens from one address get no more 401s than the threshold.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Barrier;

use base64::Engine;
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::{HttpResponse, WharfHost};

const USER: &str = "fleet";
const PASSWORD: &str = "correct horse battery staple";
const TOKEN: &str = "tf-token-0123456789abcdef";
const SIGNING_KEY: &str = "test-url-signing-key-0123456789";
const PATH: &str = "/dists/stable/Release";
/// What the verifier allows one principal from one address within five minutes
/// (`verifier::FAILURES_PER_PRINCIPAL`).
const THRESHOLD: usize = 10;

fn basic(user: &str, password: &str) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}").into_bytes()
}

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

fn loopback(third: u8, fourth: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, third, fourth))
}

fn configured_wharf(state: &std::path::Path) -> WharfHost {
    WharfHost::start(
        &wharf_manifest(),
        state,
        &[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("api_tokens", TOKEN),
            ("url_signing_key", SIGNING_KEY),
        ],
    )
}

fn assert_throttled(response: &HttpResponse) {
    assert_eq!(response.status, 429, "{}", response.text());
    let retry_after: u64 = response
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("Retry-After");
    assert!(
        (1..=300).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    assert!(!response.body.is_empty(), "apt retries only with a body");
}

#[test]
fn failures_from_other_addresses_never_lock_out_a_fresh_one() {
    let state = tempfile::tempdir().expect("state");
    let wharf = configured_wharf(state.path());
    let failing: Vec<IpAddr> = (1..=10).map(|host| loopback(1, host)).collect();
    for address in &failing {
        for attempt in 0..THRESHOLD + 2 {
            let wrong_password = wharf.get_from(
                *address,
                PATH,
                &[("Authorization", &basic(USER, "guessed-password-1"))],
            );
            let garbage_token = wharf.get_from(
                *address,
                PATH,
                &[("Authorization", &bearer("garbage-token-0123456789"))],
            );
            if attempt < THRESHOLD {
                assert_eq!(wrong_password.status, 401, "{}", wrong_password.text());
                assert_eq!(garbage_token.status, 401, "{}", garbage_token.text());
            } else {
                assert_throttled(&wrong_password);
                assert_throttled(&garbage_token);
            }
        }
        // The failing address is refused even with the right password: a guesser must not
        // learn from a 200 that it guessed right.
        assert_throttled(&wharf.get_from(
            *address,
            PATH,
            &[("Authorization", &basic(USER, PASSWORD))],
        ));
    }
    // The shared account and the tokens still work from an address that did not fail.
    let fresh = loopback(2, 1);
    for authorization in [basic(USER, PASSWORD), bearer(TOKEN)] {
        let response = wharf.get_from(fresh, PATH, &[("Authorization", &authorization)]);
        assert_eq!(response.status, 200, "{}", response.text());
    }
}

#[test]
fn concurrent_bad_tokens_from_one_address_get_at_most_the_threshold_of_401s() {
    let state = tempfile::tempdir().expect("state");
    let wharf = configured_wharf(state.path());
    let attacker = loopback(3, 1);
    let start_together = Barrier::new(200);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let requests: Vec<_> = (0..200)
            .map(|index| {
                let (wharf, start_together) = (&wharf, &start_together);
                scope.spawn(move || {
                    let token = bearer(&format!("bad-token-{index:04}-0123456789"));
                    start_together.wait();
                    wharf
                        .get_from(attacker, PATH, &[("Authorization", &token)])
                        .status
                })
            })
            .collect();
        requests
            .into_iter()
            .map(|request| request.join().expect("request thread"))
            .collect()
    });
    let unauthorized = statuses.iter().filter(|status| **status == 401).count();
    let throttled = statuses.iter().filter(|status| **status == 429).count();
    println!("200 concurrent bad tokens from one address: {unauthorized} × 401, {throttled} × 429");
    assert_eq!(unauthorized + throttled, 200, "{statuses:?}");
    assert!(
        unauthorized <= THRESHOLD,
        "{unauthorized} answers of 401 with a threshold of {THRESHOLD}"
    );
    let valid = wharf.get_from(loopback(3, 2), PATH, &[("Authorization", &bearer(TOKEN))]);
    assert_eq!(valid.status, 200, "{}", valid.text());
}

/// Behind a reverse proxy on the same machine (Caddy, as in `deploy/homelab`), every client
/// reaches wharf from 127.0.0.1. With `trusted_proxies` naming it, the client a proxy forwards
/// for is what failures count under: one runner with a wrong password is throttled, the rest
/// of the fleet behind the same proxy is not. A peer that is not a trusted proxy cannot choose
/// the address it is counted under.
#[test]
fn behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
            ("trusted_proxies", "127.0.0.1, ::1"),
        ],
    );
    let proxy = loopback(0, 1);
    let through_proxy = |client: &str, password: &str| {
        wharf.get_from(
            proxy,
            PATH,
            &[
                ("Authorization", &basic(USER, password)),
                ("X-Forwarded-For", client.as_bytes()),
            ],
        )
    };
    for _ in 0..=THRESHOLD {
        through_proxy("198.51.100.7", "wrong password, again");
    }
    assert_throttled(&through_proxy("198.51.100.7", PASSWORD));
    let other = through_proxy("198.51.100.8", PASSWORD);
    assert_eq!(other.status, 200, "{}", other.text());

    // Not a trusted proxy: its X-Forwarded-For is not believed, so a new claim each time does
    // not escape the count.
    let stranger = loopback(3, 3);
    for attempt in 0..=THRESHOLD {
        let claimed = format!("198.51.100.{}", 100 + attempt);
        wharf.get_from(
            stranger,
            PATH,
            &[
                ("Authorization", &basic(USER, "wrong password, again")),
                ("X-Forwarded-For", claimed.as_bytes()),
            ],
        );
    }
    assert_throttled(&wharf.get_from(
        stranger,
        PATH,
        &[
            ("Authorization", &basic(USER, PASSWORD)),
            ("X-Forwarded-For", b"198.51.100.250"),
        ],
    ));
}
