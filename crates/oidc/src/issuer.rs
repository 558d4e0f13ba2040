//! The issuer URL: what an operator may configure, and the URLs derived from it.

use crate::errors::OidcConfigError;

/// Where GitHub publishes its signing keys for `issuer` (GitHub serves them here, and the
/// issuer's OpenID configuration names the same place).
pub fn jwks_url(issuer: &str) -> String {
    format!("{}/.well-known/jwks", without_trailing_slash(issuer))
}

/// The issuer's OpenID Connect discovery document (OpenID Connect Discovery 1.0 §4).
pub fn openid_configuration_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        without_trailing_slash(issuer)
    )
}

/// Discovery §4: a terminating `/` is removed before appending the well-known path. The
/// issuer itself is still compared to `iss` exactly, slash and all.
fn without_trailing_slash(issuer: &str) -> &str {
    issuer.strip_suffix('/').unwrap_or(issuer)
}

/// Accepts https issuers, and plain http only to this machine so tests can run a fake issuer;
/// anything else would let a network attacker swap the keys.
pub(crate) fn validate_issuer(issuer: &str) -> Result<(), OidcConfigError> {
    if issuer.is_empty() {
        return Err(OidcConfigError::InvalidIssuer("it is empty"));
    }
    if issuer.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(OidcConfigError::InvalidIssuer(
            "it contains whitespace or control characters",
        ));
    }
    if issuer.contains(['?', '#']) {
        return Err(OidcConfigError::InvalidIssuer(
            "it has a query or fragment (OpenID issuers have neither)",
        ));
    }
    let origin = Origin::parse(issuer).ok_or(OidcConfigError::InvalidIssuer(
        "it is not an http(s) URL with a host",
    ))?;
    match origin.scheme {
        Scheme::Https => Ok(()),
        Scheme::Http if origin.is_loopback() => Ok(()),
        Scheme::Http => Err(OidcConfigError::InvalidIssuer(
            "it must use https (plain http only to 127.0.0.1, localhost or [::1])",
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// Scheme, host and port of a URL: what "same origin" compares (RFC 6454).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) scheme: Scheme,
    /// Lowercased: host names are case-insensitive.
    pub(crate) host: String,
    /// Explicit or the scheme's default, so `https://h` and `https://h:443` are one origin.
    pub(crate) port: u16,
}

impl Origin {
    /// Parses the origin of an absolute http(s) URL. Userinfo (`user@host`) is refused
    /// outright: it is the classic way to make `https://trusted@evil` look trusted.
    pub(crate) fn parse(url: &str) -> Option<Origin> {
        let (scheme, rest, default_port) = if let Some(rest) = url.strip_prefix("https://") {
            (Scheme::Https, rest, 443)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (Scheme::Http, rest, 80)
        } else {
            return None;
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if authority.is_empty()
            || authority.contains('@')
            || authority.contains('\\')
            || authority
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return None;
        }
        let (host, port) = split_host_port(authority, default_port)?;
        if host.is_empty() {
            return None;
        }
        Some(Origin {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    fn is_loopback(&self) -> bool {
        matches!(self.host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
    }
}

fn split_host_port(authority: &str, default_port: u16) -> Option<(&str, u16)> {
    // An IPv6 literal keeps its brackets; its colons are not a port separator.
    let (host, after_host) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        (&authority[..=close], &authority[close + 1..])
    } else {
        match authority.find(':') {
            Some(colon) => (&authority[..colon], &authority[colon..]),
            None => (authority, ""),
        }
    };
    let port = match after_host.strip_prefix(':') {
        None if after_host.is_empty() => default_port,
        None => return None,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()?
        }
        Some(_) => return None,
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls_follow_discovery() {
        let issuer = "https://token.actions.githubusercontent.com";
        assert_eq!(
            jwks_url(issuer),
            "https://token.actions.githubusercontent.com/.well-known/jwks"
        );
        assert_eq!(
            openid_configuration_url("https://ghes.example/_services/token/"),
            "https://ghes.example/_services/token/.well-known/openid-configuration"
        );
    }

    #[test]
    fn https_and_loopback_http_issuers_are_accepted() {
        for issuer in [
            "https://token.actions.githubusercontent.com",
            "https://token.actions.githubusercontent.com/my-enterprise",
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9000/issuer",
        ] {
            assert_eq!(validate_issuer(issuer), Ok(()), "{issuer}");
        }
    }

    #[test]
    fn other_issuers_are_refused() {
        for issuer in [
            "",
            "token.actions.githubusercontent.com",
            "http://token.actions.githubusercontent.com",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://localhost@evil.example",
            "https://",
            "https://host/?q",
            "https://host/#f",
            "https://ho st",
            "ftp://host",
            "https://host:port",
        ] {
            assert!(validate_issuer(issuer).is_err(), "{issuer}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let a = Origin::parse("https://Token.Example/path");
        let b = Origin::parse("https://token.example:443/other");
        assert!(a.is_some());
        assert_eq!(a, b);
        assert_ne!(a, Origin::parse("http://token.example/path"));
        assert_ne!(a, Origin::parse("https://token.example:8443/path"));
        assert_ne!(a, Origin::parse("https://token.example.evil/path"));
        assert_eq!(Origin::parse("https://token.example@evil/"), None);
    }
}
