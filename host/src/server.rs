//! The HTTP front: accepts connections, finds the route, runs a fresh instance of the component
//! for each request with Spin's `spin-*` headers, and logs one line per request.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, HOST};
use http::{Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use wasmtime::component::ResourceTable;
use wasmtime::Store;
use wasmtime_wasi::{FsPerms, WasiCtx};
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpView};

use crate::application::{Application, LoadedComponent};
use crate::outbound_requests::OutboundPolicy;
use crate::request_state::RequestState;
use crate::routes::RouteMatch;

/// How long a client may take to complete the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

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
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    eprintln!("cannot accept a connection: {error}");
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
        match &tls {
            None => serve_connection(application.clone(), graceful.watcher(), stream, peer),
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let application = application.clone();
                // Taken now, so a shutdown during the handshake still waits for this connection.
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    {
                        Ok(Ok(stream)) => serve_connection(application, watcher, stream, peer),
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

/// Who is on the other end of a connection, and how it reached us.
#[derive(Clone)]
struct Peer {
    client: SocketAddr,
    local_address: SocketAddr,
    scheme: Scheme,
}

fn serve_connection<IO>(application: Arc<Application>, watcher: Watcher, stream: IO, peer: Peer)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let client = peer.client;
    let service = hyper::service::service_fn(move |request| {
        let application = application.clone();
        let peer = peer.clone();
        async move { Ok::<_, std::convert::Infallible>(handle(&application, request, &peer).await) }
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    let connection = watcher.watch(connection);
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            // Clients that hang up mid-response are routine; log them without noise.
            eprintln!("connection from {client} ended: {error}");
        }
    });
}

async fn handle(
    application: &Application,
    request: Request<Incoming>,
    peer: &Peer,
) -> Response<HyperOutgoingBody> {
    let started = Instant::now();
    let method = request.method().clone();
    // The path only: a query string may carry a URL signature.
    let path = request.uri().path().to_owned();
    let authorization = authorization_scheme(&request);
    let (response, component) = match application.routes.find(&path) {
        None => (
            plain_text(StatusCode::NOT_FOUND, &format!("no route matches {path}")),
            "-".to_owned(),
        ),
        Some(matched) => {
            let id = matched.route.component.clone();
            let component = &application.components[&id];
            let response = run_component(application, component, &matched, request, peer)
                .await
                .unwrap_or_else(|error| {
                    eprintln!("component {id} failed: {error:#}");
                    plain_text(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &format!("component {id} failed; see the server log"),
                    )
                });
            (response, id)
        }
    };
    eprintln!(
        "{method} {path} {} {:.1}ms {component} auth={authorization}",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

async fn run_component(
    application: &Application,
    component: &LoadedComponent,
    matched: &RouteMatch<'_>,
    mut request: Request<Incoming>,
    peer: &Peer,
) -> anyhow::Result<Response<HyperOutgoingBody>> {
    add_spin_headers(&mut request, matched, peer)?;

    let mut wasi = WasiCtx::builder();
    wasi.inherit_stdout().inherit_stderr();
    for (key, value) in &component.environment {
        wasi.env(key, value);
    }
    for (directory, destination) in &component.mounts {
        wasi.preopened_dir(directory, destination, FsPerms::ReadOnly)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot mount {}", directory.display()))?;
    }
    let state = RequestState {
        table: ResourceTable::new(),
        wasi: wasi.build(),
        http: WasiHttpCtx::new(),
        outbound: OutboundPolicy {
            component: component.config.id.as_str().into(),
            allowed: component.config.allowed_outbound_hosts.clone(),
        },
        component: component.config.clone(),
        key_value: application.key_value.clone(),
    };
    let mut store = Store::new(component.pre.engine(), state);
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let incoming = store
        .data_mut()
        .http()
        .new_incoming_request(peer.scheme.clone(), request)?;
    let outparam = store.data_mut().http().new_response_outparam(sender)?;
    let pre = component.pre.clone();

    // The instance keeps running after it has set the response head, to stream the body.
    let task = tokio::spawn(async move {
        let proxy = pre.instantiate_async(&mut store).await?;
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, incoming, outparam)
            .await
    });

    match receiver.await {
        Ok(Ok(response)) => {
            // The head is out; a trap while streaming the body still belongs in the log.
            let id = component.config.id.clone();
            tokio::spawn(async move {
                match task.await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => {
                        eprintln!("component {id} trapped while streaming: {error:#}")
                    }
                    Err(error) => {
                        eprintln!("component {id}'s task failed while streaming: {error}")
                    }
                }
            });
            Ok(response)
        }
        Ok(Err(error_code)) => Err(anyhow!(
            "the component answered with an error: {error_code:?}"
        )),
        Err(_) => match task.await {
            Ok(Ok(())) => Err(anyhow!("the component returned without setting a response")),
            Ok(Err(error)) => Err(anyhow::Error::from(error).context("the component trapped")),
            Err(error) => Err(anyhow!(error).context("the component's task failed")),
        },
    }
}

/// Spin's request headers, so components see what they would see under `spin up`. Any `spin-*`
/// header the client sent is dropped first: a client must not choose its own `spin-client-addr`.
fn add_spin_headers(
    request: &mut Request<Incoming>,
    matched: &RouteMatch<'_>,
    peer: &Peer,
) -> anyhow::Result<()> {
    let scheme = match peer.scheme {
        Scheme::Https => "https",
        _ => "http",
    };
    let authority = request
        .headers()
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .and_then(|host| host.parse::<http::uri::Authority>().ok())
        .unwrap_or_else(|| {
            peer.local_address
                .to_string()
                .parse()
                .expect("a socket address is a valid authority")
        });
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let full_url = format!("{scheme}://{authority}{path_and_query}");
    *request.uri_mut() = Uri::builder()
        .scheme(scheme)
        .authority(authority)
        .path_and_query(path_and_query)
        .build()
        .context("cannot form the request URL")?;

    let headers = request.headers_mut();
    let client_sent: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("spin-"))
        .cloned()
        .collect();
    for name in client_sent {
        headers.remove(name);
    }
    let route = &matched.route;
    for (name, value) in [
        ("spin-full-url", full_url.as_str()),
        ("spin-path-info", matched.path_info.as_str()),
        ("spin-matched-route", route.raw.as_str()),
        ("spin-raw-component-route", route.raw.as_str()),
        ("spin-component-route", route.pattern.base()),
        ("spin-base-path", "/"),
        ("spin-client-addr", &peer.client.to_string()),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).context("a spin-* header value is not valid")?,
        );
    }
    Ok(())
}

/// Which kind of credentials the request carried, never their value: operators can see that
/// Terraform sends its token to the registry and none to archive URLs.
fn authorization_scheme(request: &Request<Incoming>) -> &'static str {
    let Some(value) = request.headers().get(http::header::AUTHORIZATION) else {
        return "none";
    };
    let scheme = value
        .as_bytes()
        .split(|byte| *byte == b' ')
        .next()
        .unwrap_or_default();
    if scheme.eq_ignore_ascii_case(b"basic") {
        "basic"
    } else if scheme.eq_ignore_ascii_case(b"bearer") {
        "bearer"
    } else {
        "other"
    }
}

fn plain_text(status: StatusCode, line: &str) -> Response<HyperOutgoingBody> {
    let body = Full::new(Bytes::from(format!("{line}\n")))
        .map_err(|never: std::convert::Infallible| -> wasmtime_wasi_http::Error { match never {} })
        .boxed_unsync();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
