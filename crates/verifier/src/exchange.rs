//! `POST /auth/token`: a GitHub Actions OIDC token in, a `wharf_…` token that outlives it out.

use credentials::{denial_for_unparsable_header, parse_authorization};
use oidc::{ExchangeError, ExchangedToken};

use crate::environment::Environment;
use crate::exchanged_tokens;
use crate::failed_logins::Principal;
use crate::outcome::{Denial, Outage};
use crate::presented::Presented;
use crate::settings::Settings;
use crate::verify::{Attempt, Client};

/// How long an exchanged token lives: long enough for a slow `apt-get` or `terraform` run.
pub const EXCHANGED_TOKEN_LIFETIME_SECS: u64 = 3600;

const ONLY_OIDC: &str = "only a GitHub Actions OIDC token can be exchanged for a wharf token";

/// A token issued in exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// `wharf_…`, for the client only: never logged.
    pub token: String,
    /// Unix seconds.
    pub expires_at: u64,
}

/// Verifies the request's OIDC token and issues a wharf token for the same workflow.
pub fn exchange<'c, E: Environment>(
    environment: &E,
    authorization: Option<&[u8]>,
    client: impl Into<Client<'c>>,
) -> Result<Issued, Denial> {
    let settings = Settings::new(environment);
    let raw = authorization.ok_or(Denial::Missing)?;
    let credentials = parse_authorization(raw)
        .map_err(|error| Denial::from(denial_for_unparsable_header(error)))?;
    let client_address = settings.client_address(client.into())?;
    let attempt = Attempt {
        environment,
        settings: &settings,
        client_address: client_address.as_deref(),
        now: environment.now(),
    };
    let rejected = Denial::Rejected(ONLY_OIDC.to_owned());
    // Anything JWT-shaped is tried as an OIDC token here, whatever `api_tokens` holds.
    let (token, principal) = match Presented::classify(credentials, || Ok(true))? {
        Presented::OidcToken { token, principal } => (token, principal),
        Presented::ExchangedToken { principal, .. } => {
            return attempt.refuse(&attempt.failures(principal), rejected)
        }
        Presented::ApiToken(_) => {
            return attempt.refuse(&attempt.failures(Principal::Bearer), rejected)
        }
        Presented::Basic { .. } => {
            return attempt.refuse(&attempt.failures(Principal::UnknownUser), rejected)
        }
    };
    let identity = attempt.oidc_token(token.expose(), principal)?;
    let policy = settings
        .oidc()?
        .ok_or_else(|| Outage::configuration("OIDC was turned off during the request"))?;
    let random = environment.random_bytes().map_err(Outage::randomness)?;
    let (issued, record) = ExchangedToken::issue(
        random,
        &identity,
        policy,
        attempt.now,
        EXCHANGED_TOKEN_LIFETIME_SECS,
    )
    .map_err(|error| match error {
        ExchangeError::BadRandomness => Outage::randomness(error.to_string()).into(),
        other => Denial::Rejected(format!("cannot issue a wharf token: {other}")),
    })?;
    exchanged_tokens::keep(environment, &issued, &record, attempt.now)?;
    Ok(Issued {
        expires_at: record.expires_at(),
        token: issued.into_string(),
    })
}
