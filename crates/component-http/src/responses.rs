use spin_sdk::http::Response;

/// A response whose body is one line a user can act on (apt retries only when there is a body).
pub fn plain_text(status: u16, line: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(format!("{line}\n"))
        .build()
}
