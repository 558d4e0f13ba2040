//! Who a client turned out to be.

/// How the client proved who it is.
///
/// Not `#[non_exhaustive]` on purpose: when the GitHub Actions OIDC variant arrives, every
/// `match` in the workspace should fail to compile until it handles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Basic authentication with the operator's configured user and password.
    Basic,
    /// A static Bearer token from `api_tokens`.
    ApiToken,
}

/// A client that passed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// How it authenticated.
    pub method: Method,
    /// Who it is, for logs: the Basic user name, or `api-token`. Never a secret.
    pub subject: String,
}
