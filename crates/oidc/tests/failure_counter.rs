//! Brute-force accounting: counting failures and deciding when to throttle.

use oidc::{
    failure_key_for_address, failure_key_for_user, record_failure, throttle, FailureCounter,
    FailureCounterError, FAILURE_THRESHOLD, FAILURE_WINDOW_SECS,
};

const NOW: u64 = 1_760_000_000;

fn failures(count: u32, start: u64) -> Option<FailureCounter> {
    (0..count).fold(None, |counter, i| {
        Some(record_failure(counter, start + u64::from(i)))
    })
}

#[test]
fn no_throttle_below_the_threshold() {
    let counter = failures(FAILURE_THRESHOLD - 1, NOW);
    assert_eq!(counter.map(|c| c.count), Some(FAILURE_THRESHOLD - 1));
    assert_eq!(throttle(counter.as_ref(), NOW + 10), None);
    assert_eq!(throttle(None, NOW), None);
}

#[test]
fn throttles_after_the_threshold_until_the_window_ends() {
    let counter = failures(FAILURE_THRESHOLD, NOW);
    assert_eq!(throttle(counter.as_ref(), NOW + 10), Some(290));
    assert_eq!(throttle(counter.as_ref(), NOW + 299), Some(1));
    assert_eq!(throttle(counter.as_ref(), NOW + 300), None);
}

#[test]
fn retry_after_is_bounded_by_the_window() {
    let piled_up = FailureCounter {
        count: u32::MAX,
        window_start: NOW,
    };
    assert_eq!(throttle(Some(&piled_up), NOW), Some(300));
    // A window stamped in the future by a replica whose clock runs ahead.
    let from_the_future = FailureCounter {
        count: FAILURE_THRESHOLD,
        window_start: NOW + 100_000,
    };
    assert_eq!(throttle(Some(&from_the_future), NOW), Some(300));
    for now in [NOW, NOW + 1, NOW + 150, NOW + 299] {
        let retry = throttle(failures(50, NOW).as_ref(), now).expect("throttled");
        assert!((1..=FAILURE_WINDOW_SECS as u32).contains(&retry));
    }
}

#[test]
fn window_resets_after_it_ends() {
    let counter = failures(FAILURE_THRESHOLD, NOW);
    let next = record_failure(counter, NOW + FAILURE_WINDOW_SECS);
    assert_eq!(
        next,
        FailureCounter {
            count: 1,
            window_start: NOW + FAILURE_WINDOW_SECS
        }
    );
    assert_eq!(throttle(Some(&next), NOW + FAILURE_WINDOW_SECS), None);
}

#[test]
fn count_saturates() {
    let full = FailureCounter {
        count: u32::MAX,
        window_start: NOW,
    };
    assert_eq!(record_failure(Some(full), NOW + 1).count, u32::MAX);
}

#[test]
fn counter_round_trips_through_bytes() {
    let counter = FailureCounter {
        count: 7,
        window_start: NOW,
    };
    assert_eq!(counter.serialize(), b"v1 7 1760000000");
    assert_eq!(
        FailureCounter::deserialize(&counter.serialize()),
        Ok(counter)
    );
}

#[test]
fn unreadable_counters_are_errors() {
    for bytes in [
        &b""[..],
        b"v2 1 2",
        b"v1 1",
        b"v1 1 2 3",
        b"v1 +1 2",
        b"v1 -1 2",
        b"v1 1  2",
        b"v1 99999999999 2",
        b"\xff\xfe",
    ] {
        assert_eq!(
            FailureCounter::deserialize(bytes),
            Err(FailureCounterError::Unreadable),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn user_keys_hold_no_user_name() {
    let key = failure_key_for_user("alice");
    assert!(key.starts_with("v1/auth-failures/user/"));
    assert!(!key.contains("alice"));
    assert_eq!(key, failure_key_for_user("alice"));
    assert_ne!(key, failure_key_for_user("Alice"));
    // A password typed into the user field does not land in a key either.
    assert!(!failure_key_for_user("hunter2-secret").contains("hunter2"));
}

#[test]
fn address_keys_hold_no_address_and_group_ipv6_by_64() {
    let key = failure_key_for_address("192.0.2.7");
    assert!(key.starts_with("v1/auth-failures/address/"));
    assert!(!key.contains("192.0.2.7"));
    assert_eq!(key, failure_key_for_address("192.0.2.7:51234"));
    assert_ne!(key, failure_key_for_address("192.0.2.8"));
    assert_eq!(
        failure_key_for_address("2001:db8:aa:bb::1"),
        failure_key_for_address("2001:db8:aa:bb:ffff::2")
    );
    assert_ne!(
        failure_key_for_address("2001:db8:aa:bb::1"),
        failure_key_for_address("2001:db8:aa:bc::1")
    );
    assert_ne!(
        failure_key_for_address("alice"),
        failure_key_for_user("alice")
    );
}
