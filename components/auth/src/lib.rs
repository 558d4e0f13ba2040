//! `wharf:auth/verifier`: the one place that decides who a client is. Every HTTP component
//! imports it (spin.toml composes them), so all routes give the same verdict for the same
//! credentials. The decisions live in `crates/verifier`; this component gives it Spin's
//! variables, key-value store, network, clock and randomness, and maps its answers onto the
//! interface. When it cannot decide, it logs why here and tells the client only what kind of
//! thing failed.

mod bounded_get;
mod spin_environment;

use exports::wharf::auth::verifier::{Denial, Guest, Identity, IssuedToken, Method, Presented};
use spin_environment::SpinEnvironment;

wit_bindgen::generate!({
    world: "authenticator",
    path: "../../wit",
});

struct Authenticator;

impl Guest for Authenticator {
    fn verify(request: Presented) -> Result<Identity, Denial> {
        verifier::verify(
            &SpinEnvironment::default(),
            request.authorization.as_deref(),
            client(&request),
        )
        .map(|identity| Identity {
            method: match identity.method {
                verifier::Method::Basic => Method::Basic,
                verifier::Method::ApiToken => Method::ApiToken,
                verifier::Method::GithubOidc => Method::GithubOidc,
            },
            subject: identity.subject,
        })
        .map_err(denial)
    }

    fn exchange(request: Presented) -> Result<IssuedToken, Denial> {
        verifier::exchange(
            &SpinEnvironment::default(),
            request.authorization.as_deref(),
            client(&request),
        )
        .map(|issued| IssuedToken {
            token: issued.token,
            expires_at: issued.expires_at,
        })
        .map_err(denial)
    }
}

fn client(request: &Presented) -> verifier::Client<'_> {
    verifier::Client {
        peer: request.client_address.as_deref(),
        forwarded_for: request.forwarded_for.as_deref(),
    }
}

fn denial(denial: verifier::Denial) -> Denial {
    match denial {
        verifier::Denial::Missing => Denial::Missing,
        verifier::Denial::Malformed(reason) => Denial::Malformed(reason),
        verifier::Denial::Rejected(reason) => Denial::Rejected(reason),
        verifier::Denial::Throttled { retry_after } => Denial::Throttled(retry_after),
        verifier::Denial::Unavailable(outage) => {
            eprintln!("authentication unavailable: {}", outage.detail());
            Denial::Unavailable(outage.public_message().to_owned())
        }
    }
}

export!(Authenticator);
