//! What the operator configured: which credentials this server accepts.

use crate::secret::Secret;
use crate::visible_ascii::is_visible_ascii;

/// Shorter tokens are too easy to guess; 16 characters is a floor, not a recommendation.
const MIN_API_TOKEN_CHARS: usize = 16;
/// The same floor for the Basic password: the whole fleet shares it, and throttling slows
/// guessing per client address, not across a botnet's many addresses.
const MIN_BASIC_PASSWORD_CHARS: usize = 16;
/// The Basic login under which GitHub Actions presents its OIDC (or exchanged) token as the
/// password; a Basic account of that name could never log in.
pub const GITHUB_ACTIONS_LOGIN: &str = "github-action";

/// The credentials the server accepts, built from the operator's Spin variables.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    basic: Option<BasicLogin>,
    api_tokens: Vec<Secret>,
}

/// The one Basic login the operator configured.
#[derive(Debug, Clone)]
pub(crate) struct BasicLogin {
    /// A [`Secret`] only so it can be compared in constant time; user names are not secret.
    pub(crate) user: Secret,
    pub(crate) password: Secret,
}

/// Why the operator's settings cannot be used. Messages name the Spin variable to fix and
/// never contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `basic_user` is set but `basic_password` is not.
    #[error("basic_password is empty but basic_user is set; set both or neither")]
    MissingBasicPassword,
    /// `basic_password` is set but `basic_user` is not.
    #[error("basic_user is empty but basic_password is set; set both or neither")]
    MissingBasicUser,
    /// `basic_user` contains ':', which Basic authentication uses to split user from password.
    #[error("basic_user must not contain ':' because Basic authentication splits the user name from the password at the first ':'")]
    BasicUserContainsColon,
    /// `basic_user` is the login reserved for GitHub Actions OIDC tokens.
    #[error("basic_user must not be {GITHUB_ACTIONS_LOGIN:?}: that login is reserved for GitHub Actions OIDC tokens")]
    BasicUserReserved,
    /// `basic_password` is shorter than the minimum length.
    #[error("basic_password is shorter than {MIN_BASIC_PASSWORD_CHARS} characters; set a longer one (for example the output of `openssl rand -base64 24`)")]
    BasicPasswordTooShort,
    /// An `api_tokens` entry has whitespace, control or non-ASCII characters.
    #[error("api_tokens entry {position} contains whitespace, control or non-ASCII characters; tokens must be visible ASCII")]
    ApiTokenInvalidCharacters {
        /// 1-based position in the comma-separated list, counting empty entries.
        position: usize,
    },
    /// An `api_tokens` entry is shorter than the minimum length.
    #[error("api_tokens entry {position} is shorter than {MIN_API_TOKEN_CHARS} characters")]
    ApiTokenTooShort {
        /// 1-based position in the comma-separated list, counting empty entries.
        position: usize,
    },
}

impl AuthConfig {
    /// Builds the configuration from the Spin variables `basic_user`, `basic_password` and
    /// `api_tokens`.
    ///
    /// Basic is enabled when both `basic_user` and `basic_password` are non-empty and disabled
    /// when both are empty; one without the other is an error, and so is a password shorter
    /// than 16 characters. Neither is trimmed: they are used exactly as given. `api_tokens` is a comma-separated list of Bearer tokens; whitespace
    /// around entries is trimmed and empty entries are skipped.
    pub fn from_settings(
        basic_user: &str,
        basic_password: &str,
        api_tokens: &str,
    ) -> Result<Self, ConfigError> {
        Ok(Self {
            basic: basic_login_from_settings(basic_user, basic_password)?,
            api_tokens: api_tokens_from_setting(api_tokens)?,
        })
    }

    /// Whether any credential could ever be accepted; `false` means every request must be
    /// refused as "server not configured", not as "wrong credentials".
    pub fn accepts_anything(&self) -> bool {
        self.basic.is_some() || !self.api_tokens.is_empty()
    }

    /// Whether `user` is the configured Basic user, compared in constant time so the answer's
    /// timing does not spell out the user name.
    pub fn is_basic_user(&self, user: &str) -> bool {
        self.basic
            .as_ref()
            .is_some_and(|login| login.user.constant_time_eq(user.as_bytes()))
    }

    pub(crate) fn basic_login(&self) -> Option<&BasicLogin> {
        self.basic.as_ref()
    }

    pub(crate) fn api_tokens(&self) -> &[Secret] {
        &self.api_tokens
    }
}

fn basic_login_from_settings(
    basic_user: &str,
    basic_password: &str,
) -> Result<Option<BasicLogin>, ConfigError> {
    match (basic_user.is_empty(), basic_password.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => Err(ConfigError::MissingBasicPassword),
        (true, false) => Err(ConfigError::MissingBasicUser),
        (false, false) => {
            // A user name with ':' could never log in, because the presented header is split
            // at the first ':'. Failing here beats a login that silently never works.
            if basic_user.contains(':') {
                return Err(ConfigError::BasicUserContainsColon);
            }
            if basic_user == GITHUB_ACTIONS_LOGIN {
                return Err(ConfigError::BasicUserReserved);
            }
            if basic_password.chars().count() < MIN_BASIC_PASSWORD_CHARS {
                return Err(ConfigError::BasicPasswordTooShort);
            }
            Ok(Some(BasicLogin {
                user: Secret::new(basic_user.to_owned()),
                password: Secret::new(basic_password.to_owned()),
            }))
        }
    }
}

fn api_tokens_from_setting(api_tokens: &str) -> Result<Vec<Secret>, ConfigError> {
    let mut tokens = Vec::new();
    // Positions count every comma-separated entry, empty ones included, so the operator can
    // find the entry by counting commas in what they wrote.
    for (index, entry) in api_tokens.split(',').enumerate() {
        let position = index + 1;
        let token = entry.trim();
        if token.is_empty() {
            continue;
        }
        // Checked before the length so a token with a stray space is reported as such.
        if !is_visible_ascii(token) {
            return Err(ConfigError::ApiTokenInvalidCharacters { position });
        }
        // Visible ASCII means one byte per character, so len() counts characters.
        if token.len() < MIN_API_TOKEN_CHARS {
            return Err(ConfigError::ApiTokenTooShort { position });
        }
        tokens.push(Secret::new(token.to_owned()));
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN_A: &str = "token-aaaaaaaaaaaaaaaa";
    const TOKEN_B: &str = "token-bbbbbbbbbbbbbbbb";

    fn exposed_tokens(config: &AuthConfig) -> Vec<&str> {
        config.api_tokens().iter().map(Secret::expose).collect()
    }

    /// Asserts that neither the message nor the Debug form of `error` mentions `secret`.
    fn assert_does_not_echo(error: &ConfigError, secret: &str) {
        assert!(!error.to_string().contains(secret), "{error}");
        assert!(!format!("{error:?}").contains(secret), "{error:?}");
    }

    #[test]
    fn nothing_configured_accepts_nothing() {
        let config = AuthConfig::from_settings("", "", "").unwrap();
        assert!(!config.accepts_anything());
        assert!(config.basic_login().is_none());
        assert!(config.api_tokens().is_empty());
    }

    #[test]
    fn only_commas_and_spaces_accepts_nothing() {
        let config = AuthConfig::from_settings("", "", " , ,, ").unwrap();
        assert!(!config.accepts_anything());
    }

    #[test]
    fn basic_alone_accepts_something() {
        let config = AuthConfig::from_settings("alice", "wonderland-rabbit-hole", "").unwrap();
        assert!(config.accepts_anything());
        let login = config.basic_login().unwrap();
        assert_eq!(login.user.expose(), "alice");
        assert_eq!(login.password.expose(), "wonderland-rabbit-hole");
    }

    #[test]
    fn the_basic_user_is_recognised_exactly() {
        let config = AuthConfig::from_settings("alice", "wonderland-rabbit-hole", "").unwrap();
        assert!(config.is_basic_user("alice"));
        for other in ["Alice", "alice ", "", "bob"] {
            assert!(!config.is_basic_user(other), "{other:?}");
        }
        assert!(!AuthConfig::from_settings("", "", "")
            .unwrap()
            .is_basic_user(""));
    }

    #[test]
    fn basic_settings_are_not_trimmed() {
        let config = AuthConfig::from_settings("alice", " pass word with spaces ", "").unwrap();
        assert_eq!(
            config.basic_login().unwrap().password.expose(),
            " pass word with spaces "
        );
    }

    #[test]
    fn api_tokens_alone_accept_something() {
        let config = AuthConfig::from_settings("", "", TOKEN_A).unwrap();
        assert!(config.accepts_anything());
        assert!(config.basic_login().is_none());
        assert_eq!(exposed_tokens(&config), [TOKEN_A]);
    }

    #[test]
    fn user_without_password_names_basic_password() {
        let error = AuthConfig::from_settings("alice", "", "").unwrap_err();
        assert_eq!(error, ConfigError::MissingBasicPassword);
        assert!(error.to_string().contains("basic_password"), "{error}");
    }

    #[test]
    fn password_without_user_names_basic_user() {
        let error = AuthConfig::from_settings("", "wonderland-rabbit-hole", "").unwrap_err();
        assert_eq!(error, ConfigError::MissingBasicUser);
        assert!(error.to_string().starts_with("basic_user"), "{error}");
        assert_does_not_echo(&error, "wonderland-rabbit-hole");
    }

    #[test]
    fn user_with_colon_is_rejected() {
        let error = AuthConfig::from_settings("ali:ce", "wonderland-rabbit-hole", "").unwrap_err();
        assert_eq!(error, ConfigError::BasicUserContainsColon);
        assert_does_not_echo(&error, "wonderland-rabbit-hole");
    }

    #[test]
    fn short_basic_password_is_refused_saying_so_without_echoing_it() {
        let fifteen = "fifteen-chars-x";
        assert_eq!(fifteen.chars().count(), 15);
        let error = AuthConfig::from_settings("alice", fifteen, "").unwrap_err();
        assert_eq!(error, ConfigError::BasicPasswordTooShort);
        assert!(
            error
                .to_string()
                .starts_with("basic_password is shorter than 16 characters"),
            "{error}"
        );
        assert_does_not_echo(&error, fifteen);
        assert!(AuthConfig::from_settings("alice", "sixteen-chars-xy", "").is_ok());
        // Characters, not bytes: fifteen two-byte characters are still too short.
        let error = AuthConfig::from_settings("alice", &"é".repeat(15), "").unwrap_err();
        assert_eq!(error, ConfigError::BasicPasswordTooShort);
    }

    #[test]
    fn the_github_actions_login_cannot_be_a_basic_user() {
        let error =
            AuthConfig::from_settings("github-action", "wonderland-rabbit-hole", "").unwrap_err();
        assert_eq!(error, ConfigError::BasicUserReserved);
        assert!(error.to_string().contains("reserved"), "{error}");
    }

    #[test]
    fn api_tokens_are_trimmed_and_empty_entries_skipped() {
        let setting = format!(" {TOKEN_A} ,,\t{TOKEN_B}\n, ");
        let config = AuthConfig::from_settings("", "", &setting).unwrap();
        assert_eq!(exposed_tokens(&config), [TOKEN_A, TOKEN_B]);
    }

    #[test]
    fn short_api_token_names_its_position_without_echoing_it() {
        let short_token = "short-secret-15";
        assert_eq!(short_token.len(), 15);
        let setting = format!("{TOKEN_A},{short_token}");
        let error = AuthConfig::from_settings("", "", &setting).unwrap_err();
        assert_eq!(error, ConfigError::ApiTokenTooShort { position: 2 });
        assert_eq!(
            error.to_string(),
            "api_tokens entry 2 is shorter than 16 characters"
        );
        assert_does_not_echo(&error, short_token);
    }

    #[test]
    fn api_token_of_exactly_16_characters_is_accepted() {
        let config = AuthConfig::from_settings("", "", "0123456789abcdef").unwrap();
        assert_eq!(exposed_tokens(&config), ["0123456789abcdef"]);
    }

    #[test]
    fn positions_count_empty_entries() {
        let error = AuthConfig::from_settings("", "", &format!(",{TOKEN_A},,tiny")).unwrap_err();
        assert_eq!(error, ConfigError::ApiTokenTooShort { position: 4 });
    }

    #[test]
    fn api_token_with_inner_whitespace_or_control_is_rejected_without_echoing_it() {
        for bad_token in [
            "secret-part-one secret-part-two",
            "secret-part-one\tsecret-part-two",
            "secret-part-one\u{7}secret-part-two",
            "secret-part-oné-secret-part-two",
        ] {
            let error = AuthConfig::from_settings("", "", bad_token).unwrap_err();
            assert_eq!(
                error,
                ConfigError::ApiTokenInvalidCharacters { position: 1 },
                "{bad_token:?}"
            );
            assert_does_not_echo(&error, "secret-part");
        }
    }

    #[test]
    fn debug_of_config_hides_secrets() {
        let config = AuthConfig::from_settings("alice", "wonderland-pass-long", TOKEN_A).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("wonderland-pass-long"), "{debug}");
        assert!(!debug.contains(TOKEN_A), "{debug}");
    }
}
