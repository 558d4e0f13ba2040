//! Blocking `std::io` adapters over wasi:http bodies, so streaming code (copying a file, repacking
//! an archive) is plain `Read`/`Write` and memory stays bounded: at most one chunk is held.

use std::io::{self, Read, Write};

use spin_sdk::http::{IncomingResponse, OutgoingBody, OutgoingResponse};
use wasi::io::streams::{InputStream, OutputStream, StreamError};

/// What [`ResponseBodyWriter::copy_from`] moves per read. Large, because each read and each write
/// is a call into the host and each write a frame for the HTTP server: a 500 MB package in 8 KiB
/// pieces (`std::io::copy`) was 120,000 host calls and ran at a quarter of the speed. The host
/// hands out at most 64 KiB per file read, so a read may return less.
const COPY_CHUNK: usize = 256 * 1024;

/// Reads an upstream response body.
pub struct ResponseBodyReader {
    // Field order is drop order: the stream is a child of the body, the body of the response.
    stream: InputStream,
    _body: spin_sdk::wit::wasi::http0_2_0::types::IncomingBody,
    _response: IncomingResponse,
}

impl ResponseBodyReader {
    pub fn new(response: IncomingResponse) -> io::Result<Self> {
        let body = response
            .consume()
            .map_err(|()| io::Error::other("the upstream response body was already taken"))?;
        let stream = body
            .stream()
            .map_err(|()| io::Error::other("the upstream response body has no stream"))?;
        Ok(Self {
            stream,
            _body: body,
            _response: response,
        })
    }
}

impl Read for ResponseBodyReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self.stream.blocking_read(buffer.len() as u64) {
            Ok(bytes) => {
                buffer[..bytes.len()].copy_from_slice(&bytes);
                Ok(bytes.len())
            }
            Err(StreamError::Closed) => Ok(0),
            Err(StreamError::LastOperationFailed(error)) => Err(io::Error::other(format!(
                "reading from upstream failed: {}",
                error.to_debug_string()
            ))),
        }
    }
}

/// Writes a response body; the client sees a complete body only after [`finish`].
///
/// Dropped without `finish` (an error mid-stream), the body ends abnormally, so a client never
/// takes a truncated archive or package for a whole one.
///
/// [`finish`]: ResponseBodyWriter::finish
pub struct ResponseBodyWriter {
    stream: Option<OutputStream>,
    body: Option<OutgoingBody>,
}

impl ResponseBodyWriter {
    pub fn new(response: &OutgoingResponse) -> io::Result<Self> {
        let body = response
            .body()
            .map_err(|()| io::Error::other("the response body was already taken"))?;
        let stream = body
            .write()
            .map_err(|()| io::Error::other("the response body has no stream"))?;
        Ok(Self {
            stream: Some(stream),
            body: Some(body),
        })
    }

    pub fn finish(mut self) -> io::Result<()> {
        drop(self.stream.take());
        if let Some(body) = self.body.take() {
            OutgoingBody::finish(body, None).map_err(|error| {
                io::Error::other(format!("finishing the body failed: {error:?}"))
            })?;
        }
        Ok(())
    }

    /// Copies all of `reader` into the body, [`COPY_CHUNK`] bytes at a time at most; returns
    /// how many bytes were copied.
    pub fn copy_from(&mut self, reader: &mut impl Read) -> io::Result<u64> {
        let mut buffer = vec![0; COPY_CHUNK];
        let mut copied = 0;
        loop {
            let read = match reader.read(&mut buffer) {
                Ok(0) => return Ok(copied),
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            self.write_all(&buffer[..read])?;
            copied += read as u64;
        }
    }

    fn stream(&self) -> io::Result<&OutputStream> {
        self.stream
            .as_ref()
            .ok_or_else(|| io::Error::other("the body is finished"))
    }
}

fn client_went_away(error: StreamError) -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        format!("the client went away: {error:?}"),
    )
}

impl Write for ResponseBodyWriter {
    /// Writes as much as the host takes now (`check-write`, up to 1 MiB under wasmtime and
    /// Spin), waiting only while it takes nothing: the client is slower than we are, and
    /// memory stays bounded by the host's buffer. No flush per write: the host forwards each
    /// write to the connection as it comes.
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let stream = self.stream()?;
        let permitted = loop {
            match stream.check_write().map_err(client_went_away)? {
                0 => stream.subscribe().block(),
                permitted => break permitted,
            }
        };
        let length = buffer
            .len()
            .min(usize::try_from(permitted).unwrap_or(usize::MAX));
        stream.write(&buffer[..length]).map_err(client_went_away)?;
        Ok(length)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream()?.blocking_flush().map_err(client_went_away)
    }
}
