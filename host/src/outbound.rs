//! `allowed_outbound_hosts`: which hosts a component may call, with Spin's syntax
//! (`https://api.github.com`, `http://127.0.0.1:8080`, `https://*.githubusercontent.com`,
//! `*://example.com:*`). A request to anything else is denied, as Spin denies it.

#[derive(Debug, Clone, PartialEq, Eq)]
enum SchemePattern {
    Any,
    Exactly(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    /// `*.example.com`: any host below `example.com` (not `example.com` itself).
    SubdomainsOf(String),
    Exactly(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortPattern {
    Any,
    /// No port written: the scheme's default (80 for http, 443 for https).
    SchemeDefault,
    Exactly(u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    scheme: SchemePattern,
    host: HostPattern,
    port: PortPattern,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("allowed_outbound_hosts entry '{entry}' is invalid: {reason}")]
pub struct AllowedHostError {
    entry: String,
    reason: &'static str,
}

impl AllowedHost {
    pub fn parse(entry: &str) -> Result<Self, AllowedHostError> {
        let invalid = |reason| AllowedHostError {
            entry: entry.to_owned(),
            reason,
        };
        let (scheme, rest) = entry
            .split_once("://")
            .ok_or_else(|| invalid("write it as scheme://host[:port]"))?;
        let scheme = match scheme {
            "*" => SchemePattern::Any,
            "http" | "https" => SchemePattern::Exactly(scheme.to_owned()),
            _ => return Err(invalid("the scheme must be http, https or *")),
        };
        let authority = match rest.split_once('/') {
            Some((authority, "")) => authority,
            Some(_) => return Err(invalid("it must not have a path")),
            None => rest,
        };
        let (host, port) =
            split_host_port(authority).ok_or_else(|| invalid("the port must be a number or *"))?;
        let port = match port {
            None => PortPattern::SchemeDefault,
            Some("*") => PortPattern::Any,
            Some(number) => PortPattern::Exactly(
                number
                    .parse()
                    .map_err(|_| invalid("the port must be a number or *"))?,
            ),
        };
        if port == PortPattern::SchemeDefault && scheme == SchemePattern::Any {
            return Err(invalid("with scheme * the port must be given"));
        }
        let host = host.to_ascii_lowercase();
        let host = if host == "*" {
            HostPattern::Any
        } else if let Some(domain) = host.strip_prefix("*.") {
            HostPattern::SubdomainsOf(domain.to_owned())
        } else if host.is_empty() || host.contains('*') {
            return Err(invalid(
                "the host must be a name, an address, * or *.domain",
            ));
        } else {
            HostPattern::Exactly(host)
        };
        Ok(Self { scheme, host, port })
    }

    fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        let scheme_matches = match &self.scheme {
            SchemePattern::Any => true,
            SchemePattern::Exactly(allowed) => allowed == scheme,
        };
        let host = host.to_ascii_lowercase();
        let host_matches = match &self.host {
            HostPattern::Any => true,
            HostPattern::SubdomainsOf(domain) => host
                .strip_suffix(domain.as_str())
                .is_some_and(|below| below.ends_with('.') && below.len() > 1),
            HostPattern::Exactly(allowed) => *allowed == host,
        };
        let port_matches = match self.port {
            PortPattern::Any => true,
            PortPattern::SchemeDefault => default_port(scheme) == Some(port),
            PortPattern::Exactly(allowed) => allowed == port,
        };
        scheme_matches && host_matches && port_matches
    }
}

/// Splits `host[:port]`, keeping `[v6]` literals whole.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (address, after) = bracketed.split_once(']')?;
        return match after {
            "" => Some((address, None)),
            _ => after.strip_prefix(':').map(|port| (address, Some(port))),
        };
    }
    Some(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// One component's allow-list.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    entries: Vec<AllowedHost>,
}

impl AllowedHosts {
    pub fn parse<'e>(entries: impl IntoIterator<Item = &'e str>) -> Result<Self, AllowedHostError> {
        Ok(Self {
            entries: entries
                .into_iter()
                .map(AllowedHost::parse)
                .collect::<Result<_, _>>()?,
        })
    }

    /// Whether a request to `uri` may leave the host.
    pub fn allows(&self, uri: &http::Uri) -> bool {
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return false;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let Some(port) = uri.port_u16().or_else(|| default_port(scheme)) else {
            return false;
        };
        self.entries
            .iter()
            .any(|entry| entry.allows(scheme, host, port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(entries: &[&str], uri: &str) -> bool {
        AllowedHosts::parse(entries.iter().copied())
            .expect("valid entries")
            .allows(&uri.parse().expect("valid uri"))
    }

    #[test]
    fn exact_host_with_default_port() {
        let github = ["https://api.github.com"];
        assert!(allows(&github, "https://api.github.com/repos/a/b"));
        assert!(allows(&github, "https://API.GitHub.com:443/"));
        assert!(!allows(&github, "http://api.github.com/"));
        assert!(!allows(&github, "https://api.github.com:8443/"));
        assert!(!allows(&github, "https://evil.com/"));
        assert!(!allows(&github, "https://api.github.com.evil.com/"));
    }

    #[test]
    fn explicit_port_must_match() {
        let local = ["http://127.0.0.1:8080"];
        assert!(allows(&local, "http://127.0.0.1:8080/x"));
        assert!(!allows(&local, "http://127.0.0.1:8081/x"));
        assert!(!allows(&local, "http://127.0.0.1/x"));
    }

    #[test]
    fn subdomain_wildcard_excludes_the_domain_itself() {
        let assets = ["https://*.githubusercontent.com"];
        assert!(allows(&assets, "https://objects.githubusercontent.com/x"));
        assert!(allows(
            &assets,
            "https://release-assets.githubusercontent.com/x"
        ));
        assert!(!allows(&assets, "https://githubusercontent.com/x"));
        assert!(!allows(&assets, "https://evilgithubusercontent.com/x"));
    }

    #[test]
    fn any_scheme_and_port() {
        assert!(allows(&["*://example.com:*"], "http://example.com:1234/"));
        assert!(allows(&["*://*:*"], "https://anything.test/"));
        assert!(!allows(&[], "https://anything.test/"));
    }

    #[test]
    fn ipv6_literals() {
        assert!(allows(&["http://[::1]:9000"], "http://[::1]:9000/"));
        assert!(!allows(&["http://[::1]:9000"], "http://[::2]:9000/"));
    }

    #[test]
    fn invalid_entries_say_why() {
        for (entry, reason) in [
            ("api.github.com", "scheme://host"),
            ("ftp://x.com", "scheme must be"),
            ("https://x.com/api/v3", "path"),
            ("https://x.com:http", "port"),
            ("*://x.com", "port must be given"),
            ("https://a*b.com", "host must be"),
        ] {
            let error = AllowedHost::parse(entry).expect_err(entry);
            assert!(error.to_string().contains(reason), "{entry}: {error}");
        }
        assert!(AllowedHost::parse("https://x.com/").is_ok());
    }
}
