//! Bodies and memory are bounded in wharf-host itself (the probe component stands for any
//! component): a `Content-Length` over `--max-request-body` gets 413 before any component
//! runs, a chunked body that grows past it is cut off, a component that does not read its body
//! makes the host read (and keep) none of it, and one request's instance cannot take more
//! than `--max-instance-memory`. The application's own routes under 20 concurrent 500 MB
//! uploads, under wharf-host and Spin: `tests/hostile.rs`.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use end_to_end::large_upload::{upload, Framing, Sender};
use end_to_end::paths::repository_root;
use end_to_end::WharfHost;

const MIB: u64 = 1024 * 1024;

fn probe_manifest() -> std::path::PathBuf {
    repository_root().join("tests/host-probe/spin.toml")
}

fn probe(state: &std::path::Path, arguments: &[&str]) -> WharfHost {
    WharfHost::start_with(
        &probe_manifest(),
        state,
        &[("required_value", "present")],
        arguments,
    )
}

#[test]
fn a_chunked_body_that_grows_past_the_limit_is_cut_off_with_413() {
    let state = tempfile::tempdir().expect("state");
    let host = probe(state.path(), &["--max-request-body", "1MiB"]);
    let within = upload(
        host.address,
        "POST",
        "/probe/body-length",
        &[],
        MIB,
        Framing::Chunked,
        Sender::Polite,
    );
    assert_eq!(within.status, Some(200), "{within:?}");

    let past = upload(
        host.address,
        "POST",
        "/probe/body-length",
        &[],
        64 * MIB,
        Framing::Chunked,
        Sender::Polite,
    );
    assert_eq!(past.status, Some(413), "{past:?}");
    assert!(
        past.sent < 32 * MIB,
        "the host stopped reading soon after the limit: {past:?}"
    );
    // Only the head, declaring one byte too many: answered before any body byte is sent.
    let mut stream = TcpStream::connect(host.address).expect("connect");
    stream
        .write_all(
            b"POST /probe/body-length HTTP/1.1\r\nHost: wharf\r\nContent-Length: 1048577\r\n\r\n",
        )
        .expect("head");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("larger than this server accepts (1 MiB)"),
        "{answer}"
    );
    std::thread::sleep(Duration::from_millis(200));
    let log = host.log().join("\n");
    assert!(
        log.contains("POST /probe/body-length 413") && log.contains("POST /probe/body-length 200"),
        "{log}"
    );
}

#[test]
fn a_component_that_ignores_its_body_makes_the_host_keep_none_of_it() {
    let state = tempfile::tempdir().expect("state");
    // A limit high enough that the host itself would let 900 MB through.
    let host = probe(state.path(), &["--max-request-body", "2GiB"]);
    let _ = host.get("/probe/instance-requests");
    std::thread::sleep(Duration::from_millis(300));
    let baseline = host.resident_memory();
    let memory = host.watch_resident_memory();
    let result = upload(
        host.address,
        "POST",
        "/probe/ignore-body",
        &[],
        900 * MIB,
        Framing::Length,
        Sender::Polite,
    );
    let growth = memory.stop().saturating_sub(baseline);
    assert_eq!(result.status, Some(200), "{result:?}");
    assert!(
        result.sent < 100 * MIB,
        "answered long before the body could have been read: {result:?}"
    );
    println!(
        "ignored 900 MB body: {} MiB sent by the client, resident memory grew {} MiB",
        result.sent / MIB,
        growth / MIB
    );
    assert!(growth < 50 * MIB, "grew by {} MiB", growth / MIB);
}

#[test]
fn one_request_cannot_take_more_than_the_instance_memory_limit() {
    let state = tempfile::tempdir().expect("state");
    let host = probe(state.path(), &["--max-instance-memory", "64MiB"]);
    let small = host.get("/probe/allocate/16");
    assert_eq!(small.status, 200, "{}", small.text());
    let large = host.get("/probe/allocate/100");
    assert_eq!(large.status, 500, "{}", large.text());
    std::thread::sleep(Duration::from_millis(200));
    let log = host.log().join("\n");
    assert!(
        log.contains("needed more than 64 MiB of memory, the per-request limit"),
        "{log}"
    );
    // The next request gets a fresh instance and is served.
    assert_eq!(host.get("/probe/allocate/16").status, 200);
}

#[test]
fn a_request_body_that_stops_arriving_is_cut_off_with_408() {
    let state = tempfile::tempdir().expect("state");
    let host = probe(state.path(), &["--header-read-timeout", "2"]);
    let mut stream = TcpStream::connect(host.address).expect("connect");
    stream
        .write_all(
            b"POST /probe/body-length HTTP/1.1\r\nHost: wharf\r\nContent-Length: 100\r\n\r\nonly part",
        )
        .expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = Instant::now();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {}
        Err(error) => panic!("{error}"),
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));
}
