//! A deliberately small HTTP/1.1 client over a raw socket, so tests can send exactly the bytes
//! they mean (malformed or non-UTF-8 headers, spoofed `spin-*` headers) and see exactly what
//! came back — from a chosen loopback source address when a test plays several clients.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

use socket2::{Domain, Socket, Type};

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request (`Connection: close`) with the given extra header lines (raw bytes).
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &[u8])],
    body: &[u8],
) -> HttpResponse {
    let stream = TcpStream::connect(address).expect("connect to wharf-host");
    exchange(stream, address, method, path, headers, body)
}

/// Like [`request`], from the loopback address `source` (any 127.x.y.z: Linux routes the
/// whole 127/8 block to the loopback interface), so the server sees a different client.
pub fn request_from(
    source: IpAddr,
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &[u8])],
    body: &[u8],
) -> HttpResponse {
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None).expect("socket");
    socket
        .bind(&SocketAddr::new(source, 0).into())
        .unwrap_or_else(|error| panic!("bind to {source}: {error}"));
    socket
        .connect(&address.into())
        .expect("connect to wharf-host");
    exchange(socket.into(), address, method, path, headers, body)
}

fn exchange(
    mut stream: TcpStream,
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &[u8])],
    body: &[u8],
) -> HttpResponse {
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("set timeout");
    let mut message =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n")
            .into_bytes();
    for (name, value) in headers {
        message.extend_from_slice(name.as_bytes());
        message.extend_from_slice(b": ");
        message.extend_from_slice(value);
        message.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() || method == "PUT" || method == "POST" {
        message.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    message.extend_from_slice(b"\r\n");
    message.extend_from_slice(body);
    stream.write_all(&message).expect("send request");
    read_response(stream, method == "HEAD")
}

fn read_response(stream: TcpStream, head_only: bool) -> HttpResponse {
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("malformed status line {status_line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').expect("header has a colon");
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut response = HttpResponse {
        status,
        headers,
        body: Vec::new(),
    };
    if head_only {
        return response;
    }
    if response.header("transfer-encoding") == Some("chunked") {
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line).expect("chunk size");
            let size = usize::from_str_radix(size_line.trim(), 16).expect("hex chunk size");
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).expect("chunk");
            if size == 0 {
                break;
            }
            response.body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader
            .read_to_end(&mut response.body)
            .expect("response body");
    }
    response
}
