//! The verdict for one request.

use credentials::{denial_for_unparsable_header, parse_authorization, Secret};
use oidc::{GithubActionsIdentity, OidcError, OidcPolicy};

use crate::environment::Environment;
use crate::exchanged_tokens;
use crate::failed_logins::{FailedLogins, Principal};
use crate::issuer_keys::{IssuerKeys, Refresh};
use crate::outcome::{Denial, Identity};
use crate::presented::Presented;
use crate::settings::Settings;

const OIDC_NOT_ENABLED: &str = "GitHub Actions OIDC is not enabled on this server (oidc_audience and oidc_allowed_repositories are not set)";
const UNKNOWN_SIGNING_KEY: &str =
    "GitHub Actions OIDC token refused: it names a signing key the issuer does not publish";

/// Where a request came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Client<'a> {
    /// The address the connection came from (Spin's `spin-client-addr`, `ip:port`).
    pub peer: Option<&'a str>,
    /// Every `X-Forwarded-For` value, joined with commas; believed only from a proxy named in
    /// `trusted_proxies`.
    pub forwarded_for: Option<&'a str>,
}

impl<'a> From<Option<&'a str>> for Client<'a> {
    /// A client that reached wharf directly, from `peer`.
    fn from(peer: Option<&'a str>) -> Self {
        Client {
            peer,
            forwarded_for: None,
        }
    }
}

/// Decides who the client is from its raw `Authorization` header and where it came from,
/// counting and throttling failures per client address.
pub fn verify<'c, E: Environment>(
    environment: &E,
    authorization: Option<&[u8]>,
    client: impl Into<Client<'c>>,
) -> Result<Identity, Denial> {
    let settings = Settings::new(environment);
    let Some(raw) = authorization else {
        settings.require_something_configured()?;
        return Err(Denial::Missing);
    };
    let credentials = parse_authorization(raw)
        .map_err(|error| Denial::from(denial_for_unparsable_header(error)))?;
    let client_address = settings.client_address(client.into())?;
    let attempt = Attempt {
        environment,
        settings: &settings,
        client_address: client_address.as_deref(),
        now: environment.now(),
    };
    match Presented::classify(credentials, || Ok(settings.oidc()?.is_some()))? {
        Presented::Basic { user, password } => attempt.basic(&user, &password),
        Presented::ApiToken(token) => attempt.api_token(&token),
        Presented::OidcToken { token, principal } => attempt
            .oidc_token(token.expose(), principal)
            .map(|github| Identity::from(&github)),
        Presented::ExchangedToken { token, principal } => attempt
            .exchanged_token(token.expose(), principal)
            .map(|github| Identity::from(&github)),
    }
}

/// One request's credentials being judged.
pub(crate) struct Attempt<'a, E: Environment> {
    pub(crate) environment: &'a E,
    pub(crate) settings: &'a Settings<'a, E>,
    pub(crate) client_address: Option<&'a str>,
    pub(crate) now: u64,
}

impl<'a, E: Environment> Attempt<'a, E> {
    pub(crate) fn failures(&self, principal: Principal) -> FailedLogins<'a, E> {
        FailedLogins::new(self.environment, self.client_address, principal)
    }

    /// Answers a failure: 429 while throttled (nothing more is counted), otherwise counted.
    pub(crate) fn refuse<T>(
        &self,
        failures: &FailedLogins<'a, E>,
        denial: Denial,
    ) -> Result<T, Denial> {
        failures.refuse_if_throttled(self.now)?;
        Err(failures.record(denial, self.now))
    }

    /// A password anyone may guess at: throttled before it is checked.
    fn basic(&self, user: &str, password: &Secret) -> Result<Identity, Denial> {
        let config = self.settings.basic()?;
        if !config.accepts_anything() {
            self.settings.require_something_configured()?;
        }
        let principal = if config.is_basic_user(user) {
            Principal::BasicUser
        } else {
            Principal::UnknownUser
        };
        let failures = self.failures(principal);
        failures.refuse_if_throttled(self.now)?;
        credentials::verify_basic(config, user, password)
            .map(Identity::from)
            .map_err(|denial| failures.record(denial.into(), self.now))
    }

    /// A static token: guessable too, so throttled before it is checked.
    fn api_token(&self, token: &Secret) -> Result<Identity, Denial> {
        let config = self.settings.api_tokens()?;
        if !config.accepts_anything() {
            self.settings.require_something_configured()?;
        }
        let failures = self.failures(Principal::Bearer);
        failures.refuse_if_throttled(self.now)?;
        credentials::verify_bearer(config, token)
            .map(Identity::from)
            .map_err(|denial| failures.record(denial.into(), self.now))
    }

    fn oidc_policy(&self, failures: &FailedLogins<'a, E>) -> Result<&'a OidcPolicy, Denial> {
        match self.settings.oidc()? {
            Some(policy) => Ok(policy),
            None => self.refuse(failures, Denial::Rejected(OIDC_NOT_ENABLED.to_owned())),
        }
    }

    /// A signed token nobody can guess: checked first, so a valid one passes even from an
    /// address others made fail (NAT, shared CI runners); the throttle applies to failures.
    pub(crate) fn oidc_token(
        &self,
        token: &str,
        principal: Principal,
    ) -> Result<GithubActionsIdentity, Denial> {
        let failures = self.failures(principal);
        let policy = self.oidc_policy(&failures)?;
        let mut keys = IssuerKeys::load(self.environment, policy)?;
        let verified = keys
            .current(self.now)
            .map(|keys| oidc::verify_oidc_token(token, policy, &keys, self.now));
        let denial = match verified {
            Ok(Ok(identity)) => return Ok(identity),
            Ok(Err(OidcError::UnknownKeyId(_))) => {
                // The issuer may have rotated its keys. Throttled clients do not get to ask.
                failures.refuse_if_throttled(self.now)?;
                let denial = match keys.refresh(self.now) {
                    Refresh::Refreshed(fresh) => {
                        match oidc::verify_oidc_token(token, policy, &fresh, self.now) {
                            Ok(identity) => return Ok(identity),
                            Err(error) => refused(error),
                        }
                    }
                    Refresh::NotNow(None) => Denial::Rejected(UNKNOWN_SIGNING_KEY.to_owned()),
                    Refresh::NotNow(Some(outage)) | Refresh::Failed(outage) => outage.into(),
                };
                return Err(failures.record(denial, self.now));
            }
            Ok(Err(error)) => refused(error),
            // Counted like a refusal: a flood of tokens while the issuer is down is throttled.
            Err(outage) => outage.into(),
        };
        self.refuse(&failures, denial)
    }

    /// 256 random bits: checked first, like OIDC tokens.
    fn exchanged_token(
        &self,
        token: &str,
        principal: Principal,
    ) -> Result<GithubActionsIdentity, Denial> {
        let failures = self.failures(principal);
        let policy = self.oidc_policy(&failures)?;
        match exchanged_tokens::look_up(self.environment, policy, token, self.now) {
            Ok(identity) => Ok(identity),
            Err(denial @ Denial::Unavailable(_)) => Err(denial),
            Err(denial) => self.refuse(&failures, denial),
        }
    }
}

fn refused(error: OidcError) -> Denial {
    Denial::Rejected(format!("GitHub Actions OIDC token refused: {error}"))
}
