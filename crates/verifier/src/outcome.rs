//! What the verifier answers.

use std::fmt;

/// How the client proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `basic_user` / `basic_password`.
    Basic,
    /// One of `api_tokens`.
    ApiToken,
    /// A GitHub Actions OIDC token, or a `wharf_…` token exchanged for one.
    GithubOidc,
}

/// A client that passed verification. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// How it authenticated.
    pub method: Method,
    /// The Basic user, `api-token`, or the workflow's repository (`owner/name`).
    pub subject: String,
}

/// Why a request is not let in; each maps onto one HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// No credentials (401).
    Missing,
    /// The `Authorization` header cannot be parsed (400); the reason says what is wrong.
    Malformed(String),
    /// Credentials understood but not valid (401); the reason holds no secret.
    Rejected(String),
    /// Too many failures from this address (429).
    Throttled {
        /// Seconds until the client may try again (`Retry-After`), 1 to the failure window.
        retry_after: u32,
    },
    /// The verifier cannot decide (503).
    Unavailable(Outage),
}

/// Something the server lacks to decide: what kind of thing (safe to tell any client) and the
/// details (for the operator's log only: URLs, DNS errors, variable names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    kind: OutageKind,
    detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutageKind {
    Configuration,
    Store,
    IssuerKeys,
    Randomness,
}

impl Outage {
    /// The operator's settings cannot be used.
    pub fn configuration(detail: impl Into<String>) -> Self {
        Self::new(OutageKind::Configuration, detail)
    }

    /// The key-value store failed.
    pub fn store(detail: impl Into<String>) -> Self {
        Self::new(OutageKind::Store, detail)
    }

    /// The OIDC issuer's keys cannot be had.
    pub fn issuer_keys(detail: impl Into<String>) -> Self {
        Self::new(OutageKind::IssuerKeys, detail)
    }

    /// No secure randomness.
    pub fn randomness(detail: impl Into<String>) -> Self {
        Self::new(OutageKind::Randomness, detail)
    }

    fn new(kind: OutageKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// What failed, for the response body of a client that may not even be authenticated:
    /// the kind of thing, never where or how.
    pub fn public_message(&self) -> &'static str {
        match self.kind {
            OutageKind::Configuration => {
                "authentication is misconfigured on this server; its operator finds the reason in the server log"
            }
            OutageKind::Store => "the server's key-value store is unavailable",
            OutageKind::IssuerKeys => "the OIDC issuer's keys are unavailable",
            OutageKind::Randomness => "the server has no secure randomness to issue a token with",
        }
    }

    /// The details, for the operator's log.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Outage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.public_message(), self.detail)
    }
}

impl From<Outage> for Denial {
    fn from(outage: Outage) -> Self {
        Denial::Unavailable(outage)
    }
}

impl From<credentials::Denial> for Denial {
    fn from(denial: credentials::Denial) -> Self {
        match denial {
            credentials::Denial::Missing => Denial::Missing,
            credentials::Denial::Malformed(reason) => Denial::Malformed(reason),
            credentials::Denial::Rejected(reason) => Denial::Rejected(reason),
            credentials::Denial::Unavailable(reason) => Outage::configuration(reason).into(),
        }
    }
}

impl From<credentials::Identity> for Identity {
    fn from(identity: credentials::Identity) -> Self {
        Identity {
            method: match identity.method {
                credentials::Method::Basic => Method::Basic,
                credentials::Method::ApiToken => Method::ApiToken,
            },
            subject: identity.subject,
        }
    }
}

impl From<&oidc::GithubActionsIdentity> for Identity {
    fn from(github: &oidc::GithubActionsIdentity) -> Self {
        Identity {
            method: Method::GithubOidc,
            subject: github.repository.clone(),
        }
    }
}
