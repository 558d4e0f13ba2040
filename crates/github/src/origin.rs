//! Scheme + host + port of a URL: the unit that decides whether a token may travel along.

use http::Uri;

/// The origin of an absolute http(s) URL, normalised so that `https://Example.com` and
/// `https://example.com:443` compare equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) scheme: Scheme,
    pub(crate) host: String,
    pub(crate) port: u16,
}

/// The two schemes wharf ever talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// Why a URL has no usable origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginProblem {
    /// Relative URL: no scheme or no host.
    NotAbsolute,
    /// A scheme other than http or https.
    UnsupportedScheme(String),
    /// `user:password@` in the authority: credentials have no business in a URL here.
    HasUserInfo,
}

impl Origin {
    pub(crate) fn of(uri: &Uri) -> Result<Self, OriginProblem> {
        let scheme = match uri.scheme_str() {
            None => return Err(OriginProblem::NotAbsolute),
            Some(s) if s.eq_ignore_ascii_case("https") => Scheme::Https,
            Some(s) if s.eq_ignore_ascii_case("http") => Scheme::Http,
            Some(other) => return Err(OriginProblem::UnsupportedScheme(other.to_owned())),
        };
        let authority = uri.authority().ok_or(OriginProblem::NotAbsolute)?;
        if authority.as_str().contains('@') {
            return Err(OriginProblem::HasUserInfo);
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(OriginProblem::NotAbsolute);
        }
        let default_port = match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        Ok(Self {
            scheme,
            host: host.to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default_port),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: &str) -> Result<Origin, OriginProblem> {
        Origin::of(&url.parse::<Uri>().expect("test URLs are valid"))
    }

    #[test]
    fn default_ports_and_case_are_normalised() {
        assert_eq!(
            origin("https://API.github.com/x"),
            origin("https://api.github.com:443/y")
        );
        assert_eq!(origin("http://h/"), origin("http://h:80/"));
        assert_ne!(origin("http://h/"), origin("https://h/"));
        assert_ne!(origin("http://h:8080/"), origin("http://h/"));
    }

    #[test]
    fn problems_are_reported() {
        assert_eq!(origin("/relative"), Err(OriginProblem::NotAbsolute));
        assert_eq!(
            origin("ftp://h/x"),
            Err(OriginProblem::UnsupportedScheme("ftp".to_owned()))
        );
        assert_eq!(origin("https://u:p@h/x"), Err(OriginProblem::HasUserInfo));
    }
}
