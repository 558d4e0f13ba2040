//! Bodies and memory are bounded in wharf-host: a `Content-Length` over `--max-request-body`
//! gets 413 before any component runs, a chunked body that grows past it is cut off, a
//! component that does not read its body makes the host read (and keep) none of it, and one
//! request's instance cannot take more than `--max-instance-memory`.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use end_to_end::paths::repository_root;
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;

const USER: &str = "fleet";
const PASSWORD: &str = "large-bodies-password-0123456789";
const TOKEN: &str = "large-bodies-token-0123456789";
const SIGNING_KEY: &str = "large-bodies-url-signing-key-0123";
const UPLOAD: u64 = 500 * 1024 * 1024;
const MIB: u64 = 1024 * 1024;

fn probe_manifest() -> std::path::PathBuf {
    repository_root().join("tests/host-probe/spin.toml")
}

#[derive(Clone, Copy, Debug)]
enum Framing {
    ContentLength,
    Chunked,
}

/// What happened to one upload: the status the server answered (if any) and how many body
/// bytes the client managed to hand to its socket.
#[derive(Debug)]
struct Upload {
    status: Option<u16>,
    sent: u64,
}

/// Whether the client stops sending when the answer arrives (curl, apt and browsers do) or
/// keeps sending until the server closes the connection (a hostile client).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Client {
    Polite,
    Hostile,
}

/// POSTs `size` bytes of generated data (never held in memory) while reading the answer on
/// another thread.
fn upload(
    address: SocketAddr,
    path: &str,
    authorization: Option<&str>,
    framing: Framing,
    size: u64,
    client: Client,
) -> Upload {
    let mut stream = TcpStream::connect(address).expect("connect");
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: wharf\r\n");
    if let Some(authorization) = authorization {
        head.push_str(&format!("Authorization: {authorization}\r\n"));
    }
    match framing {
        Framing::ContentLength => head.push_str(&format!("Content-Length: {size}\r\n\r\n")),
        Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n\r\n"),
    }
    stream.write_all(head.as_bytes()).expect("head");

    let reader = stream.try_clone().expect("clone");
    let answered = Arc::new(AtomicBool::new(false));
    let answered_flag = answered.clone();
    let status = std::thread::spawn(move || {
        reader
            .set_read_timeout(Some(Duration::from_secs(120)))
            .expect("timeout");
        let mut line = String::new();
        let status = BufReader::new(reader)
            .read_line(&mut line)
            .ok()
            .and_then(|_| line.split_whitespace().nth(1)?.parse::<u16>().ok());
        answered_flag.store(true, Ordering::SeqCst);
        status
    });

    let block = vec![0x5au8; 64 * 1024];
    let mut sent = 0u64;
    while sent < size {
        let length = (size - sent).min(block.len() as u64) as usize;
        let written = match framing {
            Framing::ContentLength => stream.write_all(&block[..length]),
            Framing::Chunked => stream
                .write_all(format!("{length:x}\r\n").as_bytes())
                .and_then(|()| stream.write_all(&block[..length]))
                .and_then(|()| stream.write_all(b"\r\n")),
        };
        if written.is_err() {
            break;
        }
        sent += length as u64;
        if client == Client::Polite && answered.load(Ordering::SeqCst) {
            break;
        }
    }
    if sent == size {
        if let Framing::Chunked = framing {
            let _ = stream.write_all(b"0\r\n\r\n");
        }
    }
    let status = status.join().expect("reader");
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Upload { status, sent }
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

#[test]
fn twenty_concurrent_500_mb_uploads_leave_memory_flat_and_each_gets_a_4xx() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("api_tokens", TOKEN),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    // Warm: every component has run once, so its memory is already counted in the baseline.
    for path in [
        "/health",
        "/dists/stable/Release",
        "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb",
        "/v1/modules/wharf/hello/null/versions",
        "/auth/token",
        "/archive/files/wharf/hello/null/1.0.0.tar.gz",
    ] {
        let _ = wharf.get(path);
    }
    std::thread::sleep(Duration::from_millis(500));
    let baseline = wharf.resident_memory();

    let bearer = format!("Bearer {TOKEN}");
    let basic = basic();
    let routes = [
        "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb",
        "/dists/stable/InRelease",
        "/v1/modules/wharf/hello/null/versions",
        "/auth/token",
        "/archive/files/wharf/hello/null/1.0.0.tar.gz",
        "/health",
        "/nowhere",
    ];
    let memory = wharf.watch_resident_memory();

    let started = Instant::now();
    let uploads: Vec<_> = (0..20)
        .map(|index| {
            let address = wharf.address;
            let path = routes[index % routes.len()].to_owned();
            let authorization = match index % 3 {
                0 => None,
                1 => Some(basic.clone()),
                _ => Some(bearer.clone()),
            };
            let framing = if index % 2 == 0 {
                Framing::ContentLength
            } else {
                Framing::Chunked
            };
            // Half of them ignore the answer and keep sending until wharf-host hangs up.
            let client = if index % 4 < 2 {
                Client::Polite
            } else {
                Client::Hostile
            };
            std::thread::spawn(move || {
                let result = upload(
                    address,
                    &path,
                    authorization.as_deref(),
                    framing,
                    UPLOAD,
                    client,
                );
                (path, framing, client, authorization.is_some(), result)
            })
        })
        .collect();

    // Normal requests keep being served meanwhile (the hostile senders keep wharf-host reading
    // and discarding for a few seconds).
    let mut health = Vec::new();
    while uploads.iter().any(|upload| !upload.is_finished()) {
        let asked = Instant::now();
        let response = wharf.get("/health");
        health.push((response.status, asked.elapsed()));
        std::thread::sleep(Duration::from_millis(100));
    }
    let results: Vec<_> = uploads
        .into_iter()
        .map(|upload| upload.join().expect("upload thread"))
        .collect();
    let elapsed = started.elapsed();
    let growth = memory.stop().saturating_sub(baseline);
    let slowest_health = health
        .iter()
        .map(|(_, took)| *took)
        .max()
        .unwrap_or_default();
    println!(
        "20 x 500 MB uploads: resident memory {} MiB before, peak growth {} MiB; done in {elapsed:?}; /health answered {} times, slowest {slowest_health:?}",
        baseline / MIB,
        growth / MIB,
        health.len()
    );
    for (path, framing, client, authenticated, result) in &results {
        println!(
            "  {path} {framing:?} {client:?} credentials={authenticated}: {:?} after {} MiB sent",
            result.status,
            result.sent / MIB
        );
    }
    for (path, framing, client, authenticated, result) in &results {
        let status = result.status.unwrap_or(0);
        assert!(
            (400..500).contains(&status),
            "{path} {framing:?} {client:?} credentials={authenticated}: {result:?}"
        );
        // A hostile client may get all of it sent: wharf-host reads and discards for up to 5 s
        // after answering, so polite clients read the answer rather than a reset.
        if *client == Client::Polite {
            assert!(result.sent < UPLOAD, "stopped at the answer: {result:?}");
        }
    }
    // Each body-accepting request was refused for its size; the ones with a Content-Length
    // before any component ran.
    for (path, framing, _, _, result) in &results {
        if let Framing::ContentLength = framing {
            assert_eq!(result.status, Some(413), "{path}: {result:?}");
        }
    }
    assert!(
        health.iter().all(|(status, _)| *status == 200),
        "{health:?}"
    );
    assert!(!health.is_empty());
    assert!(
        growth < 100 * MIB,
        "resident memory grew by {} MiB",
        growth / MIB
    );
    std::thread::sleep(Duration::from_millis(200));
    let log = wharf.log().join("\n");
    assert!(!log.contains("trapped"), "{log}");
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
        "/probe/body-length",
        None,
        Framing::Chunked,
        MIB,
        Client::Polite,
    );
    assert_eq!(within.status, Some(200), "{within:?}");

    let past = upload(
        host.address,
        "/probe/body-length",
        None,
        Framing::Chunked,
        64 * MIB,
        Client::Polite,
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
        "/probe/ignore-body",
        None,
        Framing::ContentLength,
        900 * MIB,
        Client::Polite,
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
