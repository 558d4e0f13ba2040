//! The request body as a component reads it: pulled from the client only when the component
//! reads (a component that ignores its body makes wharf-host buffer nothing), cut off past the
//! size limit, and ended when the client stops sending for the stall timeout.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::time::Sleep;

/// Why a body ended early, if it did: the host then answers 413 or 408 itself when the
/// component fails because of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyCutOff {
    TooLarge,
    Stalled,
}

/// Readable after the body has been handed to the component.
#[derive(Clone, Default)]
pub struct BodyOutcome(Arc<AtomicU8>);

impl BodyOutcome {
    fn set(&self, cut_off: BodyCutOff) {
        let code = match cut_off {
            BodyCutOff::TooLarge => 1,
            BodyCutOff::Stalled => 2,
        };
        self.0.store(code, Ordering::Relaxed);
    }

    pub fn cut_off(&self) -> Option<BodyCutOff> {
        match self.0.load(Ordering::Relaxed) {
            1 => Some(BodyCutOff::TooLarge),
            2 => Some(BodyCutOff::Stalled),
            _ => None,
        }
    }
}

pub struct BoundedBody {
    inner: Incoming,
    limit: u64,
    received: u64,
    stall_timeout: Duration,
    stall: Option<Pin<Box<Sleep>>>,
    outcome: BodyOutcome,
}

impl BoundedBody {
    pub fn new(inner: Incoming, limit: u64, stall_timeout: Duration) -> (Self, BodyOutcome) {
        let outcome = BodyOutcome::default();
        let body = Self {
            inner,
            limit,
            received: 0,
            stall_timeout,
            stall: None,
            outcome: outcome.clone(),
        };
        (body, outcome)
    }
}

/// Whether a declared `Content-Length` is already over `limit`: answered 413 before any
/// component runs or any body byte is read.
pub fn declared_length_exceeds(headers: &http::HeaderMap, limit: u64) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .filter(|length| *length > limit)
}

impl Body for BoundedBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.outcome.cut_off().is_some() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_frame(context) {
            Poll::Ready(Some(Ok(frame))) => {
                self.stall = None;
                if let Some(data) = frame.data_ref() {
                    self.received = self.received.saturating_add(data.len() as u64);
                    if self.received > self.limit {
                        self.outcome.set(BodyCutOff::TooLarge);
                        return Poll::Ready(Some(Err(
                            wasmtime_wasi_http::Error::HttpRequestBodySize(Some(self.limit)),
                        )));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let timeout = self.stall_timeout;
                let stall = self
                    .stall
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                match stall.as_mut().poll(context) {
                    Poll::Ready(()) => {
                        self.outcome.set(BodyCutOff::Stalled);
                        Poll::Ready(Some(Err(wasmtime_wasi_http::Error::ConnectionReadTimeout)))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.outcome.cut_off().is_some() || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_declared_length_over_the_limit_is_refused_up_front() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(declared_length_exceeds(&headers, 10), None);
        headers.insert(http::header::CONTENT_LENGTH, "10".parse().unwrap());
        assert_eq!(declared_length_exceeds(&headers, 10), None);
        headers.insert(http::header::CONTENT_LENGTH, "524288000".parse().unwrap());
        assert_eq!(declared_length_exceeds(&headers, 10), Some(524_288_000));
    }
}
