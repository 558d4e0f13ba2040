//! Connections are bounded in wharf-host: a client must send its request head within the
//! header-read timeout, may idle between requests only for the keep-alive timeout, and at most
//! `--max-connections` are open at once, with a log line when that limit is hit. Thousands of
//! slow clients do not stop `/health` from answering.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;

const SIGNING_KEY: &str = "slow-clients-url-signing-key-0123";

fn wharf(state: &std::path::Path, arguments: &[&str]) -> WharfHost {
    WharfHost::start_with(
        &wharf_manifest(),
        state,
        &[("url_signing_key", SIGNING_KEY)],
        arguments,
    )
}

/// A client that opens a connection and sends only part of a request head.
fn half_open(address: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: wharf\r\nX-Slow: ")
        .expect("half a head");
    stream
}

/// Whether the server has closed this connection (end of stream or reset), waiting at most
/// `patience` for it.
fn closed_by_server(stream: &mut TcpStream, patience: Duration) -> bool {
    stream
        .set_read_timeout(Some(patience))
        .expect("read timeout");
    let mut buffer = [0u8; 256];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            // Bytes of an error answer are fine; what matters is that the connection ends.
            Ok(_) => continue,
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// GET /health on a fresh connection: its status and how long it took.
fn timed_health(address: SocketAddr) -> (u16, Duration) {
    let started = Instant::now();
    let response = end_to_end::request(address, "GET", "/health", &[], b"");
    (response.status, started.elapsed())
}

/// The test itself holds thousands of sockets: raise its own open-file limit (soft to hard).
fn room_for_sockets(needed: u64) {
    let limit = rlimit::increase_nofile_limit(needed + 256).expect("raise the file limit");
    assert!(
        limit >= needed + 64,
        "this test needs {needed} sockets; the hard open-file limit is {limit}"
    );
}

#[test]
fn three_thousand_slow_clients_leave_health_answering_and_are_closed_after_the_timeout() {
    const SLOW_CLIENTS: usize = 3000;
    room_for_sockets(SLOW_CLIENTS as u64 + 100);
    let state = tempfile::tempdir().expect("state");
    // The defaults: what operators get.
    let wharf = wharf(state.path(), &[]);
    let limits = wharf
        .startup()
        .iter()
        .find(|line| line.starts_with("Limits:"))
        .cloned()
        .unwrap_or_default();
    assert!(
        limits.contains("request heads within 10 s"),
        "{:?}",
        wharf.startup()
    );

    let opened = Instant::now();
    let mut slow: Vec<TcpStream> = (0..SLOW_CLIENTS)
        .map(|_| half_open(wharf.address))
        .collect();
    let all_open = opened.elapsed();
    // A few more that keep trickling a byte a second: progress does not extend the deadline.
    let tricklers: Vec<std::thread::JoinHandle<Duration>> = (0..5)
        .map(|_| {
            let address = wharf.address;
            std::thread::spawn(move || {
                let mut stream = half_open(address);
                let started = Instant::now();
                while stream.write_all(b"x").is_ok() && started.elapsed() < Duration::from_secs(30)
                {
                    std::thread::sleep(Duration::from_secs(1));
                }
                started.elapsed()
            })
        })
        .collect();

    // While all of them hold their connections, /health answers, promptly.
    let mut health_times = Vec::new();
    while opened.elapsed() < Duration::from_secs(8) {
        let (status, took) = timed_health(wharf.address);
        assert_eq!(status, 200, "/health while {SLOW_CLIENTS} clients are slow");
        health_times.push(took);
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        health_times.len() >= 10,
        "opened in {all_open:?}: {health_times:?}"
    );
    health_times.sort();
    let median = health_times[health_times.len() / 2];
    let slowest = health_times[health_times.len() - 1];
    println!(
        "{SLOW_CLIENTS} slow connections opened in {all_open:?}; /health answered {} times meanwhile: median {median:?}, slowest {slowest:?}",
        health_times.len()
    );
    // Held, not refused: before the timeout none of them was closed.
    let still_open = slow
        .iter_mut()
        .take(50)
        .map(|stream| closed_by_server(stream, Duration::from_millis(1)))
        .filter(|closed| !closed)
        .count();
    assert_eq!(still_open, 50, "slow clients are held until their deadline");

    // After the timeout (10 s from each one's start) every one of them is closed.
    let deadline = opened + Duration::from_secs(10) + Duration::from_secs(5);
    let mut open_after_deadline = 0;
    for stream in &mut slow {
        let patience = deadline.saturating_duration_since(Instant::now());
        if !closed_by_server(stream, patience.max(Duration::from_millis(1))) {
            open_after_deadline += 1;
        }
    }
    let all_closed = opened.elapsed();
    assert_eq!(
        open_after_deadline, 0,
        "connections still open {all_closed:?} after they were opened"
    );
    for trickler in tricklers {
        let lasted = trickler.join().expect("trickler");
        assert!(
            lasted < Duration::from_secs(15),
            "a client trickling its head was closed after {lasted:?}"
        );
    }
    println!("all {SLOW_CLIENTS} slow connections closed by the server within {all_closed:?}");
    std::thread::sleep(Duration::from_millis(300));
    let closed_lines = wharf
        .log()
        .iter()
        .filter(|line| line.contains("no complete request head within 10 s"))
        .count();
    assert!(
        closed_lines >= SLOW_CLIENTS,
        "each closed slow client is logged: {closed_lines}"
    );
    assert_eq!(timed_health(wharf.address).0, 200);
}

#[test]
fn at_the_connection_limit_new_clients_wait_and_the_limit_is_logged() {
    let state = tempfile::tempdir().expect("state");
    let wharf = wharf(
        state.path(),
        &["--max-connections", "20", "--header-read-timeout", "3"],
    );
    let opened = Instant::now();
    let _slow: Vec<TcpStream> = (0..20).map(|_| half_open(wharf.address)).collect();
    std::thread::sleep(Duration::from_millis(300));

    // The 21st client is not refused: it waits until a slow one is closed, then is served.
    let (status, took) = timed_health(wharf.address);
    assert_eq!(status, 200);
    let waited = opened.elapsed();
    assert!(
        waited >= Duration::from_millis(2800) && took < Duration::from_secs(8),
        "served after {waited:?} (the slow clients' deadline is 3 s)"
    );
    let log = wharf.log().join("\n");
    assert!(
        log.contains("connection limit reached: 20 connections are open"),
        "{log}"
    );
}

#[test]
fn an_idle_kept_alive_connection_is_closed_after_the_keep_alive_timeout() {
    let state = tempfile::tempdir().expect("state");
    let wharf = wharf(
        state.path(),
        &["--keep-alive-timeout", "2", "--header-read-timeout", "5"],
    );
    let mut stream = TcpStream::connect(wharf.address).expect("connect");
    let request = b"GET /health HTTP/1.1\r\nHost: wharf\r\n\r\n";
    let mut answer = [0u8; 4096];

    // Two requests one second apart share the connection: keep-alive works within the timeout.
    for _ in 0..2 {
        stream.write_all(request).expect("request");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let read = stream.read(&mut answer).expect("response");
        assert!(
            answer[..read].starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&answer[..read])
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let idle_since = Instant::now() - Duration::from_secs(1);
    assert!(closed_by_server(&mut stream, Duration::from_secs(5)));
    let idle = idle_since.elapsed();
    assert!(
        idle >= Duration::from_millis(1900) && idle < Duration::from_secs(4),
        "closed after {idle:?} idle (keep-alive timeout 2 s, header timeout 5 s)"
    );
}
