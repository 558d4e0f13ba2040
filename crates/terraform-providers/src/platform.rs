//! A target platform, `os` and `arch` (`linux`/`amd64`), as Terraform names it.

use std::fmt;

use terraform_registry::printable;

/// `os_arch`, each part lowercase letters and digits (GOOS/GOARCH names).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Platform {
    os: String,
    arch: String,
}

/// An `os` or `arch` no Terraform platform has; safe to show the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid platform {part} '{value}': use lowercase letters and digits, like linux/amd64")]
pub struct PlatformError {
    /// `os` or `arch`.
    pub part: &'static str,
    /// The value as received (shortened, control characters replaced).
    pub value: String,
}

impl Platform {
    /// Checks both parts.
    pub fn new(os: &str, arch: &str) -> Result<Self, PlatformError> {
        Ok(Self {
            os: part("os", os)?,
            arch: part("arch", arch)?,
        })
    }

    /// Parses `os_arch` (the form in file names and mirror documents).
    pub fn parse(text: &str) -> Option<Self> {
        let (os, arch) = text.split_once('_')?;
        Self::new(os, arch).ok()
    }

    /// The operating system (`linux`, `darwin`, `windows`).
    pub fn os(&self) -> &str {
        &self.os
    }

    /// The CPU architecture (`amd64`, `arm64`, `386`).
    pub fn arch(&self) -> &str {
        &self.arch
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}_{}", self.os, self.arch)
    }
}

impl serde::Serialize for Platform {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Platform {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("not an os_arch platform"))
    }
}

fn part(name: &'static str, value: &str) -> Result<String, PlatformError> {
    let valid = (1..=32).contains(&value.len())
        && value
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit());
    if valid {
        Ok(value.to_owned())
    } else {
        Err(PlatformError {
            part: name,
            value: printable(value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_parse_and_print_as_os_arch() {
        let platform = Platform::parse("linux_amd64").expect("valid");
        assert_eq!((platform.os(), platform.arch()), ("linux", "amd64"));
        assert_eq!(platform.to_string(), "linux_amd64");
        assert_eq!(
            Platform::parse("windows_386")
                .map(|p| p.to_string())
                .as_deref(),
            Some("windows_386")
        );
        for bad in [
            "linux",
            "linux_",
            "_amd64",
            "linux_amd64_v2",
            "Linux_amd64",
            "linux_x86-64",
            "a_b.zip",
        ] {
            assert!(Platform::parse(bad).is_none(), "{bad}");
        }
        let error = Platform::new("linux", "AMD64").expect_err("upper case");
        assert_eq!(error.part, "arch");
    }
}
