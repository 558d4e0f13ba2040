use spin_sdk::http::Response;

/// A response whose body is one line a user can act on (apt retries only when there is a body).
pub fn plain_text(status: u16, line: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(format!("{line}\n"))
        .build()
}

/// An endpoint that exists in the route table but whose behaviour has not landed yet: a clear
/// 501, never a fake success.
pub fn not_implemented(what: &str) -> Response {
    plain_text(501, &format!("{what} is not implemented yet in this wharf build"))
}
