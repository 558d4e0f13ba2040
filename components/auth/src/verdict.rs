//! The verdict for one request: which kind of credentials it carries, checked by the matching
//! rules, with failed attempts counted and throttled.

use std::time::{SystemTime, UNIX_EPOCH};

use credentials::{has_jwt_shape, parse_authorization, PresentedCredentials};
use oidc::{
    looks_like_exchanged_token, storage_key, ExchangedToken, ExchangedTokenRecord,
    GithubActionsIdentity, OidcError, OidcPolicy,
};
use spin_sdk::key_value::Store;

use crate::exports::wharf::auth::verifier::{Denial, Identity, IssuedToken, Method, Presented};
use crate::failures::FailureAccount;
use crate::issuer_keys::{key_set, KeysAnswer};
use crate::settings::Settings;

/// The Basic login under which CI presents an OIDC (or exchanged) token as the password,
/// because apt's auth.conf can only send Basic credentials. Reserved: no Basic user has it.
const OIDC_LOGIN: &str = "github-action";
/// How long an exchanged token lives.
const EXCHANGED_TOKEN_LIFETIME: u64 = 3600;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// What the request presented, sorted by the rules that judge it.
enum Claim {
    Static,
    OidcToken(String),
    ExchangedToken(String),
}

fn classify(settings: &Settings, presented: &PresentedCredentials) -> Claim {
    let token = match presented {
        PresentedCredentials::Basic { user, password } if user == OIDC_LOGIN => password.expose(),
        PresentedCredentials::Bearer(token) => token.expose(),
        PresentedCredentials::Basic { .. } => return Claim::Static,
    };
    if looks_like_exchanged_token(token) {
        Claim::ExchangedToken(token.to_owned())
    } else if settings.oidc.is_some() && has_jwt_shape(token) {
        Claim::OidcToken(token.to_owned())
    } else if matches!(presented, PresentedCredentials::Basic { .. }) {
        // `github-action` with something that is no token at all.
        Claim::OidcToken(token.to_owned())
    } else {
        Claim::Static
    }
}

fn identity_of(github: &GithubActionsIdentity) -> Identity {
    Identity {
        method: Method::GithubOidc,
        subject: github.repository.clone(),
    }
}

pub fn verify(request: &Presented) -> Result<Identity, Denial> {
    let settings = Settings::load().map_err(Denial::Unavailable)?;
    let Some(raw) = request.authorization.as_deref() else {
        return if settings.static_credentials.accepts_anything() || settings.oidc.is_some() {
            Err(Denial::Missing)
        } else {
            Err(Denial::Unavailable(
                "no credentials are configured: set basic_user and basic_password, api_tokens, or oidc_audience and oidc_allowed_repositories".to_owned(),
            ))
        };
    };
    let presented = parse_authorization(raw).map_err(|error| Denial::Malformed(error.to_string()));
    let user = match &presented {
        Ok(PresentedCredentials::Basic { user, .. }) => Some(user.clone()),
        _ => None,
    };
    let account = FailureAccount::open(user.as_deref(), request.client_address.as_deref());
    let now = now();
    if let Some(seconds) = account.throttled(now) {
        return Err(Denial::Throttled(seconds));
    }
    let verdict = presented.and_then(|presented| judge(&settings, raw, &presented, now));
    match &verdict {
        Ok(_) => account.record_success(),
        Err(Denial::Rejected(_)) | Err(Denial::Malformed(_)) => account.record_failure(now),
        Err(_) => {}
    }
    verdict
}

fn judge(
    settings: &Settings,
    raw: &[u8],
    presented: &PresentedCredentials,
    now: u64,
) -> Result<Identity, Denial> {
    match classify(settings, presented) {
        Claim::Static => {
            if !settings.static_credentials.accepts_anything() && settings.oidc.is_some() {
                return Err(Denial::Rejected(
                    "this server accepts GitHub Actions OIDC tokens only".to_owned(),
                ));
            }
            credentials::verify(&settings.static_credentials, Some(raw))
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
        Claim::OidcToken(token) => {
            verify_oidc(settings, &token, now).map(|github| identity_of(&github))
        }
        Claim::ExchangedToken(token) => {
            verify_exchanged(settings, &token, now).map(|github| identity_of(&github))
        }
    }
}

fn oidc_policy(settings: &Settings) -> Result<&OidcPolicy, Denial> {
    settings.oidc.as_ref().ok_or_else(|| {
        Denial::Rejected(
            "GitHub Actions OIDC is not enabled on this server (oidc_audience and oidc_allowed_repositories are not set)".to_owned(),
        )
    })
}

fn verify_oidc(
    settings: &Settings,
    token: &str,
    now: u64,
) -> Result<GithubActionsIdentity, Denial> {
    let policy = oidc_policy(settings)?;
    let keys = match key_set(policy, now, false).map_err(Denial::Unavailable)? {
        KeysAnswer::Keys(keys) => keys,
        KeysAnswer::NotRefreshed => {
            return Err(Denial::Unavailable(
                "the issuer's keys are unavailable".to_owned(),
            ))
        }
    };
    match oidc::verify_oidc_token(token, policy, &keys, now) {
        Err(OidcError::UnknownKeyId(_)) => match key_set(policy, now, true).map_err(Denial::Unavailable)? {
            KeysAnswer::Keys(fresh) => oidc::verify_oidc_token(token, policy, &fresh, now)
                .map_err(|error| Denial::Rejected(format!("GitHub Actions OIDC token refused: {error}"))),
            KeysAnswer::NotRefreshed => Err(Denial::Rejected(
                "GitHub Actions OIDC token refused: it names a signing key the issuer does not publish".to_owned(),
            )),
        },
        result => result.map_err(|error| Denial::Rejected(format!("GitHub Actions OIDC token refused: {error}"))),
    }
}

fn verify_exchanged(
    settings: &Settings,
    token: &str,
    now: u64,
) -> Result<GithubActionsIdentity, Denial> {
    let policy = oidc_policy(settings)?;
    let store = Store::open_default()
        .map_err(|error| Denial::Unavailable(format!("key-value store: {error}")))?;
    let record = store
        .get(&storage_key(token))
        .map_err(|error| Denial::Unavailable(format!("key-value store: {error}")))?
        .and_then(|bytes| ExchangedTokenRecord::deserialize(&bytes).ok())
        .ok_or_else(|| Denial::Rejected("unknown or expired wharf token".to_owned()))?;
    record
        .check(now, policy)
        .map_err(|error| Denial::Rejected(format!("wharf token refused: {error}")))
}

pub fn exchange(request: &Presented) -> Result<IssuedToken, Denial> {
    let settings = Settings::load().map_err(Denial::Unavailable)?;
    let raw = request.authorization.as_deref().ok_or(Denial::Missing)?;
    let presented =
        parse_authorization(raw).map_err(|error| Denial::Malformed(error.to_string()))?;
    let account = FailureAccount::open(None, request.client_address.as_deref());
    let now = now();
    if let Some(seconds) = account.throttled(now) {
        return Err(Denial::Throttled(seconds));
    }
    let Claim::OidcToken(token) = classify(&settings, &presented) else {
        account.record_failure(now);
        return Err(Denial::Rejected(
            "only a GitHub Actions OIDC token can be exchanged for a wharf token".to_owned(),
        ));
    };
    let identity = match verify_oidc(&settings, &token, now) {
        Ok(identity) => identity,
        Err(denial) => {
            if matches!(denial, Denial::Rejected(_)) {
                account.record_failure(now);
            }
            return Err(denial);
        }
    };
    let mut random = [0u8; 32];
    getrandom::fill(&mut random)
        .map_err(|error| Denial::Unavailable(format!("no randomness: {error}")))?;
    let (issued, record) = ExchangedToken::issue(random, &identity, now, EXCHANGED_TOKEN_LIFETIME)
        .map_err(|error| Denial::Unavailable(format!("cannot issue a token: {error}")))?;
    let store = Store::open_default()
        .map_err(|error| Denial::Unavailable(format!("key-value store: {error}")))?;
    store
        .set(&issued.storage_key(), &record.serialize())
        .map_err(|error| Denial::Unavailable(format!("key-value store: {error}")))?;
    account.record_success();
    Ok(IssuedToken {
        expires_at: record.expires_at(),
        token: issued.into_string(),
    })
}
