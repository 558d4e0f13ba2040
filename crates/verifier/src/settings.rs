//! The operator's settings, read only for the kind of credentials a request presents: a Basic
//! request reads two variables, a static Bearer token one, and OIDC three. Each kind fails
//! closed on its own settings (a misconfigured `api_tokens` refuses Bearer, not apt's Basic).

use std::cell::OnceCell;

use credentials::AuthConfig;
use oidc::OidcPolicy;

use crate::environment::Environment;
use crate::outcome::{Denial, Outage};
use crate::trusted_proxies::TrustedProxies;
use crate::verify::Client;

pub(crate) struct Settings<'e, E: Environment> {
    environment: &'e E,
    basic: OnceCell<Result<AuthConfig, Outage>>,
    api_tokens: OnceCell<Result<AuthConfig, Outage>>,
    oidc: OnceCell<Result<Option<OidcPolicy>, Outage>>,
}

const NOTHING_CONFIGURED: &str = "no credentials are configured: set basic_user and basic_password, api_tokens, or oidc_audience and oidc_allowed_repositories";

impl<'e, E: Environment> Settings<'e, E> {
    pub(crate) fn new(environment: &'e E) -> Self {
        Self {
            environment,
            basic: OnceCell::new(),
            api_tokens: OnceCell::new(),
            oidc: OnceCell::new(),
        }
    }

    fn variable(&self, name: &str) -> Result<String, Outage> {
        self.environment.variable(name).map_err(|error| {
            Outage::configuration(format!(
                "cannot read variable {name} (is it listed in the component's variables?): {error}"
            ))
        })
    }

    /// `basic_user` and `basic_password` (Basic disabled when both are empty).
    pub(crate) fn basic(&self) -> Result<&AuthConfig, Denial> {
        let loaded = self.basic.get_or_init(|| {
            let user = self.variable("basic_user")?;
            let password = self.variable("basic_password")?;
            AuthConfig::from_settings(&user, &password, "").map_err(|error| {
                Outage::configuration(format!("authentication is misconfigured: {error}"))
            })
        });
        loaded.as_ref().map_err(|outage| outage.clone().into())
    }

    /// `api_tokens` (Bearer disabled when empty).
    pub(crate) fn api_tokens(&self) -> Result<&AuthConfig, Denial> {
        let loaded = self.api_tokens.get_or_init(|| {
            let tokens = self.variable("api_tokens")?;
            AuthConfig::from_settings("", "", &tokens).map_err(|error| {
                Outage::configuration(format!("authentication is misconfigured: {error}"))
            })
        });
        loaded.as_ref().map_err(|outage| outage.clone().into())
    }

    /// The OIDC policy; `None` when OIDC is off.
    pub(crate) fn oidc(&self) -> Result<Option<&OidcPolicy>, Denial> {
        let loaded = self.oidc.get_or_init(|| {
            let issuer = self.variable("oidc_issuer")?;
            let audience = self.variable("oidc_audience")?;
            let repositories = self.variable("oidc_allowed_repositories")?;
            OidcPolicy::from_settings(&issuer, &audience, &repositories).map_err(|error| {
                Outage::configuration(format!("GitHub Actions OIDC is misconfigured: {error}"))
            })
        });
        loaded
            .as_ref()
            .map(Option::as_ref)
            .map_err(|outage| outage.clone().into())
    }

    /// The address the request's failures are counted under: its peer, or, from a proxy named
    /// in `trusted_proxies`, the client the proxy forwards for. `trusted_proxies` is read only
    /// when the request carries `X-Forwarded-For`.
    pub(crate) fn client_address(&self, client: Client<'_>) -> Result<Option<String>, Denial> {
        if client.forwarded_for.is_none() {
            return Ok(client.peer.map(str::to_owned));
        }
        let proxies = TrustedProxies::parse(&self.variable("trusted_proxies")?)
            .map_err(|error| Outage::configuration(error.to_string()))?;
        Ok(proxies.client_address(client.peer, client.forwarded_for))
    }

    /// `Err` (503) when no kind of credentials is configured at all: clients must hear "not
    /// configured", not "wrong credentials, try again".
    pub(crate) fn require_something_configured(&self) -> Result<(), Denial> {
        if self.basic()?.accepts_anything()
            || self.api_tokens()?.accepts_anything()
            || self.oidc()?.is_some()
        {
            Ok(())
        } else {
            Err(Outage::configuration(NOTHING_CONFIGURED).into())
        }
    }
}
