use github::http::{Request, Response};
use github::GitHubError;
use spin_sdk::http::IncomingResponse;

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    /// The request never got an answer (connection refused, DNS, a host not allowed).
    #[error("cannot reach GitHub: {0}")]
    Unreachable(String),
}

/// Sends a buffered request and reads the whole (small, JSON) answer.
pub fn send_buffered(request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, AccessError> {
    spin_sdk::http::run(spin_sdk::http::send::<_, Response<Vec<u8>>>(request))
        .map_err(|error| AccessError::Unreachable(error.to_string()))
}

/// Sends a request whose answer is streamed (archives, packages).
pub fn send_streaming(request: Request<Vec<u8>>) -> Result<IncomingResponse, AccessError> {
    spin_sdk::http::run(spin_sdk::http::send::<_, IncomingResponse>(request))
        .map_err(|error| AccessError::Unreachable(error.to_string()))
}
