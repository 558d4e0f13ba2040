//! `namespace/type`: a provider's address in the registry protocol, and the hostname a network
//! mirror files it under.

use std::fmt;

use terraform_registry::printable;

/// A provider `NAMESPACE/TYPE` as Terraform sends it: both parts already normalized by
/// Terraform (lowercase letters, digits and single dashes inside).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderAddress {
    namespace: String,
    provider_type: String,
}

/// A provider address Terraform would never send; the message is safe for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid provider {part} '{value}': use 1 to 64 lowercase letters, digits or single dashes, not at either end")]
pub struct AddressError {
    /// `namespace`, `type` or `hostname`.
    pub part: &'static str,
    /// The value as received (shortened, control characters replaced).
    pub value: String,
}

impl ProviderAddress {
    /// Checks both parts with Terraform's `ParseProviderPart` rules, restricted to ASCII (what
    /// GitHub names and directory names can hold). Upper case is folded, as Terraform folds it.
    pub fn new(namespace: &str, provider_type: &str) -> Result<Self, AddressError> {
        Ok(Self {
            namespace: provider_part("namespace", namespace)?,
            provider_type: provider_part("type", provider_type)?,
        })
    }

    /// The namespace (for the GitHub origin, by default the repository owner).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The provider type (`aws`, `hello`).
    pub fn provider_type(&self) -> &str {
        &self.provider_type
    }
}

impl fmt::Display for ProviderAddress {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.namespace, self.provider_type)
    }
}

fn provider_part(part: &'static str, value: &str) -> Result<String, AddressError> {
    let folded = value.to_ascii_lowercase();
    let bytes = folded.as_bytes();
    let valid = (1..=64).contains(&bytes.len())
        && bytes
            .iter()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || *byte == b'-')
        && !folded.starts_with('-')
        && !folded.ends_with('-')
        && !folded.contains("--");
    if valid {
        Ok(folded)
    } else {
        Err(AddressError {
            part,
            value: printable(value),
        })
    }
}

/// The origin registry's hostname in a network mirror path (`registry.terraform.io`,
/// `registry.example.com:8443`), as Terraform writes it: lowercase, optionally with a port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistryHostname(String);

impl RegistryHostname {
    /// Accepts DNS names and IPv4 addresses (labels of letters, digits and dashes, dots between)
    /// with an optional `:port`; refuses anything that could leave the mirror directory.
    pub fn new(hostname: &str) -> Result<Self, AddressError> {
        let invalid = || AddressError {
            part: "hostname",
            value: printable(hostname),
        };
        let folded = hostname.to_ascii_lowercase();
        let (host, port) = match folded.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (folded.as_str(), None),
        };
        let labels_ok = !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                (1..=63).contains(&label.len())
                    && label
                        .bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        let port_ok = port.is_none_or(|port| {
            !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|byte| byte.is_ascii_digit())
                && port.parse::<u16>().is_ok_and(|number| number > 0)
        });
        if labels_ok && port_ok {
            Ok(Self(folded))
        } else {
            Err(invalid())
        }
    }

    /// The hostname as it appears in paths.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegistryHostname {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_style_parts_are_accepted_and_folded() {
        let address = ProviderAddress::new("Acme", "hello-world").expect("valid");
        assert_eq!(address.to_string(), "acme/hello-world");
        assert_eq!(address.namespace(), "acme");
        assert_eq!(address.provider_type(), "hello-world");
        assert!(ProviderAddress::new("a", &"b".repeat(64)).is_ok());
        assert!(ProviderAddress::new("hashicorp", "google-beta").is_ok());
    }

    #[test]
    fn parts_terraform_refuses_are_refused_and_named() {
        for (namespace, provider_type, part) in [
            ("", "x", "namespace"),
            ("-acme", "x", "namespace"),
            ("acme-", "x", "namespace"),
            ("ac--me", "x", "namespace"),
            ("ac_me", "x", "namespace"),
            ("a.b", "x", "namespace"),
            ("..", "x", "namespace"),
            ("acme", "hello~1", "type"),
            ("acme", "hello+1", "type"),
            ("acme", "hel lo", "type"),
            ("acme", "%2e%2e", "type"),
            ("acme", "ä", "type"),
            ("acme", &"t".repeat(65), "type"),
        ] {
            let error = ProviderAddress::new(namespace, provider_type).expect_err(provider_type);
            assert_eq!(error.part, part, "{namespace}/{provider_type}");
            assert!(error
                .to_string()
                .starts_with(&format!("invalid provider {part} ")));
        }
        let error = ProviderAddress::new("a\nb", "x").expect_err("newline");
        assert!(!error.to_string().contains('\n'));
    }

    #[test]
    fn mirror_hostnames() {
        for good in [
            "registry.terraform.io",
            "Registry.Example.COM:8443",
            "127.0.0.1:40123",
            "localhost",
        ] {
            let hostname = RegistryHostname::new(good).expect(good);
            assert_eq!(hostname.as_str(), good.to_ascii_lowercase());
        }
        for bad in [
            "",
            "..",
            ".",
            "a..b",
            "-a.com",
            "a.com:",
            "a.com:0",
            "a.com:65536",
            "a.com:80:80",
            "a/b",
            "a_b.com",
            "[::1]:80",
            "exa mple.com",
        ] {
            assert!(RegistryHostname::new(bad).is_err(), "{bad:?} accepted");
        }
    }
}
