//! The request paths of the provider registry protocol and of the network mirror, read into
//! what they ask for. Malformed parts are a 400 that names the part; paths the protocols do
//! not have are a 404.

use crate::{Platform, ProviderAddress, ProviderVersion, RegistryHostname};

/// Where the registry protocol is served (`providers.v1` in `/.well-known/terraform.json`).
pub const REGISTRY_PREFIX: &str = "/v1/providers/";

/// Where the network mirror is served: the `url` of a `network_mirror` block is
/// `https://HOST/mirror/v1/`.
pub const MIRROR_PREFIX: &str = "/mirror/v1/";

/// Why a path asks for nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Not a path of the protocol (404).
    #[error("no such endpoint")]
    NotFound,
    /// A path of the protocol with a part that cannot be valid (400).
    #[error("{0}")]
    Invalid(String),
}

/// What a registry protocol request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryRequest {
    /// `GET /v1/providers/{namespace}/{type}/versions`
    Versions(ProviderAddress),
    /// `GET /v1/providers/{namespace}/{type}/{version}/download/{os}/{arch}`
    Download {
        /// The provider.
        address: ProviderAddress,
        /// The version.
        version: ProviderVersion,
        /// The platform.
        platform: Platform,
    },
}

impl RegistryRequest {
    /// Reads a request path (without its query).
    pub fn parse(path: &str) -> Result<Self, PathError> {
        let rest = path
            .strip_prefix(REGISTRY_PREFIX)
            .ok_or(PathError::NotFound)?;
        let segments: Vec<&str> = rest.split('/').collect();
        match segments.as_slice() {
            [namespace, provider_type, "versions"] => {
                Ok(Self::Versions(address(namespace, provider_type)?))
            }
            [namespace, provider_type, version, "download", os, arch] => Ok(Self::Download {
                address: address(namespace, provider_type)?,
                version: version_part(version)?,
                platform: Platform::new(os, arch)
                    .map_err(|error| PathError::Invalid(error.to_string()))?,
            }),
            _ => Err(PathError::NotFound),
        }
    }
}

/// What a network mirror request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MirrorRequest {
    /// `…/{hostname}/{namespace}/{type}/index.json`
    Index {
        /// The origin registry's hostname.
        hostname: RegistryHostname,
        /// The provider.
        address: ProviderAddress,
    },
    /// `…/{hostname}/{namespace}/{type}/{version}.json`
    Version {
        /// The origin registry's hostname.
        hostname: RegistryHostname,
        /// The provider.
        address: ProviderAddress,
        /// The version.
        version: ProviderVersion,
    },
    /// `…/{hostname}/{namespace}/{type}/{file}.zip`: a package.
    Archive {
        /// The origin registry's hostname.
        hostname: RegistryHostname,
        /// The provider.
        address: ProviderAddress,
        /// The zip's name.
        file_name: String,
    },
}

impl MirrorRequest {
    /// Reads a request path (without its query).
    pub fn parse(path: &str) -> Result<Self, PathError> {
        let rest = path
            .strip_prefix(MIRROR_PREFIX)
            .ok_or(PathError::NotFound)?;
        let segments: Vec<&str> = rest.split('/').collect();
        let [host, namespace, provider_type, file] = segments.as_slice() else {
            return Err(PathError::NotFound);
        };
        let hostname =
            RegistryHostname::new(host).map_err(|error| PathError::Invalid(error.to_string()))?;
        let address = address(namespace, provider_type)?;
        if *file == "index.json" {
            return Ok(Self::Index { hostname, address });
        }
        if let Some(version) = file.strip_suffix(".json") {
            return Ok(Self::Version {
                hostname,
                address,
                version: version_part(version)?,
            });
        }
        if crate::mirror_directory::parse_archive_name(address.provider_type(), file).is_some() {
            return Ok(Self::Archive {
                hostname,
                address,
                file_name: (*file).to_owned(),
            });
        }
        Err(PathError::NotFound)
    }
}

fn address(namespace: &str, provider_type: &str) -> Result<ProviderAddress, PathError> {
    ProviderAddress::new(namespace, provider_type)
        .map_err(|error| PathError::Invalid(error.to_string()))
}

fn version_part(text: &str) -> Result<ProviderVersion, PathError> {
    ProviderVersion::parse(text).ok_or_else(|| {
        PathError::Invalid(format!(
            "invalid provider version '{}': use a semantic version like 1.2.0 (no v)",
            terraform_registry::printable(text)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_paths() {
        assert_eq!(
            RegistryRequest::parse("/v1/providers/acme/hello/versions"),
            Ok(RegistryRequest::Versions(
                ProviderAddress::new("acme", "hello").expect("valid")
            ))
        );
        let download =
            RegistryRequest::parse("/v1/providers/acme/hello/1.0.0+build.2/download/linux/arm64")
                .expect("download");
        assert_eq!(
            download,
            RegistryRequest::Download {
                address: ProviderAddress::new("acme", "hello").expect("valid"),
                version: ProviderVersion::parse("1.0.0+build.2").expect("valid"),
                platform: Platform::new("linux", "arm64").expect("valid"),
            }
        );
    }

    #[test]
    fn bad_registry_paths_say_which_part() {
        for (path, hint) in [
            ("/v1/providers/ac_me/hello/versions", "namespace"),
            ("/v1/providers/acme/hel%20lo/versions", "type"),
            (
                "/v1/providers/acme/hello/1.0~rc1/download/linux/amd64",
                "version '1.0~rc1'",
            ),
            (
                "/v1/providers/acme/hello/v1.0.0/download/linux/amd64",
                "version 'v1.0.0'",
            ),
            (
                "/v1/providers/acme/hello/1.0.0/download/Linux/amd64",
                "platform os",
            ),
            (
                "/v1/providers/acme/hello/1.0.0/download/linux/..",
                "platform arch",
            ),
        ] {
            match RegistryRequest::parse(path) {
                Err(PathError::Invalid(message)) => {
                    assert!(message.contains(hint), "{path}: {message}")
                }
                other => panic!("{path}: {other:?}"),
            }
        }
        for path in [
            "/v1/providers/acme/hello",
            "/v1/providers/acme/hello/versions/",
            "/v1/providers/acme/hello/1.0.0/download/linux",
            "/v1/providers/acme/hello/1.0.0/download/linux/amd64/extra",
            "/v1/providers/",
            "/v1/modules/acme/hello/aws/versions",
        ] {
            assert_eq!(
                RegistryRequest::parse(path),
                Err(PathError::NotFound),
                "{path}"
            );
        }
    }

    #[test]
    fn mirror_paths() {
        let hostname = RegistryHostname::new("registry.terraform.io").expect("valid");
        let address = ProviderAddress::new("hashicorp", "null").expect("valid");
        assert_eq!(
            MirrorRequest::parse("/mirror/v1/registry.terraform.io/hashicorp/null/index.json"),
            Ok(MirrorRequest::Index {
                hostname: hostname.clone(),
                address: address.clone()
            })
        );
        assert_eq!(
            MirrorRequest::parse("/mirror/v1/registry.terraform.io/hashicorp/null/3.2.1.json"),
            Ok(MirrorRequest::Version {
                hostname: hostname.clone(),
                address: address.clone(),
                version: ProviderVersion::parse("3.2.1").expect("valid"),
            })
        );
        assert_eq!(
            MirrorRequest::parse("/mirror/v1/registry.terraform.io/hashicorp/null/terraform-provider-null_3.2.1_linux_amd64.zip"),
            Ok(MirrorRequest::Archive {
                hostname,
                address,
                file_name: "terraform-provider-null_3.2.1_linux_amd64.zip".to_owned(),
            })
        );
        assert!(MirrorRequest::parse("/mirror/v1/127.0.0.1:8443/acme/hello/index.json").is_ok());
        for (path, expected_invalid) in [
            ("/mirror/v1/../hashicorp/null/index.json", true),
            ("/mirror/v1/registry.terraform.io/hashicorp/null/1.0.json", true),
            ("/mirror/v1/registry.terraform.io/hashi_corp/null/index.json", true),
            ("/mirror/v1/registry.terraform.io/hashicorp/null/other.zip", false),
            ("/mirror/v1/registry.terraform.io/hashicorp/null/terraform-provider-aws_1.0.0_linux_amd64.zip", false),
            ("/mirror/v1/registry.terraform.io/hashicorp/null", false),
            ("/mirror/v1/registry.terraform.io/hashicorp/null/sub/index.json", false),
        ] {
            let result = MirrorRequest::parse(path);
            assert_eq!(matches!(result, Err(PathError::Invalid(_))), expected_invalid, "{path}: {result:?}");
            assert!(result.is_err(), "{path}");
        }
    }
}
