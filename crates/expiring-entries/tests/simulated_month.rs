//! A month of traffic, minute by minute, on a clock the test controls: the store keeps about
//! what is live, never what has expired.

use expiring_entries::{listed, put_entry, put_listed, sweep, KeyValueStore, MemoryStore};

const START: u64 = 1_760_000_000;
const MINUTES_IN_A_MONTH: u64 = 30 * 24 * 60;
const TOKEN_LIFETIME: u64 = 3600;
const FAILURE_WINDOW: u64 = 300;
const CACHE_KEEP: u64 = 24 * 3600;
const CACHED_THINGS: u64 = 200;
const ATTACK_FAILURES: u64 = 500;

/// What one simulated minute writes; every writing request sweeps afterwards, as the verifier
/// and the caches do.
fn one_minute(store: &MemoryStore, minute: u64) {
    let now = START + minute * 60;
    // A CI job exchanges an OIDC token for a wharf token (a unique key, written once).
    put_entry(
        store,
        &format!("v1/exchanged-token/{minute}"),
        b"record",
        now + TOKEN_LIFETIME,
    )
    .unwrap();
    sweep(store, now).unwrap();
    // A failed login from an ever new address.
    put_listed(
        store,
        &format!("auth-failures/{minute}"),
        now + FAILURE_WINDOW,
    )
    .unwrap();
    sweep(store, now).unwrap();
    // One of 200 cached GitHub answers is refreshed (the same key, written again).
    let cached = minute % CACHED_THINGS;
    put_entry(
        store,
        &format!("v1/github-cache/{cached}"),
        b"answer",
        now + CACHE_KEEP,
    )
    .unwrap();
    sweep(store, now).unwrap();
    // Once a day an attacker's burst: 500 failures within the minute.
    if minute % (24 * 60) == 600 {
        for failure in 0..ATTACK_FAILURES {
            put_listed(
                store,
                &format!("auth-failures/attack/{minute}/{failure}"),
                now + FAILURE_WINDOW,
            )
            .unwrap();
            sweep(store, now).unwrap();
        }
    }
}

#[test]
fn a_month_of_traffic_leaves_a_bounded_number_of_keys() {
    let store = MemoryStore::default();
    let mut most_keys = 0;
    let mut written = 0u64;
    for minute in 0..MINUTES_IN_A_MONTH {
        let before = store.operations().writes;
        one_minute(&store, minute);
        written += (store.operations().writes - before) as u64;
        most_keys = most_keys.max(store.len());
    }
    let last_minute = START + (MINUTES_IN_A_MONTH - 1) * 60;
    let keys = store.keys().unwrap();

    // Live at the end: 60 exchanged tokens of the last hour (value + expiry record each),
    // 5 failures of the last five minutes, 200 cached answers (value + record each).
    let live_bound = 2 * 60 + 5 + 2 * CACHED_THINGS as usize;
    println!(
        "{written} keys written over 30 simulated days; {} keys at the end, at most {most_keys} at any time (live bound {live_bound})",
        keys.len()
    );
    assert!(keys.len() <= live_bound, "{} keys", keys.len());
    // During the attack the 500 failures are live for five minutes; nothing accumulates.
    assert!(
        most_keys <= live_bound + ATTACK_FAILURES as usize,
        "{most_keys} keys at most"
    );
    assert_eq!(
        listed(&keys, "auth-failures/", last_minute).count(),
        keys.iter()
            .filter(|key| key.contains("/listed/auth-failures/"))
            .count(),
        "no expired failure is left"
    );
    assert!(written > 200_000, "the month really wrote: {written}");
}

#[test]
fn after_traffic_stops_the_next_writes_clear_the_backlog() {
    let store = MemoryStore::default();
    for minute in 0..120 {
        one_minute(&store, minute);
    }
    // Two days of silence: everything has expired, but nothing swept it (nobody wrote).
    let later = START + 2 * 24 * 3600 + 120 * 60;
    assert!(store.len() > 300, "{}", store.len());
    let mut writes = 0;
    while store.len() > 2 {
        put_entry(&store, "v1/github-cache/0", b"answer", later + CACHE_KEEP).unwrap();
        sweep(&store, later).unwrap();
        writes += 1;
        assert!(writes < 100, "{} keys left", store.len());
    }
    println!("{writes} writes cleared the backlog after two silent days");
}
