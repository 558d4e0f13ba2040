//! Turning a raw `Authorization` header into the credentials the client presented.
//!
//! This module only parses; whether the credentials are right is [`crate::verify`]'s job.
//! No error message here ever contains a credential value, because these messages end up in
//! HTTP response bodies and logs.

use base64::engine::general_purpose::STANDARD as STANDARD_BASE64;
use base64::Engine as _;

use crate::secret::Secret;
use crate::visible_ascii::is_visible_ascii;

/// Headers longer than this are refused before any other work, so a client cannot make the
/// server decode or hash arbitrarily large input.
const MAX_AUTHORIZATION_HEADER_BYTES: usize = 8192;

/// The unsupported-scheme message echoes the scheme to help the client; the cap keeps a
/// client from filling the message (and the logs) with whatever it likes.
const MAX_ECHOED_SCHEME_CHARS: usize = 32;

/// The credentials a client sent, not yet checked.
#[derive(Debug, Clone)]
pub enum PresentedCredentials {
    /// `Authorization: Basic <base64 of user:password>` (RFC 7617).
    Basic {
        /// The user name, never empty.
        user: String,
        /// The password; may be empty and may contain ':'.
        password: Secret,
    },
    /// `Authorization: Bearer <token>` (RFC 6750).
    Bearer(Secret),
}

/// Why an `Authorization` header could not be turned into [`PresentedCredentials`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    /// The header is over [`MAX_AUTHORIZATION_HEADER_BYTES`].
    #[error("Authorization header is larger than {MAX_AUTHORIZATION_HEADER_BYTES} bytes")]
    TooLarge,
    /// The header bytes are not UTF-8.
    #[error("Authorization header is not valid UTF-8")]
    NotUtf8,
    /// The header is present but blank.
    #[error(
        "Authorization header is empty; send 'Basic <base64 of user:password>' or 'Bearer <token>'"
    )]
    Empty,
    /// The header is a single word that is neither `Basic` nor `Bearer`. It may be a scheme
    /// without credentials, or a credential sent without a scheme, so it is never echoed.
    #[error("Authorization header must be 'Basic <base64 of user:password>' or 'Bearer <token>'")]
    UnknownSingleWord,
    /// The first word contains characters an RFC 9110 scheme name cannot have; not echoed,
    /// because it is more likely garbage or a credential than a scheme.
    #[error("Authorization scheme contains characters that are not allowed in a scheme name; use Basic or Bearer")]
    InvalidScheme,
    /// A well-formed scheme this server does not support; holds at most
    /// [`MAX_ECHOED_SCHEME_CHARS`] characters of its name.
    #[error("unsupported authorization scheme '{0}'; use Basic or Bearer")]
    UnsupportedScheme(String),
    /// `Basic` with nothing after it.
    #[error("Basic credentials are missing; send 'Basic <base64 of user:password>'")]
    BasicMissingValue,
    /// The Basic value is not standard, padded base64.
    #[error("Basic credentials are not valid base64 (standard alphabet, '=' padding required)")]
    BasicNotBase64,
    /// The Basic value decodes to bytes that are not UTF-8.
    #[error("Basic credentials do not decode to UTF-8 text")]
    BasicNotUtf8,
    /// The decoded Basic value has no ':' separating user and password.
    #[error("Basic credentials have no ':' between user name and password")]
    BasicMissingColon,
    /// The decoded Basic value starts with ':'.
    #[error("Basic credentials have an empty user name")]
    BasicEmptyUser,
    /// `Bearer` with nothing after it.
    #[error("Bearer token is empty")]
    BearerEmpty,
    /// The Bearer token has whitespace, control or non-ASCII characters.
    #[error("Bearer token contains spaces, control characters or non-ASCII characters")]
    BearerInvalidCharacters,
}

/// Parses a raw `Authorization` header value (the bytes as received; they may be non-UTF-8).
///
/// The scheme is matched case-insensitively; one or more spaces or tabs may separate it from
/// the value, and whitespace around the whole header is ignored.
pub fn parse_authorization(raw: &[u8]) -> Result<PresentedCredentials, AuthorizationError> {
    if raw.len() > MAX_AUTHORIZATION_HEADER_BYTES {
        return Err(AuthorizationError::TooLarge);
    }
    let header = std::str::from_utf8(raw)
        .map_err(|_| AuthorizationError::NotUtf8)?
        .trim_ascii();
    if header.is_empty() {
        return Err(AuthorizationError::Empty);
    }

    let (scheme, value) = match header.split_once(is_scheme_separator) {
        Some((scheme, value)) => (scheme, value.trim_start_matches(is_scheme_separator)),
        None => (header, ""),
    };

    if scheme.eq_ignore_ascii_case("basic") {
        parse_basic_value(value)
    } else if scheme.eq_ignore_ascii_case("bearer") {
        parse_bearer_value(value)
    } else {
        Err(unsupported_scheme_error(scheme, value))
    }
}

/// RFC 9110 uses a single SP; tabs are tolerated too since they are just as unambiguous.
fn is_scheme_separator(character: char) -> bool {
    character == ' ' || character == '\t'
}

fn parse_basic_value(value: &str) -> Result<PresentedCredentials, AuthorizationError> {
    if value.is_empty() {
        return Err(AuthorizationError::BasicMissingValue);
    }
    // STANDARD requires canonical '=' padding, which is what RFC 7617 clients send.
    let decoded_bytes = STANDARD_BASE64
        .decode(value)
        .map_err(|_| AuthorizationError::BasicNotBase64)?;
    let decoded = String::from_utf8(decoded_bytes).map_err(|_| AuthorizationError::BasicNotUtf8)?;
    // RFC 7617: the user-id cannot contain ':', so the first ':' is the separator and the
    // password keeps any later ones.
    let (user, password) = decoded
        .split_once(':')
        .ok_or(AuthorizationError::BasicMissingColon)?;
    if user.is_empty() {
        return Err(AuthorizationError::BasicEmptyUser);
    }
    Ok(PresentedCredentials::Basic {
        user: user.to_owned(),
        password: Secret::new(password.to_owned()),
    })
}

fn parse_bearer_value(value: &str) -> Result<PresentedCredentials, AuthorizationError> {
    if value.is_empty() {
        return Err(AuthorizationError::BearerEmpty);
    }
    if !is_visible_ascii(value) {
        return Err(AuthorizationError::BearerInvalidCharacters);
    }
    Ok(PresentedCredentials::Bearer(Secret::new(value.to_owned())))
}

fn unsupported_scheme_error(scheme: &str, value: &str) -> AuthorizationError {
    if value.is_empty() {
        return AuthorizationError::UnknownSingleWord;
    }
    if !scheme.bytes().all(is_token_byte) {
        return AuthorizationError::InvalidScheme;
    }
    // Token bytes are ASCII, so taking chars never splits a multi-byte character.
    let echoed_scheme = scheme.chars().take(MAX_ECHOED_SCHEME_CHARS).collect();
    AuthorizationError::UnsupportedScheme(echoed_scheme)
}

/// RFC 9110 `tchar`: the characters a scheme name may be made of.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic_header(user_and_password: &[u8]) -> Vec<u8> {
        format!("Basic {}", STANDARD_BASE64.encode(user_and_password)).into_bytes()
    }

    fn expect_basic(result: Result<PresentedCredentials, AuthorizationError>) -> (String, String) {
        match result {
            Ok(PresentedCredentials::Basic { user, password }) => {
                (user, password.expose().to_owned())
            }
            other => panic!("expected Basic credentials, got {other:?}"),
        }
    }

    fn expect_bearer(result: Result<PresentedCredentials, AuthorizationError>) -> String {
        match result {
            Ok(PresentedCredentials::Bearer(token)) => token.expose().to_owned(),
            other => panic!("expected Bearer credentials, got {other:?}"),
        }
    }

    /// Asserts that neither the message nor the Debug form of `error` mentions `credential`.
    fn assert_does_not_echo(error: &AuthorizationError, credential: &str) {
        assert!(!error.to_string().contains(credential), "{error}");
        assert!(!format!("{error:?}").contains(credential), "{error:?}");
    }

    #[test]
    fn basic_splits_user_and_password() {
        let parsed = parse_authorization(&basic_header(b"alice:wonderland"));
        assert_eq!(
            expect_basic(parsed),
            ("alice".to_owned(), "wonderland".to_owned())
        );
    }

    #[test]
    fn scheme_is_case_insensitive() {
        let encoded = STANDARD_BASE64.encode("alice:pw");
        for scheme in ["basic", "BASIC", "bAsIc"] {
            let parsed = parse_authorization(format!("{scheme} {encoded}").as_bytes());
            assert_eq!(expect_basic(parsed).0, "alice", "scheme {scheme}");
        }
        for scheme in ["bearer", "BEARER", "BeArEr"] {
            let parsed = parse_authorization(format!("{scheme} token-value").as_bytes());
            assert_eq!(expect_bearer(parsed), "token-value", "scheme {scheme}");
        }
    }

    #[test]
    fn several_spaces_tabs_and_surrounding_whitespace_are_tolerated() {
        let encoded = STANDARD_BASE64.encode("alice:pw");
        for header in [
            format!("Basic  {encoded}"),
            format!("Basic \t {encoded}"),
            format!("  Basic {encoded} \r\n"),
        ] {
            let parsed = parse_authorization(header.as_bytes());
            assert_eq!(
                expect_basic(parsed),
                ("alice".to_owned(), "pw".to_owned()),
                "header {header:?}"
            );
        }
        assert_eq!(
            expect_bearer(parse_authorization(b"\tBearer    abc  ")),
            "abc"
        );
    }

    #[test]
    fn password_may_contain_colons() {
        let parsed = parse_authorization(&basic_header(b"alice:pa:ss:"));
        assert_eq!(
            expect_basic(parsed),
            ("alice".to_owned(), "pa:ss:".to_owned())
        );
    }

    #[test]
    fn password_may_be_empty() {
        let parsed = parse_authorization(&basic_header(b"alice:"));
        assert_eq!(expect_basic(parsed), ("alice".to_owned(), String::new()));
    }

    #[test]
    fn basic_without_colon_is_rejected() {
        let error = parse_authorization(&basic_header(b"alicewonderland")).unwrap_err();
        assert_eq!(error, AuthorizationError::BasicMissingColon);
        assert_does_not_echo(&error, "alicewonderland");
    }

    #[test]
    fn basic_with_empty_user_is_rejected() {
        let error = parse_authorization(&basic_header(b":wonderland")).unwrap_err();
        assert_eq!(error, AuthorizationError::BasicEmptyUser);
        assert_does_not_echo(&error, "wonderland");
    }

    #[test]
    fn basic_with_bad_base64_is_rejected_naming_base64() {
        let error = parse_authorization(b"Basic not*base64!").unwrap_err();
        assert_eq!(error, AuthorizationError::BasicNotBase64);
        assert!(error.to_string().contains("base64"));
        assert_does_not_echo(&error, "not*base64!");
    }

    #[test]
    fn basic_with_unpadded_base64_is_rejected() {
        // "alice:password" encodes to "YWxpY2U6cGFzc3dvcmQ=", so this is valid except for padding.
        assert!(parse_authorization(b"Basic YWxpY2U6cGFzc3dvcmQ=").is_ok());
        let error = parse_authorization(b"Basic YWxpY2U6cGFzc3dvcmQ").unwrap_err();
        assert_eq!(error, AuthorizationError::BasicNotBase64);
    }

    #[test]
    fn basic_with_url_safe_alphabet_is_rejected() {
        // 0xfb 0xff encodes to "+/8=" in the standard alphabet and "-_8=" in the URL-safe one.
        let error = parse_authorization(b"Basic -_8=").unwrap_err();
        assert_eq!(error, AuthorizationError::BasicNotBase64);
    }

    #[test]
    fn basic_decoding_to_non_utf8_is_rejected() {
        let error = parse_authorization(&basic_header(b"al\xffce:pw")).unwrap_err();
        assert_eq!(error, AuthorizationError::BasicNotUtf8);
    }

    #[test]
    fn basic_without_value_is_rejected() {
        for header in ["Basic", "Basic   ", "basic\t"] {
            let error = parse_authorization(header.as_bytes()).unwrap_err();
            assert_eq!(error, AuthorizationError::BasicMissingValue, "{header:?}");
        }
    }

    #[test]
    fn non_utf8_header_is_rejected() {
        let error = parse_authorization(b"Bearer abc\xff\xfe").unwrap_err();
        assert_eq!(error, AuthorizationError::NotUtf8);
    }

    #[test]
    fn header_of_8192_bytes_is_parsed_and_8193_is_too_large() {
        let prefix = "Bearer ";
        let at_limit = format!("{prefix}{}", "a".repeat(8192 - prefix.len()));
        assert_eq!(at_limit.len(), 8192);
        assert!(parse_authorization(at_limit.as_bytes()).is_ok());

        let over_limit = format!("{at_limit}a");
        assert_eq!(over_limit.len(), 8193);
        let error = parse_authorization(over_limit.as_bytes()).unwrap_err();
        assert_eq!(error, AuthorizationError::TooLarge);
        assert_eq!(
            error.to_string(),
            "Authorization header is larger than 8192 bytes"
        );
    }

    #[test]
    fn empty_header_is_rejected() {
        for header in ["", "   ", "\t\r\n"] {
            let error = parse_authorization(header.as_bytes()).unwrap_err();
            assert_eq!(error, AuthorizationError::Empty, "{header:?}");
        }
    }

    #[test]
    fn bearer_token_is_kept_verbatim() {
        let token = "abcDEF0123-._~+/==";
        let parsed = parse_authorization(format!("Bearer {token}").as_bytes());
        assert_eq!(expect_bearer(parsed), token);
    }

    #[test]
    fn empty_bearer_is_rejected() {
        for header in ["Bearer", "Bearer ", "bearer \t "] {
            let error = parse_authorization(header.as_bytes()).unwrap_err();
            assert_eq!(error, AuthorizationError::BearerEmpty, "{header:?}");
        }
    }

    #[test]
    fn bearer_with_space_is_rejected_without_echoing_it() {
        let error = parse_authorization(b"Bearer secret-part other-part").unwrap_err();
        assert_eq!(error, AuthorizationError::BearerInvalidCharacters);
        assert_does_not_echo(&error, "secret-part");
        assert_does_not_echo(&error, "other-part");
    }

    #[test]
    fn bearer_with_control_or_non_ascii_is_rejected() {
        for header in ["Bearer abc\u{1}def", "Bearer abc\u{7f}", "Bearer tökén"] {
            let error = parse_authorization(header.as_bytes()).unwrap_err();
            assert_eq!(
                error,
                AuthorizationError::BearerInvalidCharacters,
                "{header:?}"
            );
        }
    }

    #[test]
    fn unknown_scheme_is_named_but_its_value_is_not() {
        let error =
            parse_authorization(b"Digest username=\"alice\", response=\"6629fae4\"").unwrap_err();
        assert_eq!(
            error,
            AuthorizationError::UnsupportedScheme("Digest".to_owned())
        );
        assert_eq!(
            error.to_string(),
            "unsupported authorization scheme 'Digest'; use Basic or Bearer"
        );
        assert_does_not_echo(&error, "6629fae4");
    }

    #[test]
    fn echoed_scheme_is_capped_at_32_characters() {
        let long_scheme = format!("{}{}", "S".repeat(32), "TAIL");
        let error = parse_authorization(format!("{long_scheme} value").as_bytes()).unwrap_err();
        assert_eq!(error, AuthorizationError::UnsupportedScheme("S".repeat(32)));
        assert!(!error.to_string().contains("TAIL"));
    }

    #[test]
    fn scheme_with_non_token_characters_is_not_echoed() {
        let error = parse_authorization("Sch\u{1b}[31meme value".as_bytes()).unwrap_err();
        assert_eq!(error, AuthorizationError::InvalidScheme);
        assert!(!error.to_string().contains('\u{1b}'));
        let error = parse_authorization(b"Basic\xc2\xa0YWxpY2U6cHc= x").unwrap_err();
        assert_eq!(error, AuthorizationError::InvalidScheme);
        assert_does_not_echo(&error, "YWxpY2U6cHc=");
    }

    #[test]
    fn single_unknown_word_is_not_echoed() {
        // Most likely a token sent without "Bearer ", so it must not appear in the message.
        let error = parse_authorization(b"ghp_0123456789abcdefghij").unwrap_err();
        assert_eq!(error, AuthorizationError::UnknownSingleWord);
        assert_does_not_echo(&error, "ghp_0123456789abcdefghij");
    }

    #[test]
    fn debug_of_presented_credentials_hides_secrets() {
        let basic = parse_authorization(&basic_header(b"alice:hunter2-password")).unwrap();
        let debug = format!("{basic:?}");
        assert!(debug.contains("alice"), "{debug}");
        assert!(!debug.contains("hunter2-password"), "{debug}");

        let bearer = parse_authorization(b"Bearer tok-0123456789-secret").unwrap();
        let debug = format!("{bearer:?}");
        assert!(!debug.contains("tok-0123456789-secret"), "{debug}");
    }
}
