//! The HTTP front: accepts connections up to the connection limit, gives each its deadlines
//! (`connection_clock`), and hands every request to `request_handler`.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::application::Application;
use crate::connection_clock::{ClockedIo, ConnectionClock, Expiry, RequestInFlight};
use crate::request_handler::{handle, Peer};

/// How long a client may take to complete the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// At most one "connection limit reached" line in this long, however often it is hit.
const LIMIT_LOG_INTERVAL: Duration = Duration::from_secs(10);
/// Connections the kernel completes and queues for us before it drops new SYNs (clients then
/// retry after a second or more). std and tokio ask for 128, which a burst of clients on a
/// busy machine overflows; the kernel caps this at `net.core.somaxconn` (4096 by default).
const LISTEN_BACKLOG: u32 = 1024;

/// The listening socket, with a backlog that absorbs bursts and clients waiting at the
/// connection limit.
pub fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As std's `TcpListener::bind` does: a restarted wharf-host can bind at once.
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves until `shutdown` resolves, then lets requests in flight finish. With `tls`, every
/// connection is HTTPS.
pub async fn serve(
    application: Arc<Application>,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let local_address = listener.local_addr()?;
    let scheme = if tls.is_some() {
        Scheme::Https
    } else {
        Scheme::Http
    };
    let max_connections = application.limits.max_connections;
    let connection_slots = Arc::new(Semaphore::new(max_connections));
    let mut limit_logged: Option<Instant> = None;
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the limit, accepting stops: new clients wait in the kernel's listen queue (and
        // retry their SYN when it is full) until a connection closes, instead of being
        // accepted and dropped.
        let slot = match connection_slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                if limit_logged.is_none_or(|at| at.elapsed() >= LIMIT_LOG_INTERVAL) {
                    eprintln!(
                        "connection limit reached: {max_connections} connections are open; new ones wait until one closes (--max-connections)"
                    );
                    limit_logged = Some(Instant::now());
                }
                tokio::select! {
                    slot = connection_slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    // E.g. out of file descriptors: pause instead of spinning on the error.
                    eprintln!("cannot accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let peer = Peer {
            client,
            local_address,
            scheme: scheme.clone(),
        };
        let clock = ConnectionClock::new(
            application.limits.header_read_timeout,
            application.limits.keep_alive_timeout,
        );
        match &tls {
            None => serve_connection(
                application.clone(),
                graceful.watcher(),
                ClockedIo::new(stream, clock.clone()),
                clock,
                peer,
                slot,
            ),
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let application = application.clone();
                // Taken now, so a shutdown during the handshake still waits for this connection.
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let handshake = acceptor.accept(ClockedIo::new(stream, clock.clone()));
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, handshake).await {
                        Ok(Ok(stream)) => {
                            serve_connection(application, watcher, stream, clock, peer, slot)
                        }
                        // Scanners and clients that distrust the certificate end here; one
                        // line each, without noise.
                        Ok(Err(error)) => eprintln!("TLS handshake with {client} failed: {error}"),
                        Err(_) => eprintln!("TLS handshake with {client} timed out"),
                    }
                });
            }
        }
    }
    eprintln!("stopping: waiting up to 10 s for requests in flight");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(10)) => {
            eprintln!("requests still in flight after 10 s; stopping anyway");
        }
    }
    Ok(())
}

fn serve_connection<IO>(
    application: Arc<Application>,
    watcher: Watcher,
    stream: IO,
    clock: Arc<ConnectionClock>,
    peer: Peer,
    slot: OwnedSemaphorePermit,
) where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let client = peer.client;
    let header_read_timeout = application.limits.header_read_timeout;
    let service_clock = clock.clone();
    let service = hyper::service::service_fn(move |request| {
        let application = application.clone();
        let peer = peer.clone();
        // From here until the response body is sent, the connection has no idle deadline.
        let in_flight = service_clock.request_started();
        async move {
            let response = handle(&application, request, &peer).await;
            Ok::<_, std::convert::Infallible>(response.map(|body| ResponseBody {
                inner: body,
                _in_flight: in_flight,
            }))
        }
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    let connection = watcher.watch(connection);
    tokio::spawn(async move {
        // The connection's place under the limit is given back when this task ends.
        let _slot = slot;
        tokio::select! {
            result = connection => {
                if let Err(error) = result {
                    // Clients that hang up mid-response are routine; log them without noise.
                    eprintln!("connection from {client} ended: {error}");
                }
            }
            expiry = clock.expired() => {
                // Dropping the connection closes the socket.
                if expiry == Expiry::HeaderRead {
                    eprintln!(
                        "connection from {client} closed: no complete request head within {} s",
                        header_read_timeout.as_secs()
                    );
                }
            }
        }
    });
}

/// A response body that marks the end of its request on the connection's clock when it has
/// been sent (or dropped).
struct ResponseBody {
    inner: HyperOutgoingBody,
    _in_flight: RequestInFlight,
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(context)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
