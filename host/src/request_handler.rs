//! One request: checks the host's limits, finds the route, runs a fresh instance of the
//! component with Spin's `spin-*` headers, and logs one line.

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONNECTION, HOST, RETRY_AFTER};
use http::{Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use wasmtime::component::ResourceTable;
use wasmtime::Store;
use wasmtime_wasi::{FsPerms, WasiCtx};
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpView};

use crate::application::{Application, LoadedComponent, MAX_CONCURRENT_INSTANCES};
use crate::limits::describe_size;
use crate::memory_limit::InstanceMemoryLimit;
use crate::outbound_requests::OutboundPolicy;
use crate::request_body::{declared_length_exceeds, BodyCutOff, BoundedBody};
use crate::request_state::RequestState;
use crate::routes::RouteMatch;

/// How long a request waits for a free instance slot when every slot is busy before it is
/// told to come back (503 with `Retry-After`).
const INSTANCE_SLOT_WAIT: Duration = Duration::from_secs(10);

/// Who is on the other end of a connection, and how it reached us.
#[derive(Clone)]
pub struct Peer {
    pub client: SocketAddr,
    pub local_address: SocketAddr,
    pub scheme: Scheme,
}

pub async fn handle(
    application: &Application,
    request: Request<Incoming>,
    peer: &Peer,
) -> Response<HyperOutgoingBody> {
    let started = Instant::now();
    let method = request.method().clone();
    // The path only: a query string may carry a URL signature.
    let path = request.uri().path().to_owned();
    let authorization = authorization_scheme(&request);
    let (response, component) = answer(application, request, peer, &path).await;
    let line = format!(
        "{method} {path} {} {:.1}ms {component} auth={authorization}\n",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    // One write for the whole line: stderr is unbuffered, so `eprintln!` made a system call
    // per formatted piece (14 per request), and lines of concurrent requests could interleave.
    let _ = std::io::stderr().write_all(line.as_bytes());
    response
}

/// The response, and which component gave it (`-` for the host itself).
async fn answer(
    application: &Application,
    request: Request<Incoming>,
    peer: &Peer,
    path: &str,
) -> (Response<HyperOutgoingBody>, String) {
    let host = "-".to_owned();
    let limit = application.limits.max_request_body;
    if let Some(length) = declared_length_exceeds(request.headers(), limit) {
        // Refused before any component runs or any body byte is read.
        let what = format!("a request body of {length} bytes");
        return (body_cut_off(BodyCutOff::TooLarge, application, &what), host);
    }
    let Some(matched) = application.routes.find(path) else {
        let response = plain_text(StatusCode::NOT_FOUND, &format!("no route matches {path}"));
        return (response, host);
    };
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

/// What the host answers for a body it refused or cut off, whatever the component made of the
/// truncated body. The connection is closed after it: the rest of the body is not read.
fn body_cut_off(
    cut_off: BodyCutOff,
    application: &Application,
    what: &str,
) -> Response<HyperOutgoingBody> {
    let limits = &application.limits;
    let mut response = match cut_off {
        BodyCutOff::TooLarge => plain_text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "{what} is larger than this server accepts ({})",
                describe_size(limits.max_request_body)
            ),
        ),
        BodyCutOff::Stalled => plain_text(
            StatusCode::REQUEST_TIMEOUT,
            &format!(
                "the request body stopped arriving for {} s",
                limits.header_read_timeout.as_secs()
            ),
        ),
    };
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// How an instance ended, for the log and the host's answer.
struct InstanceEnd {
    result: wasmtime::Result<()>,
    memory_exceeded: bool,
}

impl InstanceEnd {
    fn into_error(self, memory_limit: u64) -> Option<anyhow::Error> {
        let error = anyhow::Error::from(self.result.err()?);
        Some(if self.memory_exceeded {
            error.context(format!(
                "it needed more than {} of memory, the per-request limit (--max-instance-memory)",
                describe_size(memory_limit)
            ))
        } else {
            error.context("the component trapped")
        })
    }
}

async fn run_component(
    application: &Application,
    component: &LoadedComponent,
    matched: &RouteMatch<'_>,
    mut request: Request<Incoming>,
    peer: &Peer,
) -> anyhow::Result<Response<HyperOutgoingBody>> {
    let limits = &application.limits;
    // Held until the instance is gone, including while it streams a response body.
    let Ok(slot) = tokio::time::timeout(
        INSTANCE_SLOT_WAIT,
        application.instance_slots.clone().acquire_owned(),
    )
    .await
    else {
        return Ok(busy());
    };
    let slot = slot.context("instance slots closed")?;
    add_spin_headers(&mut request, matched, peer)?;
    let (parts, body) = request.into_parts();
    let (body, body_outcome) =
        BoundedBody::new(body, limits.max_request_body, limits.header_read_timeout);
    let request = Request::from_parts(parts, body);

    let mut store = request_store(application, component)?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let incoming = store
        .data_mut()
        .http()
        .new_incoming_request(peer.scheme.clone(), request)?;
    let outparam = store.data_mut().http().new_response_outparam(sender)?;
    let pre = component.pre.clone();

    // The instance keeps running after it has set the response head, to stream the body.
    let task = tokio::spawn(async move {
        let _slot = slot;
        let result = async {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, incoming, outparam)
                .await
        }
        .await;
        InstanceEnd {
            result,
            memory_exceeded: store.data().memory.exceeded(),
        }
    });

    let memory_limit = limits.max_instance_memory;
    let id = component.config.id.clone();
    match receiver.await {
        Ok(Ok(response)) => {
            // The head is out; a trap while streaming the body still belongs in the log.
            tokio::spawn(async move {
                match task.await {
                    Ok(end) => {
                        if let Some(error) = end.into_error(memory_limit) {
                            eprintln!("component {id} failed while streaming: {error:#}");
                        }
                    }
                    Err(error) => {
                        eprintln!("component {id}'s task failed while streaming: {error}")
                    }
                }
            });
            // The component answered after its body was cut off: whatever it says (a 400 for
            // an unreadable body, a 500), the cause is the host's limit, and the host says so.
            if let Some(cut_off) = body_outcome.cut_off() {
                return Ok(body_cut_off(cut_off, application, "the request body"));
            }
            Ok(response)
        }
        Ok(Err(error_code)) => match body_outcome.cut_off() {
            Some(cut_off) => Ok(body_cut_off(cut_off, application, "the request body")),
            None => Err(anyhow!(
                "the component answered with an error: {error_code:?}"
            )),
        },
        Err(_) => {
            let end = task
                .await
                .map_err(|error| anyhow!(error).context("the component's task failed"))?;
            if let Some(cut_off) = body_outcome.cut_off() {
                if let Some(error) = end.into_error(memory_limit) {
                    eprintln!("component {id} failed: {error:#}");
                }
                return Ok(body_cut_off(cut_off, application, "the request body"));
            }
            Err(end
                .into_error(memory_limit)
                .unwrap_or_else(|| anyhow!("the component returned without setting a response")))
        }
    }
}

/// A fresh store for one request: WASI with the component's environment and mounts, its Spin
/// configuration, and the memory limit.
fn request_store(
    application: &Application,
    component: &LoadedComponent,
) -> anyhow::Result<Store<RequestState>> {
    let mut wasi = WasiCtx::builder();
    wasi.inherit_stdout().inherit_stderr();
    // Reads of the mounted registry run on the request's own thread rather than a trip through
    // tokio's blocking pool each: an APT metadata request makes about ten filesystem calls, and
    // the thread hand-offs (futex wake-ups, context switches) cost more than the reads, which
    // are page-cache reads of at most 64 KiB each.
    wasi.allow_blocking_current_thread(true);
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
        memory: InstanceMemoryLimit::new(application.limits.max_instance_memory),
    };
    let mut store = Store::new(component.pre.engine(), state);
    store.limiter(|state| &mut state.memory);
    Ok(store)
}

/// Every instance slot is taken (the pooling allocator's limit): come back in a moment.
fn busy() -> Response<HyperOutgoingBody> {
    let mut response = plain_text(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!(
            "the server is answering its maximum of {MAX_CONCURRENT_INSTANCES} requests at once; retry shortly"
        ),
    );
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Spin's request headers, so components see what they would see under `spin up`. Any `spin-*`
/// header the client sent is dropped first: a client must not choose its own `spin-client-addr`.
fn add_spin_headers<B>(
    request: &mut Request<B>,
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
fn authorization_scheme<B>(request: &Request<B>) -> &'static str {
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

pub fn plain_text(status: StatusCode, line: &str) -> Response<HyperOutgoingBody> {
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
