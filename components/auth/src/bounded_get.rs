//! `GET` over wasi:http, bounded in time and size: the issuer's documents are small, and a
//! slow or hung issuer must cost a client seconds, not minutes. spin-sdk's `send` sets no
//! timeouts, so this speaks wasi:http directly.

use wasi::clocks::monotonic_clock;
use wasi::http::outgoing_handler;
use wasi::http::types::{
    Fields, IncomingResponse, Method, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};
use wasi::io::poll::poll;
use wasi::io::streams::StreamError;

use verifier::Fetched;

const SECOND: u64 = 1_000_000_000;
/// To connect, and then for the first byte of the answer.
const CONNECT_TIMEOUT: u64 = 5 * SECOND;
const FIRST_BYTE_TIMEOUT: u64 = 5 * SECOND;
/// For the whole exchange, however the issuer drips its bytes.
const TOTAL_TIMEOUT: u64 = 10 * SECOND;
const READ_CHUNK: u64 = 16 * 1024;

/// `GET url`, answered within ten seconds with at most `max_bytes` of body.
pub fn bounded_get(url: &str, max_bytes: usize) -> Result<Fetched, String> {
    let deadline = monotonic_clock::now() + TOTAL_TIMEOUT;
    let response = send(url, deadline)?;
    let status = response.status();
    let body =
        read_body(&response, max_bytes, deadline).map_err(|error| format!("{url}: {error}"))?;
    Ok(Fetched { status, body })
}

fn send(url: &str, deadline: u64) -> Result<IncomingResponse, String> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else {
        return Err(format!("{url} is not an http(s) URL"));
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let headers = Fields::from_list(&[
        ("accept".to_owned(), b"application/json".to_vec()),
        ("user-agent".to_owned(), b"wharf".to_vec()),
    ])
    .map_err(|error| format!("cannot build a request to {url}: {error:?}"))?;
    let request = OutgoingRequest::new(headers);
    let built = request
        .set_method(&Method::Get)
        .and(request.set_scheme(Some(&scheme)))
        .and(request.set_authority(Some(authority)))
        .and(request.set_path_with_query(Some(if path.is_empty() { "/" } else { path })));
    if built.is_err() {
        return Err(format!("{url} cannot be requested"));
    }
    let options = RequestOptions::new();
    // A host that does not support a timeout still gets the overall deadline below.
    let _ = options.set_connect_timeout(Some(CONNECT_TIMEOUT));
    let _ = options.set_first_byte_timeout(Some(FIRST_BYTE_TIMEOUT));
    let body = request
        .body()
        .map_err(|()| format!("cannot send a request to {url}"))?;
    let pending = outgoing_handler::handle(request, Some(options))
        .map_err(|error| format!("cannot reach {url}: {error:?}"))?;
    OutgoingBody::finish(body, None).map_err(|error| format!("cannot reach {url}: {error:?}"))?;
    let ready = pending.subscribe();
    let timeout = monotonic_clock::subscribe_instant(deadline);
    loop {
        if let Some(answer) = pending.get() {
            return match answer {
                Ok(Ok(response)) => Ok(response),
                Ok(Err(error)) => Err(format!("cannot reach {url}: {error:?}")),
                Err(()) => Err(format!(
                    "cannot reach {url}: the response was already taken"
                )),
            };
        }
        if timeout.ready() {
            return Err(format!(
                "{url} did not answer within {} s",
                TOTAL_TIMEOUT / SECOND
            ));
        }
        poll(&[&ready, &timeout]);
    }
}

fn read_body(
    response: &IncomingResponse,
    max_bytes: usize,
    deadline: u64,
) -> Result<Vec<u8>, String> {
    let incoming = response
        .consume()
        .map_err(|()| "the response body cannot be read".to_owned())?;
    let stream = incoming
        .stream()
        .map_err(|()| "the response body cannot be read".to_owned())?;
    let ready = stream.subscribe();
    let timeout = monotonic_clock::subscribe_instant(deadline);
    let mut body = Vec::new();
    loop {
        match stream.read(READ_CHUNK) {
            Ok(chunk) if chunk.is_empty() => {
                if timeout.ready() {
                    return Err(format!(
                        "the body did not arrive within {} s",
                        TOTAL_TIMEOUT / SECOND
                    ));
                }
                poll(&[&ready, &timeout]);
            }
            Ok(chunk) => {
                body.extend_from_slice(&chunk);
                if body.len() > max_bytes {
                    return Err(format!("the body is larger than {max_bytes} bytes"));
                }
            }
            Err(StreamError::Closed) => return Ok(body),
            Err(StreamError::LastOperationFailed(error)) => {
                return Err(format!("the body broke off: {}", error.to_debug_string()))
            }
        }
    }
}
