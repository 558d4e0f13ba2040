//! Deadlines for one client connection, with nginx's meaning:
//!
//! - a request head must be complete within the header-read timeout, counted from the
//!   connection's start, or from the first byte of a request that follows another;
//! - between requests, a kept-alive connection may stay silent for the keep-alive timeout;
//! - while a request is served there is no deadline here: the request body has its own stall
//!   timeout (`request_body`), and a client that accepts no response byte for
//!   `SEND_STALL_TIMEOUT` is dropped by `ClockedIo`;
//! - when wharf-host closes a connection, it first reads and discards what the client is still
//!   sending, for a short while ("lingering close"), so a client that is still uploading a body
//!   the server refused reads the answer instead of a connection reset.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

use crate::limits::SEND_STALL_TIMEOUT;

/// How long a closing connection keeps reading what the client still sends (nginx's
/// `lingering_time` is 30 s; a client that is told "413" stops sooner or never will).
const LINGER_TIME: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for (the rest of) a request head since `since`.
    ReadingHead { since: Instant },
    /// Between requests since `since`; no byte of the next one yet.
    Idle { since: Instant },
    /// This many requests are being answered (their responses are not fully sent).
    Serving { requests: usize },
}

/// Which deadline closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    HeaderRead,
    KeepAlive,
}

pub struct ConnectionClock {
    phase: Mutex<Phase>,
    changed: Notify,
    header_read_timeout: Duration,
    keep_alive_timeout: Duration,
}

impl ConnectionClock {
    pub fn new(header_read_timeout: Duration, keep_alive_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            phase: Mutex::new(Phase::ReadingHead {
                since: Instant::now(),
            }),
            changed: Notify::new(),
            header_read_timeout,
            keep_alive_timeout,
        })
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        // Every update is a single assignment: a poisoned lock still holds a valid phase.
        self.phase
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The client sent bytes: if the connection was idle, a new request head has begun.
    fn bytes_arrived(&self) {
        let mut phase = self.phase();
        if let Phase::Idle { .. } = *phase {
            *phase = Phase::ReadingHead {
                since: Instant::now(),
            };
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request head is complete and its answer is being made; the guard marks the end of the
    /// response (drop it when the body is fully sent).
    pub fn request_started(self: &Arc<Self>) -> RequestInFlight {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Serving { requests } => Phase::Serving {
                requests: requests + 1,
            },
            _ => Phase::Serving { requests: 1 },
        };
        drop(phase);
        self.changed.notify_one();
        RequestInFlight {
            clock: self.clone(),
        }
    }

    fn request_finished(&self) {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Serving { requests } if requests > 1 => Phase::Serving {
                requests: requests - 1,
            },
            _ => Phase::Idle {
                since: Instant::now(),
            },
        };
        drop(phase);
        self.changed.notify_one();
    }

    fn deadline(&self) -> Option<(Instant, Expiry)> {
        match *self.phase() {
            Phase::ReadingHead { since } => {
                Some((since + self.header_read_timeout, Expiry::HeaderRead))
            }
            Phase::Idle { since } => Some((since + self.keep_alive_timeout, Expiry::KeepAlive)),
            Phase::Serving { .. } => None,
        }
    }

    /// Resolves when the connection has outlived its current deadline.
    pub async fn expired(&self) -> Expiry {
        loop {
            // Registered before the phase is read, so no change between the two is missed.
            let changed = self.changed.notified();
            match self.deadline() {
                None => changed.await,
                Some((deadline, expiry)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {
                            if self.deadline().is_some_and(|(now_due, _)| now_due <= Instant::now()) {
                                return expiry;
                            }
                        }
                        () = changed => {}
                    }
                }
            }
        }
    }
}

/// Held while a response is being sent; the connection's keep-alive clock starts when it drops.
pub struct RequestInFlight {
    clock: Arc<ConnectionClock>,
}

impl Drop for RequestInFlight {
    fn drop(&mut self) {
        self.clock.request_finished();
    }
}

/// The client's socket, reporting arriving bytes to the clock, bounding stalled writes, and
/// lingering on close.
pub struct ClockedIo<IO> {
    inner: IO,
    clock: Arc<ConnectionClock>,
    write_stall: Option<Pin<Box<Sleep>>>,
    linger: Option<Pin<Box<Sleep>>>,
}

impl<IO> ClockedIo<IO> {
    pub fn new(inner: IO, clock: Arc<ConnectionClock>) -> Self {
        Self {
            inner,
            clock,
            write_stall: None,
            linger: None,
        }
    }

    /// `Pending` while the write makes no progress, until the stall timeout: then an error.
    fn stalled(&mut self, context: &mut Context<'_>) -> Poll<io::Error> {
        let stall = self
            .write_stall
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(SEND_STALL_TIMEOUT)));
        match stall.as_mut().poll(context) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the client accepted no data for {} s",
                    SEND_STALL_TIMEOUT.as_secs()
                ),
            )),
            Poll::Pending => Poll::Pending,
        }
    }

    /// A write or flush of the inner socket, as seen through the stall timeout: progress
    /// resets it, `Pending` runs it.
    fn progress<T>(
        &mut self,
        context: &mut Context<'_>,
        inner: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match inner {
            Poll::Ready(result) => {
                self.write_stall = None;
                Poll::Ready(result)
            }
            Poll::Pending => self.stalled(context).map(Err),
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for ClockedIo<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buffer.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(context, buffer);
        if matches!(result, Poll::Ready(Ok(()))) && buffer.filled().len() > before {
            self.clock.bytes_arrived();
        }
        result
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for ClockedIo<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(context, data);
        self.progress(context, written)
    }

    /// Passed through, so hyper hands the socket a response head and its body in one
    /// `writev` instead of first copying both into one buffer (50 KB per APT index answer).
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(context, buffers);
        self.progress(context, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        let flushed = Pin::new(&mut self.inner).poll_flush(context);
        self.progress(context, flushed)
    }

    /// Sends our end-of-stream, then reads and discards what the client still sends until it
    /// closes too or `LINGER_TIME` has passed: closing a socket with unread data makes the
    /// kernel send a reset, and a client still sending a refused upload would lose the answer.
    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.linger.is_none() {
            match Pin::new(&mut self.inner).poll_shutdown(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Ready(Ok(())) => {
                    self.linger = Some(Box::pin(tokio::time::sleep(LINGER_TIME)));
                }
            }
        }
        let mut discard = [0u8; 16 * 1024];
        loop {
            let mut buffer = ReadBuf::new(&mut discard);
            match Pin::new(&mut self.inner).poll_read(context, &mut buffer) {
                // End of stream or a broken connection: nothing more will come.
                Poll::Ready(Ok(())) if buffer.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => continue,
                Poll::Pending => {
                    let linger = self.linger.as_mut().expect("set above");
                    return match linger.as_mut().poll(context) {
                        Poll::Ready(()) => Poll::Ready(Ok(())),
                        Poll::Pending => Poll::Pending,
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: Duration = Duration::from_millis(300);
    const KEEP_ALIVE: Duration = Duration::from_millis(700);

    /// Within scheduling noise of `expected`.
    fn about(elapsed: Duration, expected: Duration) -> bool {
        elapsed >= expected && elapsed < expected + Duration::from_millis(250)
    }

    #[tokio::test]
    async fn a_head_must_arrive_within_the_header_read_timeout() {
        let clock = ConnectionClock::new(HEADER, KEEP_ALIVE);
        let started = Instant::now();
        assert_eq!(clock.expired().await, Expiry::HeaderRead);
        assert!(about(started.elapsed(), HEADER), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn an_idle_connection_gets_the_keep_alive_timeout_and_a_new_head_the_header_timeout() {
        let clock = ConnectionClock::new(HEADER, KEEP_ALIVE);
        drop(clock.request_started());
        let idle_since = Instant::now();
        assert_eq!(clock.expired().await, Expiry::KeepAlive);
        assert!(
            about(idle_since.elapsed(), KEEP_ALIVE),
            "{:?}",
            idle_since.elapsed()
        );

        drop(clock.request_started());
        tokio::time::sleep(Duration::from_millis(400)).await;
        clock.bytes_arrived();
        let head_since = Instant::now();
        assert_eq!(clock.expired().await, Expiry::HeaderRead);
        assert!(
            about(head_since.elapsed(), HEADER),
            "{:?}",
            head_since.elapsed()
        );
    }

    #[tokio::test]
    async fn no_deadline_runs_while_a_response_is_being_sent() {
        let clock = ConnectionClock::new(HEADER, KEEP_ALIVE);
        let request = clock.request_started();
        let waiter = tokio::spawn({
            let clock = clock.clone();
            async move { clock.expired().await }
        });
        tokio::time::sleep(KEEP_ALIVE * 2).await;
        assert!(!waiter.is_finished(), "a long download is not cut off");
        drop(request);
        let finished_at = Instant::now();
        assert_eq!(waiter.await.expect("task"), Expiry::KeepAlive);
        assert!(
            about(finished_at.elapsed(), KEEP_ALIVE),
            "{:?}",
            finished_at.elapsed()
        );
    }
}
