//! Sending a request over wasi:http with every call bounded in time.
//!
//! spin-sdk's `send` passes no request options, so the host waits its default (600 s in
//! wasmtime-wasi-http and Spin) for a hung server. Here every request carries wasi:http's
//! connect / first-byte / between-bytes timeouts, and the component keeps its own deadline
//! too (a wasi:clocks timer polled beside the response), so a host that ignored the options
//! would still not hold a client for minutes.

use std::time::Duration;

use github::http::{Method as HttpMethod, Request, Response};
use github::GitHubError;
use origin_cache::UpstreamTimeouts;
use spin_sdk::http::IncomingResponse;
use spin_sdk::wit::wasi::http0_2_0::outgoing_handler;
use spin_sdk::wit::wasi::http0_2_0::types::{
    ErrorCode, Fields, Method, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};
use wasi::clocks::monotonic_clock;
use wasi::io::poll::{poll, Pollable};
use wasi::io::streams::StreamError;

use crate::AccessError;

/// A buffered answer (JSON, a metadata file) larger than this is refused rather than held in
/// memory; GitHub's raw contents API itself stops at 100 MB.
const MAX_BUFFERED_BYTES: usize = 64 * 1024 * 1024;
const READ_CHUNK: u64 = 64 * 1024;
/// wasi:io accepts at most 4096 bytes per `blocking-write-and-flush`.
const WRITE_CHUNK: usize = 4096;

/// Sends `request` and waits for the response head; the body is left to the caller to stream
/// (its chunks are bounded by `timeouts.between_bytes`, which the host enforces).
pub fn send(
    request: &Request<Vec<u8>>,
    timeouts: &UpstreamTimeouts,
) -> Result<IncomingResponse, AccessError> {
    let deadline = monotonic_clock::subscribe_duration(nanoseconds(timeouts.head_deadline()));
    send_until(request, timeouts, &deadline)
}

/// Sends `request` and reads the whole answer, all within `timeouts.whole_exchange`.
pub fn send_buffered(
    request: &Request<Vec<u8>>,
    timeouts: &UpstreamTimeouts,
) -> Result<Response<Vec<u8>>, AccessError> {
    let whole = timeouts
        .whole_exchange
        .unwrap_or_else(|| timeouts.head_deadline());
    let deadline = monotonic_clock::subscribe_duration(nanoseconds(whole));
    let response = send_until(request, timeouts, &deadline)?;
    let mut head = Response::builder().status(response.status());
    for (name, value) in response.headers().entries() {
        head = head.header(name, value);
    }
    let body = read_body(&response, &deadline, whole)?;
    head.body(body).map_err(|error| {
        GitHubError::Malformed(format!("GitHub's answer is unusable: {error}")).into()
    })
}

fn send_until(
    request: &Request<Vec<u8>>,
    timeouts: &UpstreamTimeouts,
    deadline: &Pollable,
) -> Result<IncomingResponse, AccessError> {
    let outgoing = outgoing_request(request)?;
    let body = outgoing
        .body()
        .map_err(|()| refused("the request body was already taken"))?;
    let pending = outgoing_handler::handle(outgoing, Some(request_options(timeouts)))
        .map_err(|code| unreachable(&code, timeouts))?;
    write_body(body, request.body())?;
    loop {
        if let Some(result) = pending.get() {
            return match result {
                Ok(Ok(response)) => Ok(response),
                Ok(Err(code)) => Err(unreachable(&code, timeouts)),
                Err(()) => Err(refused("the response was already taken")),
            };
        }
        let ready = pending.subscribe();
        if !wait(&ready, deadline) {
            // Dropping `pending` cancels the request in the host.
            return Err(AccessError::Unreachable(format!(
                "GitHub did not answer within {} s",
                timeouts.head_deadline().as_secs()
            )));
        }
    }
}

fn outgoing_request(request: &Request<Vec<u8>>) -> Result<OutgoingRequest, AccessError> {
    let fields: Vec<(String, Vec<u8>)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let headers = Fields::from_list(&fields)
        .map_err(|error| refused(&format!("a request header was refused: {error:?}")))?;
    let outgoing = OutgoingRequest::new(headers);
    let uri = request.uri();
    let scheme = match uri.scheme_str() {
        Some("https") => Scheme::Https,
        Some("http") => Scheme::Http,
        _ => return Err(refused("only http and https URLs can be requested")),
    };
    let method = match *request.method() {
        HttpMethod::GET => Method::Get,
        HttpMethod::HEAD => Method::Head,
        HttpMethod::POST => Method::Post,
        _ => return Err(refused("only GET, HEAD and POST are sent to GitHub")),
    };
    let path = uri.path_and_query().map(|path| path.as_str());
    let authority = uri.authority().map(|authority| authority.as_str());
    let accepted = outgoing.set_method(&method).is_ok()
        && outgoing.set_scheme(Some(&scheme)).is_ok()
        && outgoing.set_authority(authority).is_ok()
        && outgoing.set_path_with_query(path).is_ok();
    if accepted {
        Ok(outgoing)
    } else {
        Err(refused("the request URL was refused by wasi:http"))
    }
}

fn request_options(timeouts: &UpstreamTimeouts) -> RequestOptions {
    let options = RequestOptions::new();
    // An error means the host does not support that option; the deadline kept here still
    // bounds the call.
    let _ = options.set_connect_timeout(Some(nanoseconds(timeouts.connect)));
    let _ = options.set_first_byte_timeout(Some(nanoseconds(timeouts.first_byte)));
    let _ = options.set_between_bytes_timeout(Some(nanoseconds(timeouts.between_bytes)));
    options
}

fn write_body(body: OutgoingBody, bytes: &[u8]) -> Result<(), AccessError> {
    if !bytes.is_empty() {
        let stream = body
            .write()
            .map_err(|()| refused("the request body has no stream"))?;
        for chunk in bytes.chunks(WRITE_CHUNK) {
            stream.blocking_write_and_flush(chunk).map_err(|error| {
                AccessError::Unreachable(format!("sending the request body failed: {error:?}"))
            })?;
        }
    }
    OutgoingBody::finish(body, None).map_err(|code| {
        AccessError::Unreachable(format!("finishing the request body failed: {code:?}"))
    })
}

fn read_body(
    response: &IncomingResponse,
    deadline: &Pollable,
    whole: Duration,
) -> Result<Vec<u8>, AccessError> {
    let body = response
        .consume()
        .map_err(|()| refused("the response body was already taken"))?;
    let stream = body
        .stream()
        .map_err(|()| refused("the response body has no stream"))?;
    let mut bytes = Vec::new();
    loop {
        match stream.read(READ_CHUNK) {
            Ok(chunk) if chunk.is_empty() => {
                let ready = stream.subscribe();
                if !wait(&ready, deadline) {
                    return Err(AccessError::Unreachable(format!(
                        "GitHub did not finish its answer within {} s",
                        whole.as_secs()
                    )));
                }
            }
            Ok(chunk) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > MAX_BUFFERED_BYTES {
                    return Err(GitHubError::Malformed(format!(
                        "GitHub's answer is larger than {MAX_BUFFERED_BYTES} bytes"
                    ))
                    .into());
                }
            }
            Err(StreamError::Closed) => return Ok(bytes),
            Err(StreamError::LastOperationFailed(error)) => {
                // Spin appends a backtrace to the description; the first line says it.
                let description = error.to_debug_string();
                let first_line = description.lines().next().unwrap_or_default().trim();
                return Err(AccessError::Unreachable(format!(
                    "reading GitHub's answer failed: {first_line}"
                )));
            }
        }
    }
}

/// Blocks until `ready` or `deadline`; `false` when the deadline came first.
fn wait(ready: &Pollable, deadline: &Pollable) -> bool {
    poll(&[ready, deadline]).contains(&0)
}

fn nanoseconds(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

fn refused(why: &str) -> AccessError {
    GitHubError::Refused(format!("cannot send the GitHub request: {why}")).into()
}

/// What the host said instead of a response, in words an operator can act on.
fn unreachable(code: &ErrorCode, timeouts: &UpstreamTimeouts) -> AccessError {
    let why = match code {
        ErrorCode::ConnectionTimeout => format!(
            "connecting to GitHub took longer than {} s",
            timeouts.connect.as_secs()
        ),
        ErrorCode::ConnectionReadTimeout | ErrorCode::HttpResponseTimeout => format!(
            "GitHub did not answer within {} s",
            timeouts.first_byte.as_secs()
        ),
        ErrorCode::ConnectionRefused => "GitHub refused the connection".to_owned(),
        ErrorCode::DnsError(_) | ErrorCode::DnsTimeout => {
            "GitHub's host name cannot be resolved".to_owned()
        }
        // The operator's to fix, not GitHub being down: no stale answers, no outage.
        ErrorCode::HttpRequestDenied => {
            return GitHubError::Configuration(
                "this component may not call that host: add it to allowed_outbound_hosts in spin.toml (github_api_url, github_archive_host, github_asset_host)"
                    .to_owned(),
            )
            .into()
        }
        other => format!("{other:?}"),
    };
    AccessError::Unreachable(why)
}
