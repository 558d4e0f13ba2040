//! How clients reach this registry, as far as the request tells.

use serde::Serialize;

/// Scheme and host (with port) that apt, Terraform and browsers use for this registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientEndpoint {
    /// `http` or `https`.
    pub scheme: String,
    /// `registry.example.com` or `127.0.0.1:3000`.
    pub host: String,
}

/// Shown when the request names no usable host.
const PLACEHOLDER_HOST: &str = "registry.example.com";

impl ClientEndpoint {
    /// From the request's `Host` header and the scheme it arrived with. A TLS-terminating
    /// proxy's `X-Forwarded-Proto: https` wins, since clients then speak https. A host that
    /// is not a plain `name[:port]` (the header is the client's to write) gives a placeholder.
    pub fn from_request(
        host: Option<&str>,
        scheme: Option<&str>,
        forwarded_proto: Option<&str>,
    ) -> Self {
        let host = host
            .map(str::trim)
            .filter(|host| is_plain_host(host))
            .unwrap_or(PLACEHOLDER_HOST)
            .to_ascii_lowercase();
        let https = forwarded_proto
            .map(|proto| proto.trim().eq_ignore_ascii_case("https"))
            .unwrap_or(false)
            || scheme.is_some_and(|scheme| scheme.eq_ignore_ascii_case("https"));
        Self {
            scheme: if https { "https" } else { "http" }.to_owned(),
            host,
        }
    }

    /// From the URL the runtime says the client used (Spin and wharf-host pass it as
    /// `spin-full-url`, built from the client's `Host`, which wasi:http keeps out of the
    /// headers), else from a `Host` header; then as [`ClientEndpoint::from_request`].
    pub fn from_full_url(
        full_url: Option<&str>,
        host: Option<&str>,
        forwarded_proto: Option<&str>,
    ) -> Self {
        let full_url = full_url.and_then(|url| url.split_once("://"));
        let scheme = full_url.map(|(scheme, _)| scheme);
        let host = full_url
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default())
            .or(host);
        Self::from_request(host, scheme, forwarded_proto)
    }

    /// `scheme://host`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }

    /// Whether Terraform can use the host in a module source as it is: Terraform speaks only
    /// https to registries, and a host name needs a dot (`localhost:3000` is refused).
    pub fn terraform_ready(&self) -> bool {
        let name = self
            .host
            .rsplit_once(':')
            .map_or(self.host.as_str(), |(name, _)| name);
        self.scheme == "https" && name.contains('.')
    }

    /// The host a module source names: this registry's when Terraform can reach it as it is,
    /// otherwise the made-up name [`crate::snippets::terraform_configuration`] maps to it.
    pub fn terraform_host(&self) -> &str {
        if self.terraform_ready() {
            &self.host
        } else {
            crate::snippets::TERRAFORM_ALIAS
        }
    }
}

/// `name[:port]` of letters, digits, `.`, `-` (and `[…]` for IPv6 literals): nothing that
/// would need escaping inside a snippet's quotes.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b':' | b'[' | b']')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_scheme_from_the_request() {
        let plain = ClientEndpoint::from_request(Some("127.0.0.1:3000"), Some("http"), None);
        assert_eq!(plain.base_url(), "http://127.0.0.1:3000");
        assert!(!plain.terraform_ready());
        let proxied =
            ClientEndpoint::from_request(Some("Registry.Home.Arpa"), Some("http"), Some("https"));
        assert_eq!(proxied.base_url(), "https://registry.home.arpa");
        assert!(proxied.terraform_ready());
        assert!(
            !ClientEndpoint::from_request(Some("localhost:3443"), Some("https"), None)
                .terraform_ready()
        );
    }

    #[test]
    fn host_and_scheme_from_the_full_url() {
        let endpoint = ClientEndpoint::from_full_url(
            Some("https://Registry.example.org:8443/catalogue/modules?x=1"),
            Some("ignored.example"),
            None,
        );
        assert_eq!(endpoint.base_url(), "https://registry.example.org:8443");
        let endpoint = ClientEndpoint::from_full_url(Some("http://h.example?q"), None, None);
        assert_eq!(endpoint.base_url(), "http://h.example");
        let endpoint = ClientEndpoint::from_full_url(None, Some("127.0.0.1:3000"), Some("https"));
        assert_eq!(endpoint.base_url(), "https://127.0.0.1:3000");
        let endpoint = ClientEndpoint::from_full_url(Some("http://user@evil.example/"), None, None);
        assert_eq!(endpoint.host, PLACEHOLDER_HOST);
    }

    #[test]
    fn a_hostile_host_header_becomes_a_placeholder() {
        for hostile in ["evil\"><script>", "a b", "", "x/y", "host\r\nset-cookie: x"] {
            let endpoint = ClientEndpoint::from_request(Some(hostile), None, None);
            assert_eq!(endpoint.host, PLACEHOLDER_HOST, "{hostile:?}");
        }
        assert_eq!(
            ClientEndpoint::from_request(None, None, None).host,
            PLACEHOLDER_HOST
        );
    }
}
