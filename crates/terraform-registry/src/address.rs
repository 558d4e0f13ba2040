//! `namespace/name/provider`: a module's address in the registry protocol.

use std::fmt;

/// A validated module address, as in `/v1/modules/{namespace}/{name}/{provider}/…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModuleAddress {
    namespace: String,
    name: String,
    provider: String,
}

/// Which part of a module address was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPart {
    /// The first segment (usually the GitHub owner).
    Namespace,
    /// The second segment.
    Name,
    /// The third segment, Terraform's "target system" (`aws`, `null`, …).
    Provider,
}

impl fmt::Display for AddressPart {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Namespace => "namespace",
            Self::Name => "name",
            Self::Provider => "provider",
        })
    }
}

/// A module address that breaks Terraform's rules; the message names the bad segment and is
/// safe to send back to the client (404/400 body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// One segment has the wrong characters or length.
    #[error("invalid module {part} '{value}': {rule}")]
    InvalidSegment {
        /// Which segment.
        part: AddressPart,
        /// The segment as received, shortened and with control characters replaced.
        value: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// Not exactly three segments.
    #[error("a module address has three segments, namespace/name/provider; got {0}")]
    WrongSegmentCount(usize),
}

const NAME_RULE: &str =
    "use 1 to 64 ASCII letters, digits, '-' or '_', starting and ending with a letter or digit";
const PROVIDER_RULE: &str = "use 1 to 64 lowercase ASCII letters or digits";

impl ModuleAddress {
    /// Checks each segment with Terraform's rules (terraform-registry-address): namespace and
    /// name `[0-9A-Za-z]([0-9A-Za-z_-]{0,62}[0-9A-Za-z])?`, provider `[0-9a-z]{1,64}`.
    /// Case is kept as given, as Terraform does.
    pub fn new(namespace: &str, name: &str, provider: &str) -> Result<Self, AddressError> {
        check_name(AddressPart::Namespace, namespace)?;
        check_name(AddressPart::Name, name)?;
        check_provider(provider)?;
        Ok(Self {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            provider: provider.to_owned(),
        })
    }

    /// Parses `namespace/name/provider` (leading and trailing `/` ignored).
    pub fn parse(path: &str) -> Result<Self, AddressError> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            [namespace, name, provider] => Self::new(namespace, name, provider),
            other => Err(AddressError::WrongSegmentCount(other.len())),
        }
    }

    /// The namespace segment.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The name segment.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The provider (target system) segment.
    pub fn provider(&self) -> &str {
        &self.provider
    }
}

impl fmt::Display for ModuleAddress {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}/{}/{}",
            self.namespace, self.name, self.provider
        )
    }
}

fn check_name(part: AddressPart, value: &str) -> Result<(), AddressError> {
    let bytes = value.as_bytes();
    let edges_ok = matches!(
        (bytes.first(), bytes.last()),
        (Some(first), Some(last)) if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric()
    );
    let body_ok = bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if edges_ok && body_ok && bytes.len() <= 64 {
        Ok(())
    } else {
        Err(invalid(part, value, NAME_RULE))
    }
}

fn check_provider(value: &str) -> Result<(), AddressError> {
    let ok = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(invalid(AddressPart::Provider, value, PROVIDER_RULE))
    }
}

fn invalid(part: AddressPart, value: &str, rule: &'static str) -> AddressError {
    AddressError::InvalidSegment {
        part,
        value: printable(value),
        rule,
    }
}

/// Shortened (80 characters), control-free text for error messages and logs: what a client
/// sent, echoed without letting it forge log lines.
pub fn printable(text: &str) -> String {
    const LIMIT: usize = 80;
    let mut shown: String = text
        .chars()
        .take(LIMIT)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > LIMIT {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_terraform_style_addresses() {
        let address = ModuleAddress::new("Acme_Corp", "vpc-network", "aws").expect("valid");
        assert_eq!(address.to_string(), "Acme_Corp/vpc-network/aws");
        assert_eq!(
            ModuleAddress::parse("/hashicorp/consul/aws/").expect("valid"),
            ModuleAddress::new("hashicorp", "consul", "aws").expect("valid")
        );
        assert!(ModuleAddress::new("a", "b", "null").is_ok());
        assert!(ModuleAddress::new(&"n".repeat(64), "b", &"p".repeat(64)).is_ok());
    }

    #[test]
    fn bad_namespace_is_named_in_the_error() {
        for bad in [
            "",
            "-acme",
            "acme-",
            "_x",
            "a.b",
            "a b",
            "ä",
            "a/b",
            &"n".repeat(65),
        ] {
            let error = ModuleAddress::new(bad, "name", "aws").expect_err(bad);
            assert!(
                matches!(
                    error,
                    AddressError::InvalidSegment {
                        part: AddressPart::Namespace,
                        ..
                    }
                ),
                "{bad}: {error}"
            );
            assert!(
                error.to_string().starts_with("invalid module namespace"),
                "{error}"
            );
        }
    }

    #[test]
    fn bad_name_is_named_in_the_error() {
        let error = ModuleAddress::new("acme", "..", "aws").expect_err("dots");
        assert_eq!(
            error.to_string(),
            format!("invalid module name '..': {NAME_RULE}")
        );
    }

    #[test]
    fn provider_must_be_lowercase_alphanumeric() {
        for bad in ["", "AWS", "my-cloud", "a_b", &"p".repeat(65)] {
            let error = ModuleAddress::new("acme", "vpc", bad).expect_err(bad);
            assert!(
                matches!(
                    error,
                    AddressError::InvalidSegment {
                        part: AddressPart::Provider,
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn segment_count_is_checked() {
        assert_eq!(
            ModuleAddress::parse("a/b"),
            Err(AddressError::WrongSegmentCount(2))
        );
        assert_eq!(
            ModuleAddress::parse("a/b/c/d"),
            Err(AddressError::WrongSegmentCount(4))
        );
    }

    #[test]
    fn error_values_are_sanitised() {
        let error = ModuleAddress::new("a\nb", "x", "aws").expect_err("newline");
        assert!(!error.to_string().contains('\n'));
    }
}
