//! Provider versions: strict semantic versions, as Terraform parses them. A registry answer
//! with one version Terraform cannot parse fails the whole provider, so anything else is left
//! out before it is listed.

use std::fmt;

use semver::Version;

/// A provider version `X.Y.Z[-pre][+build]`, printed canonically (no `v`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderVersion(Version);

impl ProviderVersion {
    /// The version a release tag names: `v1.2.3` or `1.2.3` (GoReleaser's `{{ .Version }}` is
    /// the tag without its `v`). Two-part tags and anything else are not provider versions.
    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::parse(tag.strip_prefix('v').unwrap_or(tag))
    }

    /// A version exactly as Terraform writes it in a request path or a file name.
    pub fn parse(text: &str) -> Option<Self> {
        // semver accepts leading/trailing nothing else, but refuses leading zeros and empty
        // identifiers just as Terraform does; the length cap keeps paths and logs sane.
        if text.len() > 128 {
            return None;
        }
        Version::parse(text).ok().map(Self)
    }

    /// Whether this is a pre-release (Terraform selects those only by an exact pin).
    pub fn is_prerelease(&self) -> bool {
        !self.0.pre.is_empty()
    }
}

impl fmt::Display for ProviderVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

impl serde::Serialize for ProviderVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ProviderVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("not a provider version"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> Option<String> {
        ProviderVersion::from_tag(text).map(|version| version.to_string())
    }

    #[test]
    fn tags_with_and_without_v() {
        assert_eq!(tag("v1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(tag("1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(tag("v2.0.0-rc.1").as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(tag("v1.0.0+build.7").as_deref(), Some("1.0.0+build.7"));
        assert!(ProviderVersion::from_tag("v2.0.0-rc.1").is_some_and(|v| v.is_prerelease()));
        assert!(!ProviderVersion::from_tag("v2.0.0").is_some_and(|v| v.is_prerelease()));
    }

    #[test]
    fn non_versions_are_refused() {
        for text in [
            "",
            "v",
            "latest",
            "v1",
            "v1.2",
            "1.2.3.4",
            "01.2.3",
            "1.2.3-",
            "1.2.3+",
            "vv1.2.3",
            "V1.2.3",
            "1.2.3~rc1",
            "1.2.3 ",
            " 1.2.3",
            "1.2.3-é",
            "1.2.3/../x",
        ] {
            assert_eq!(tag(text), None, "{text:?}");
        }
        assert!(ProviderVersion::parse(&format!("1.0.0-{}", "a".repeat(200))).is_none());
        assert!(
            ProviderVersion::parse("v1.0.0").is_none(),
            "requests carry no v"
        );
    }

    #[test]
    fn ordering_is_semver_precedence() {
        let mut versions: Vec<ProviderVersion> =
            ["1.10.0", "1.2.0", "2.0.0-beta.2", "2.0.0-beta.11", "2.0.0"]
                .iter()
                .filter_map(|text| ProviderVersion::parse(text))
                .collect();
        versions.sort();
        let listed: Vec<String> = versions.iter().map(ToString::to_string).collect();
        assert_eq!(
            listed,
            ["1.2.0", "1.10.0", "2.0.0-beta.2", "2.0.0-beta.11", "2.0.0"]
        );
    }
}
