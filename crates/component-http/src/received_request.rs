//! An incoming request as every wharf endpoint receives it: the head, the path decoded once
//! (`RequestPath`), and the body refused unread or read up to a small bound.
//!
//! spin-sdk's buffered `Request` reads the whole body into memory before the component's code
//! runs, so any client could make wharf hold 500 MB per request. Components therefore take
//! spin-sdk's streaming `IncomingRequest` and come here first; nothing else reads a body.

use spin_sdk::http::{IncomingRequest, Method, Request, Response};
use wasi::io::streams::StreamError;

use crate::request_body::DeclaredBody;
use crate::request_path::RequestPath;
use crate::responses::plain_text;

/// What endpoints that only read take.
pub const GET_OR_HEAD: &[Method] = &[Method::Get, Method::Head];

/// Answers a request to an endpoint that takes no body and only `methods`: the refusals (413,
/// 400 for the path, 405) come from here, every other answer from `route`.
pub fn respond_without_body(
    incoming: IncomingRequest,
    methods: &[Method],
    route: impl FnOnce(&ReceivedRequest) -> Response,
) -> Response {
    ReceivedRequest::without_body(incoming)
        .and_then(|request| {
            request.require_method(methods)?;
            Ok(route(&request))
        })
        .unwrap_or_else(|refused| refused)
}

/// Reads of a small body go in chunks of at most this size.
const READ_CHUNK: u64 = 16 * 1024;

/// The request head with its decoded path. Its body is gone: refused, or read and handed out.
pub struct ReceivedRequest {
    /// Method, URI as sent, headers; no body. Use [`ReceivedRequest::path`] for the path:
    /// `Request::path` is the raw, undecoded one (clippy.toml forbids it).
    request: Request,
    path: RequestPath,
}

impl ReceivedRequest {
    /// For endpoints that take no body: a request that carries one gets 413 before it is read
    /// (at most one byte of it, when the length was not declared), whatever its method and
    /// credentials.
    pub fn without_body(incoming: IncomingRequest) -> Result<Self, Response> {
        let head = Head::read(&incoming);
        if !head.declared_body()?.is_empty() || has_undeclared_body(&incoming) {
            return Err(plain_text(413, "this endpoint takes no request body"));
        }
        // Dropping `incoming` leaves any body unread; the server discards it.
        head.into_received()
    }

    /// For endpoints that accept a small body: more than `limit` bytes is a 413, refused
    /// unread when the length is declared, and after reading at most `limit + 1` bytes when
    /// it is not (chunked). A client that never finishes its body is the server's to time out.
    pub fn with_body_at_most(
        incoming: IncomingRequest,
        limit: usize,
    ) -> Result<(Self, Vec<u8>), Response> {
        let too_large = || {
            plain_text(
                413,
                &format!("this endpoint takes a request body of at most {limit} bytes"),
            )
        };
        let head = Head::read(&incoming);
        if let DeclaredBody::Length(length) = head.declared_body()? {
            if length > limit as u64 {
                return Err(too_large());
            }
        }
        let received = head.into_received()?;
        // Without a declared length the body may still be chunked (see `has_undeclared_body`);
        // reading an absent body ends at once.
        let body = read_at_most(incoming, limit)?.ok_or_else(too_large)?;
        Ok((received, body))
    }

    /// The head's method, URI and headers (no body), for the auth gate and header lookups.
    pub fn request(&self) -> &Request {
        &self.request
    }

    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The path, decoded once.
    pub fn path(&self) -> &RequestPath {
        &self.path
    }

    /// The query string as sent (without `?`), undecoded: its parameters are read by name.
    pub fn query(&self) -> &str {
        self.request.query()
    }

    /// 405 with `Allow` unless the method is one of `allowed`.
    pub fn require_method(&self, allowed: &[Method]) -> Result<(), Response> {
        if allowed.contains(self.method()) {
            return Ok(());
        }
        let names: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        let names = names.join(", ");
        let mut response = plain_text(405, &format!("use {names}"));
        response.set_header("allow", names);
        Err(response)
    }
}

/// The request line and headers, read from the host once: method, target and all headers are
/// three calls, where asking for each header and for the full URI took about ten.
struct Head {
    method: Method,
    /// Path and query as sent. The scheme and authority are left out: nothing reads them, and
    /// routing already happened on the path.
    target: String,
    headers: Vec<(String, Vec<u8>)>,
}

impl Head {
    fn read(incoming: &IncomingRequest) -> Self {
        Head {
            method: incoming.method(),
            #[allow(clippy::disallowed_methods)] // The one place the raw path is read.
            target: incoming.path_with_query().unwrap_or_default(),
            headers: incoming.headers().entries(),
        }
    }

    fn declared_body(&self) -> Result<DeclaredBody, Response> {
        let values = |name: &str| -> Vec<Vec<u8>> {
            self.headers
                .iter()
                .filter(|(header, _)| header.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
                .collect()
        };
        DeclaredBody::from_headers(&values("content-length"), &values("transfer-encoding"))
            .map_err(|error| plain_text(400, &error.to_string()))
    }

    fn into_received(self) -> Result<ReceivedRequest, Response> {
        let raw_path = self
            .target
            .split_once('?')
            .map_or(self.target.as_str(), |(path, _)| path);
        let path =
            RequestPath::decode(raw_path).map_err(|error| plain_text(400, &error.to_string()))?;
        let request = Request::builder()
            .method(self.method)
            .uri(self.target)
            .headers(self.headers)
            .build();
        Ok(ReceivedRequest { request, path })
    }
}

/// Whether a request without `Content-Length` still has a body. wasi:http hides
/// `Transfer-Encoding` (a hop-by-hop header) from components, so a chunked body is seen only
/// through its stream: one non-blocking read ends the stream at once when there is no body,
/// and otherwise returns data or nothing yet (a body is coming). It never waits for the client.
fn has_undeclared_body(incoming: &IncomingRequest) -> bool {
    let Ok(body) = incoming.consume() else {
        return true;
    };
    let Ok(stream) = body.stream() else {
        return true;
    };
    let ended = matches!(stream.read(1), Err(StreamError::Closed));
    drop(stream);
    !ended
}

/// The whole body if it is at most `limit` bytes, `None` if it is longer (then at most
/// `limit + 1` bytes were read).
fn read_at_most(incoming: IncomingRequest, limit: usize) -> Result<Option<Vec<u8>>, Response> {
    let unreadable = || plain_text(400, "the request body could not be read");
    let body = incoming.consume().map_err(|()| unreadable())?;
    let stream = body.stream().map_err(|()| unreadable())?;
    let mut received = Vec::new();
    loop {
        let wanted = (limit + 1 - received.len()) as u64;
        match stream.blocking_read(wanted.min(READ_CHUNK)) {
            Ok(chunk) => {
                received.extend_from_slice(&chunk);
                if received.len() > limit {
                    return Ok(None);
                }
            }
            Err(StreamError::Closed) => return Ok(Some(received)),
            Err(StreamError::LastOperationFailed(_)) => return Err(unreadable()),
        }
    }
}
