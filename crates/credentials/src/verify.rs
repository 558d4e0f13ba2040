//! The whole authentication decision: configuration + header in, identity or denial out.

use subtle::Choice;

use crate::authorization_header::{parse_authorization, AuthorizationError, PresentedCredentials};
use crate::config::AuthConfig;
use crate::denial::Denial;
use crate::identity::{Identity, Method};
use crate::secret::Secret;

/// The subject of every API-token identity: tokens are interchangeable and must not be logged.
const API_TOKEN_SUBJECT: &str = "api-token";

const NOTHING_CONFIGURED: &str =
    "no credentials are configured: set basic_user and basic_password, or api_tokens";
const BASIC_NOT_ENABLED: &str = "Basic authentication is not enabled on this server";
/// Deliberately the same for an unknown user and a wrong password, so the answer does not
/// tell a guesser which user names exist.
const WRONG_USER_OR_PASSWORD: &str = "wrong user name or password";
const BEARER_NOT_ENABLED: &str = "Bearer tokens are not enabled on this server";
const UNKNOWN_BEARER_TOKEN: &str = "unknown bearer token";

/// Decides who the client is. `authorization` is the raw `Authorization` header, if present.
pub fn verify(config: &AuthConfig, authorization: Option<&[u8]>) -> Result<Identity, Denial> {
    // Checked before the header: a server that accepts nothing must answer "unavailable", not
    // "wrong credentials, try again", or clients would retry forever against a misconfiguration.
    if !config.accepts_anything() {
        return Err(Denial::Unavailable(NOTHING_CONFIGURED.to_owned()));
    }
    let raw_header = authorization.ok_or(Denial::Missing)?;
    match parse_authorization(raw_header).map_err(denial_for_unparsable_header)? {
        PresentedCredentials::Basic { user, password } => verify_basic(config, &user, &password),
        PresentedCredentials::Bearer(token) => verify_bearer(config, &token),
    }
}

/// An unsupported scheme is a well-formed header this server does not accept (401, so the
/// client may retry with Basic or Bearer); everything else is a broken header (400).
pub fn denial_for_unparsable_header(error: AuthorizationError) -> Denial {
    match error {
        AuthorizationError::UnsupportedScheme(_) | AuthorizationError::UnknownSingleWord => {
            Denial::Rejected(error.to_string())
        }
        _ => Denial::Malformed(error.to_string()),
    }
}

/// Checks a Basic login against the configured one. The user name and the password are both
/// compared in constant time and the results combined without branching, so an unknown user
/// and a wrong password take the same path and the same time.
pub fn verify_basic(
    config: &AuthConfig,
    user: &str,
    password: &Secret,
) -> Result<Identity, Denial> {
    let configured_login = config.basic_login();
    let Some(login) = configured_login else {
        return Err(Denial::Rejected(BASIC_NOT_ENABLED.to_owned()));
    };
    let user_matches = login.user.constant_time_eq_choice(user.as_bytes());
    let password_matches = login
        .password
        .constant_time_eq_choice(password.expose().as_bytes());
    if bool::from(user_matches & password_matches) {
        Ok(Identity {
            method: Method::Basic,
            subject: user.to_owned(),
        })
    } else {
        Err(Denial::Rejected(WRONG_USER_OR_PASSWORD.to_owned()))
    }
}

/// Checks a Bearer token against `api_tokens`: every configured token is compared, in
/// constant time and with no early exit, so the time taken reveals neither whether nor which
/// one matched.
pub fn verify_bearer(config: &AuthConfig, token: &Secret) -> Result<Identity, Denial> {
    let configured_tokens = config.api_tokens();
    let any_token_matches =
        configured_tokens
            .iter()
            .fold(Choice::from(0), |matched, configured| {
                matched | configured.constant_time_eq_choice(token.expose().as_bytes())
            });
    if bool::from(any_token_matches) {
        return Ok(Identity {
            method: Method::ApiToken,
            subject: API_TOKEN_SUBJECT.to_owned(),
        });
    }
    let message = if configured_tokens.is_empty() {
        BEARER_NOT_ENABLED
    } else {
        UNKNOWN_BEARER_TOKEN
    };
    Err(Denial::Rejected(message.to_owned()))
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD as STANDARD_BASE64;
    use base64::Engine as _;

    use super::*;

    const TOKEN_A: &str = "token-aaaaaaaaaaaaaaaa";
    const TOKEN_B: &str = "token-bbbbbbbbbbbbbbbb";
    const TOKEN_C: &str = "token-cccccccccccccccc";

    fn config(basic_user: &str, basic_password: &str, api_tokens: &str) -> AuthConfig {
        AuthConfig::from_settings(basic_user, basic_password, api_tokens).unwrap()
    }

    fn basic_header(user: &str, password: &str) -> Vec<u8> {
        format!(
            "Basic {}",
            STANDARD_BASE64.encode(format!("{user}:{password}"))
        )
        .into_bytes()
    }

    fn bearer_header(token: &str) -> Vec<u8> {
        format!("Bearer {token}").into_bytes()
    }

    fn rejected(message: &str) -> Result<Identity, Denial> {
        Err(Denial::Rejected(message.to_owned()))
    }

    /// Asserts that neither the message nor the Debug form of the denial mentions `secret`.
    fn assert_does_not_echo(result: &Result<Identity, Denial>, secret: &str) {
        let denial = result.as_ref().unwrap_err();
        assert!(!denial.to_string().contains(secret), "{denial}");
        assert!(!format!("{denial:?}").contains(secret), "{denial:?}");
    }

    #[test]
    fn nothing_configured_is_unavailable_whatever_the_header() {
        let nothing = config("", "", "");
        let expected = Err(Denial::Unavailable(
            "no credentials are configured: set basic_user and basic_password, or api_tokens"
                .to_owned(),
        ));
        assert_eq!(verify(&nothing, None), expected);
        assert_eq!(
            verify(&nothing, Some(&basic_header("alice", "pw"))),
            expected
        );
        assert_eq!(verify(&nothing, Some(b"garbage \xff")), expected);
        assert_eq!(verify(&nothing, Some(&bearer_header(TOKEN_A))), expected);
    }

    #[test]
    fn missing_header_on_configured_server_is_missing() {
        assert_eq!(
            verify(&config("alice", "password-of-alice", ""), None),
            Err(Denial::Missing)
        );
        assert_eq!(verify(&config("", "", TOKEN_A), None), Err(Denial::Missing));
    }

    #[test]
    fn missing_message_says_what_to_send() {
        let message = Denial::Missing.to_string();
        assert!(
            message.contains("Basic") && message.contains("Bearer"),
            "{message}"
        );
    }

    #[test]
    fn correct_basic_login_identifies_the_user() {
        let result = verify(
            &config("alice", "wonderland-rabbit-hole", ""),
            Some(&basic_header("alice", "wonderland-rabbit-hole")),
        );
        let expected = Identity {
            method: Method::Basic,
            subject: "alice".to_owned(),
        };
        assert_eq!(result, Ok(expected));
    }

    #[test]
    fn lowercase_basic_scheme_is_accepted() {
        let header = format!(
            "basic {}",
            STANDARD_BASE64.encode("alice:wonderland-rabbit-hole")
        );
        let result = verify(
            &config("alice", "wonderland-rabbit-hole", ""),
            Some(header.as_bytes()),
        );
        assert_eq!(result.map(|identity| identity.method), Ok(Method::Basic));
    }

    #[test]
    fn password_with_colons_is_compared_whole() {
        let server = config("alice", "won:der:land:rabbit-hole", "");
        assert!(verify(
            &server,
            Some(&basic_header("alice", "won:der:land:rabbit-hole"))
        )
        .is_ok());
        assert_eq!(
            verify(&server, Some(&basic_header("alice", "won"))),
            rejected(WRONG_USER_OR_PASSWORD)
        );
    }

    #[test]
    fn unknown_user_and_wrong_password_are_rejected_alike() {
        let server = config("alice", "wonderland-rabbit-hole", "");
        let unknown_user = verify(
            &server,
            Some(&basic_header("mallory", "wonderland-rabbit-hole")),
        );
        let wrong_password = verify(&server, Some(&basic_header("alice", "guess-password")));
        let both_wrong = verify(&server, Some(&basic_header("mallory", "guess-password")));
        assert_eq!(unknown_user, rejected("wrong user name or password"));
        assert_eq!(wrong_password, unknown_user);
        assert_eq!(both_wrong, unknown_user);
        assert_does_not_echo(&wrong_password, "guess-password");
        assert_does_not_echo(&unknown_user, "wonderland-rabbit-hole");
    }

    #[test]
    fn user_name_comparison_is_exact() {
        let server = config("alice", "wonderland-rabbit-hole", "");
        assert_eq!(
            verify(
                &server,
                Some(&basic_header("Alice", "wonderland-rabbit-hole"))
            ),
            rejected(WRONG_USER_OR_PASSWORD)
        );
        assert_eq!(
            verify(
                &server,
                Some(&basic_header("alice2", "wonderland-rabbit-hole"))
            ),
            rejected(WRONG_USER_OR_PASSWORD)
        );
    }

    #[test]
    fn basic_when_only_tokens_are_configured_is_rejected() {
        let result = verify(&config("", "", TOKEN_A), Some(&basic_header("alice", "pw")));
        assert_eq!(
            result,
            rejected("Basic authentication is not enabled on this server")
        );
    }

    #[test]
    fn every_configured_token_is_accepted() {
        let server = config("", "", &format!("{TOKEN_A},{TOKEN_B},{TOKEN_C}"));
        for token in [TOKEN_A, TOKEN_B, TOKEN_C] {
            let result = verify(&server, Some(&bearer_header(token)));
            assert_eq!(
                result,
                Ok(Identity {
                    method: Method::ApiToken,
                    subject: "api-token".to_owned(),
                }),
                "{token}"
            );
        }
    }

    #[test]
    fn uppercase_bearer_scheme_is_accepted() {
        let header = format!("BEARER {TOKEN_A}");
        let result = verify(&config("", "", TOKEN_A), Some(header.as_bytes()));
        assert_eq!(result.map(|identity| identity.method), Ok(Method::ApiToken));
    }

    #[test]
    fn unknown_bearer_token_is_rejected_without_echoing_it() {
        let server = config("", "", &format!("{TOKEN_A},{TOKEN_B}"));
        let guess = "guess-token-0123456789";
        let result = verify(&server, Some(&bearer_header(guess)));
        assert_eq!(result, rejected("unknown bearer token"));
        assert_does_not_echo(&result, guess);
    }

    #[test]
    fn near_misses_of_a_token_are_rejected() {
        let server = config("", "", TOKEN_A);
        let prefix = &TOKEN_A[..TOKEN_A.len() - 1];
        let extended = format!("{TOKEN_A}x");
        for near_miss in [prefix, extended.as_str()] {
            assert_eq!(
                verify(&server, Some(&bearer_header(near_miss))),
                rejected(UNKNOWN_BEARER_TOKEN),
                "{near_miss}"
            );
        }
    }

    #[test]
    fn bearer_when_no_tokens_are_configured_is_rejected() {
        let result = verify(
            &config("alice", "password-of-alice", ""),
            Some(&bearer_header(TOKEN_A)),
        );
        assert_eq!(
            result,
            rejected("Bearer tokens are not enabled on this server")
        );
    }

    #[test]
    fn jwt_shaped_api_token_is_still_an_api_token() {
        let jwt_shaped_token = "aaaaaaaaaa.bbbbbbbbbb.cccccccccc";
        let result = verify(
            &config("", "", jwt_shaped_token),
            Some(&bearer_header(jwt_shaped_token)),
        );
        assert_eq!(result.map(|identity| identity.method), Ok(Method::ApiToken));
    }

    #[test]
    fn unparsable_headers_are_malformed() {
        let server = config("alice", "wonderland-rabbit-hole", TOKEN_A);
        let oversized = vec![b'a'; 8193];
        let cases: [(&[u8], &str); 5] = [
            (&oversized, "Authorization header is larger than 8192 bytes"),
            (b"Basic YWxpY2U6d29uZGVybGFuZA", "base64"),
            (b"Bearer abc \xff", "UTF-8"),
            (b"Bearer", "empty"),
            (b"Bearer two words", "spaces"),
        ];
        for (header, expected_fragment) in cases {
            match verify(&server, Some(header)) {
                Err(Denial::Malformed(message)) => {
                    assert!(message.contains(expected_fragment), "{message}");
                }
                other => {
                    panic!("expected Malformed containing {expected_fragment:?}, got {other:?}")
                }
            }
        }
    }

    #[test]
    fn unsupported_scheme_is_rejected_naming_only_the_scheme() {
        let server = config("alice", "wonderland-rabbit-hole", "");
        let result = verify(
            &server,
            Some(b"Digest username=\"alice\", response=\"d2f4ab\""),
        );
        assert_eq!(
            result,
            rejected("unsupported authorization scheme 'Digest'; use Basic or Bearer")
        );
        assert_does_not_echo(&result, "d2f4ab");
    }

    #[test]
    fn bare_token_without_scheme_is_rejected_without_echoing_it() {
        let result = verify(&config("", "", TOKEN_A), Some(TOKEN_A.as_bytes()));
        assert!(matches!(result, Err(Denial::Rejected(_))), "{result:?}");
        assert_does_not_echo(&result, TOKEN_A);
    }

    #[test]
    fn identities_and_denials_never_contain_secrets() {
        let password = "wonderland-password-long";
        let server = config("alice", password, TOKEN_A);

        let basic = verify(&server, Some(&basic_header("alice", password))).unwrap();
        assert!(!format!("{basic:?}").contains(password), "{basic:?}");
        let bearer = verify(&server, Some(&bearer_header(TOKEN_A))).unwrap();
        assert!(!format!("{bearer:?}").contains(TOKEN_A), "{bearer:?}");

        let wrong_password = verify(&server, Some(&basic_header("alice", "not-the-password")));
        assert_does_not_echo(&wrong_password, "not-the-password");
        assert_does_not_echo(&wrong_password, password);
        let wrong_token = verify(&server, Some(&bearer_header("token-zzzzzzzzzzzzzzzz")));
        assert_does_not_echo(&wrong_token, "token-zzzzzzzzzzzzzzzz");
        assert_does_not_echo(&wrong_token, TOKEN_A);
    }
}
