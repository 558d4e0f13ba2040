//! Why a request was not let in.

/// Why [`crate::verify`] refused a request. Each variant maps onto one HTTP status in the
/// components; the messages are safe to send to the client and to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    /// No `Authorization` header (401).
    #[error("authentication required: send 'Authorization: Basic <base64 of user:password>' or 'Authorization: Bearer <token>'")]
    Missing,
    /// The header cannot be parsed (400).
    #[error("{0}")]
    Malformed(String),
    /// The header was understood but the credentials are wrong or not accepted (401).
    #[error("{0}")]
    Rejected(String),
    /// The server cannot decide because it is not configured to accept anything (503).
    #[error("{0}")]
    Unavailable(String),
}
