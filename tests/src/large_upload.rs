//! A client that uploads a large generated body (never stored: a repeating pattern is written
//! as fast as the server takes it) and reads the answer while it is still sending, the way a
//! careless or hostile client would.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How the body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length: N`, announced up front.
    Length,
    /// `Transfer-Encoding: chunked`: the server learns the size only by reading.
    Chunked,
}

/// What the client does once the answer arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// Stops sending, as curl, apt and browsers do.
    Polite,
    /// Keeps sending until the server closes the connection.
    Hostile,
}

/// What came back for one upload.
#[derive(Debug)]
pub struct UploadOutcome {
    /// The status the server answered with; `None` if the connection ended without one.
    pub status: Option<u16>,
    /// The answer's body (a one-line reason for wharf's errors).
    pub reason: String,
    /// Body bytes the client managed to send before the answer arrived or the server hung up.
    pub sent: u64,
}

const CHUNK: usize = 64 * 1024;

/// Sends `method path` with a `size`-byte body and returns the answer; a polite sender stops
/// as soon as the answer is in, a hostile one only when the server hangs up.
pub fn upload(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    size: u64,
    framing: Framing,
    sender: Sender,
) -> UploadOutcome {
    let stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match framing {
        Framing::Length => head.push_str(&format!("Content-Length: {size}\r\n")),
        Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    head.push_str("\r\n");
    let answered = Arc::new(AtomicBool::new(false));
    let mut writer = stream.try_clone().expect("clone stream");
    let stop = answered.clone();
    let sending = std::thread::spawn(move || {
        if writer.write_all(head.as_bytes()).is_err() {
            return 0;
        }
        let pattern: Vec<u8> = (0..CHUNK).map(|index| (index % 251) as u8).collect();
        let mut sent = 0u64;
        while sent < size && !stop.load(Ordering::Relaxed) {
            let length = (size - sent).min(CHUNK as u64) as usize;
            let written = match framing {
                Framing::Length => writer.write_all(&pattern[..length]),
                Framing::Chunked => writer
                    .write_all(format!("{length:x}\r\n").as_bytes())
                    .and_then(|()| writer.write_all(&pattern[..length]))
                    .and_then(|()| writer.write_all(b"\r\n")),
            };
            if written.is_err() {
                break;
            }
            sent += length as u64;
        }
        if sent == size && framing == Framing::Chunked {
            let _ = writer.write_all(b"0\r\n\r\n");
        }
        sent
    });
    let (status, reason) = read_answer(&stream);
    if sender == Sender::Polite {
        answered.store(true, Ordering::Relaxed);
        // Unblocks a sender stuck in write() against a server that stopped reading.
        let _ = stream.shutdown(Shutdown::Both);
    }
    let sent = sending.join().expect("sender thread");
    UploadOutcome {
        status,
        reason,
        sent,
    }
}

/// Status and body of the answer, read until the server closes the connection (the upload
/// says `Connection: close`) or breaks it; a broken connection after the answer keeps it.
fn read_answer(mut stream: &TcpStream) -> (Option<u16>, String) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(count) = stream.read(&mut buffer) {
        if count == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..count]);
    }
    let text = String::from_utf8_lossy(&received);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return (None, text.into_owned());
    };
    let status = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok());
    let chunked = head
        .lines()
        .any(|line| line.eq_ignore_ascii_case("transfer-encoding: chunked"));
    let body = if chunked {
        dechunked(body)
    } else {
        body.to_owned()
    };
    (status, body.trim().to_owned())
}

fn dechunked(mut body: &str) -> String {
    let mut joined = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        joined.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    joined
}
