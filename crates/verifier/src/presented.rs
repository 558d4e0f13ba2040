//! Sorting what a request presented by the rules that judge it.

use credentials::{has_jwt_shape, PresentedCredentials, Secret, GITHUB_ACTIONS_LOGIN};
use oidc::looks_like_exchanged_token;

use crate::failed_logins::Principal;
use crate::outcome::Denial;

pub(crate) enum Presented {
    /// Checked against `basic_user` / `basic_password`.
    Basic { user: String, password: Secret },
    /// Checked against `api_tokens`.
    ApiToken(Secret),
    /// A GitHub Actions OIDC token (or something presented as one).
    OidcToken { token: Secret, principal: Principal },
    /// A `wharf_…` token from `/auth/token`.
    ExchangedToken { token: Secret, principal: Principal },
}

impl Presented {
    /// `oidc_enabled` is only asked for a JWT-shaped Bearer token, which may be an API token
    /// that happens to have three dots-separated parts when OIDC is off.
    pub(crate) fn classify(
        credentials: PresentedCredentials,
        oidc_enabled: impl FnOnce() -> Result<bool, Denial>,
    ) -> Result<Self, Denial> {
        Ok(match credentials {
            // apt can only send Basic, so CI presents its token as the password of this login.
            PresentedCredentials::Basic { user, password } if user == GITHUB_ACTIONS_LOGIN => {
                token_of_github_actions(password, Principal::GithubAction)
            }
            PresentedCredentials::Basic { user, password } => Presented::Basic { user, password },
            PresentedCredentials::Bearer(token)
                if looks_like_exchanged_token(token.expose())
                    || (has_jwt_shape(token.expose()) && oidc_enabled()?) =>
            {
                token_of_github_actions(token, Principal::Bearer)
            }
            PresentedCredentials::Bearer(token) => Presented::ApiToken(token),
        })
    }
}

fn token_of_github_actions(token: Secret, principal: Principal) -> Presented {
    if looks_like_exchanged_token(token.expose()) {
        Presented::ExchangedToken { token, principal }
    } else {
        Presented::OidcToken { token, principal }
    }
}
