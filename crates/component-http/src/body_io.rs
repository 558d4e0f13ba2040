//! Blocking `std::io` adapters over wasi:http bodies, so streaming code (copying a file, repacking
//! an archive) is plain `Read`/`Write` and memory stays bounded: at most one chunk is held.

use std::io::{self, Read, Write};

use spin_sdk::http::{IncomingResponse, OutgoingBody, OutgoingResponse};
use wasi::io::streams::{InputStream, OutputStream, StreamError};

/// wasi:http accepts at most 4096 bytes per `blocking-write-and-flush`.
const WRITE_CHUNK: usize = 4096;

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
}

impl Write for ResponseBodyWriter {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let stream = self
            .stream
            .as_ref()
            .ok_or_else(|| io::Error::other("the body is finished"))?;
        let chunk = &buffer[..buffer.len().min(WRITE_CHUNK)];
        stream.blocking_write_and_flush(chunk).map_err(|error| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                format!("the client went away: {error:?}"),
            )
        })?;
        Ok(chunk.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
