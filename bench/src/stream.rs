//! One large download, read as fast as loopback allows (1 MiB reads, nothing kept), and the
//! serving process's memory while it runs.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// What one download took.
#[derive(Debug, Clone, Copy)]
pub struct Download {
    /// Body bytes received (chunked framing not counted).
    pub bytes: u64,
    /// From sending the request to the end of the response head.
    pub first_byte: Duration,
    /// From the end of the head to the last body byte.
    pub body: Duration,
}

impl Download {
    /// Megabytes (10^6 bytes) per second over the body.
    pub fn megabytes_per_second(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.body.as_secs_f64().max(1e-9)
    }
}

/// GETs `target` (path and query) with `authorization` when given, and checks the answer is a
/// 200 whose body is at least `expected_at_least` bytes (exactly its `Content-Length` when it
/// has one).
pub fn download(
    address: SocketAddr,
    target: &str,
    authorization: Option<&str>,
    expected_at_least: u64,
) -> anyhow::Result<Download> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).context("connect")?;
    stream.set_read_timeout(Some(Duration::from_secs(300)))?;
    let mut head = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(value) = authorization {
        head.push_str(&format!("Authorization: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;

    let mut buffer = vec![0u8; 1 << 20];
    let mut received = Vec::new();
    let header_end = loop {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            bail!("the connection closed before the response head ended");
        }
        received.extend_from_slice(&buffer[..read]);
        if let Some(end) = find(&received, b"\r\n\r\n") {
            break end + 4;
        }
    };
    let first_byte = started.elapsed();
    let head_text = String::from_utf8_lossy(&received[..header_end]).into_owned();
    let status = head_text.split_whitespace().nth(1).unwrap_or_default();
    if status != "200" {
        let body = String::from_utf8_lossy(&received[header_end..]);
        bail!("{target}: status {status}: {}", body.trim());
    }
    let header = |name: &str| {
        head_text.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let content_length: Option<u64> = header("content-length").and_then(|value| value.parse().ok());
    let chunked = header("transfer-encoding").is_some_and(|value| value.contains("chunked"));

    let body_started = Instant::now();
    let mut body = Body::new(chunked);
    body.feed(&received[header_end..])?;
    loop {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        body.feed(&buffer[..read])?;
    }
    let elapsed = body_started.elapsed();
    if chunked && !body.complete() {
        bail!("{target}: the chunked body ended without its last chunk");
    }
    if let Some(length) = content_length {
        if body.bytes != length {
            bail!("{target}: {} body bytes of {length}", body.bytes);
        }
    }
    if body.bytes < expected_at_least {
        bail!(
            "{target}: only {} body bytes, expected at least {expected_at_least}",
            body.bytes
        );
    }
    Ok(Download {
        bytes: body.bytes,
        first_byte,
        body: elapsed,
    })
}

/// Counts body bytes, decoding chunked framing without copying the data.
struct Body {
    chunked: bool,
    bytes: u64,
    /// Chunked: data bytes left in the current chunk.
    in_chunk: u64,
    /// Chunked: the size line (and the CRLF before it) being read.
    line: Vec<u8>,
    ended: bool,
}

impl Body {
    fn new(chunked: bool) -> Self {
        Self {
            chunked,
            bytes: 0,
            in_chunk: 0,
            line: Vec::new(),
            ended: false,
        }
    }

    fn complete(&self) -> bool {
        self.ended
    }

    fn feed(&mut self, mut data: &[u8]) -> anyhow::Result<()> {
        if !self.chunked {
            self.bytes += data.len() as u64;
            return Ok(());
        }
        while !data.is_empty() && !self.ended {
            if self.in_chunk > 0 {
                let take = (self.in_chunk as usize).min(data.len());
                self.bytes += take as u64;
                self.in_chunk -= take as u64;
                data = &data[take..];
                continue;
            }
            // Between chunks: "\r\n" after the previous chunk's data, then "SIZE\r\n".
            let byte = data[0];
            data = &data[1..];
            self.line.push(byte);
            if byte != b'\n' {
                continue;
            }
            let line = String::from_utf8_lossy(&self.line).trim().to_owned();
            self.line.clear();
            if line.is_empty() {
                continue;
            }
            let size = line.split(';').next().unwrap_or_default();
            let size = u64::from_str_radix(size.trim(), 16)
                .with_context(|| format!("bad chunk size line {line:?}"))?;
            if size == 0 {
                self.ended = true;
            }
            self.in_chunk = size;
        }
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
