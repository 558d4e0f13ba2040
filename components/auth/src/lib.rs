//! `wharf:auth/verifier`: the one place that decides who a client is. Every HTTP component
//! imports it (spin.toml composes them), so all routes give the same verdict. The decision
//! itself lives in `crates/credentials`; this component reads the configuration and maps types.

use credentials::AuthConfig;
use spin_sdk::variables;

wit_bindgen::generate!({
    world: "authenticator",
    path: "../../wit",
});

use exports::wharf::auth::verifier::{Denial, Guest, Identity, Method, Presented};

struct Authenticator;

impl Guest for Authenticator {
    fn verify(request: Presented) -> Result<Identity, Denial> {
        let config = load_config().map_err(Denial::Unavailable)?;
        credentials::verify(&config, request.authorization.as_deref())
            .map(|identity| Identity {
                method: match identity.method {
                    credentials::Method::Basic => Method::Basic,
                    credentials::Method::ApiToken => Method::ApiToken,
                },
                subject: identity.subject,
            })
            .map_err(|denial| match denial {
                credentials::Denial::Missing => Denial::Missing,
                credentials::Denial::Malformed(reason) => Denial::Malformed(reason),
                credentials::Denial::Rejected(reason) => Denial::Rejected(reason),
                credentials::Denial::Unavailable(reason) => Denial::Unavailable(reason),
            })
    }
}

export!(Authenticator);

/// Reads the configuration of the component this verifier is composed into
/// (`dependencies_inherit_configuration = true`).
fn load_config() -> Result<AuthConfig, String> {
    let basic_user = variable("basic_user")?;
    let basic_password = variable("basic_password")?;
    let api_tokens = variable("api_tokens")?;
    AuthConfig::from_settings(&basic_user, &basic_password, &api_tokens)
        .map_err(|error| format!("authentication is misconfigured: {error}"))
}

fn variable(name: &str) -> Result<String, String> {
    variables::get(name).map_err(|error| {
        format!("cannot read variable {name} (is it listed in the component's variables?): {error}")
    })
}
