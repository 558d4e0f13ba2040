//! The provider pages' models: what `terraform init` would be offered, per provider.

use serde::Serialize;
use terraform_providers::{OfferedRelease, ProviderAddress, ProviderVersion, ReleaseRefusal};

use crate::snippets;
use crate::ClientEndpoint;

/// `/catalogue/providers/NAMESPACE/TYPE`, for a version when given (`+` encoded, as for
/// modules; addresses hold only URL-safe characters).
pub fn provider_path(namespace: &str, provider_type: &str, version: Option<&str>) -> String {
    let base = format!("/catalogue/providers/{namespace}/{provider_type}");
    match version {
        Some(version) => format!("{base}/{}", version.replace('+', "%2B")),
        None => base,
    }
}

/// A provider in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderSummary {
    /// Namespace.
    pub namespace: String,
    /// Type (`hello` in `acme/hello`).
    #[serde(rename = "type")]
    pub provider_type: String,
    /// `HOST/namespace/type`.
    pub source: String,
    /// The newest offered version.
    pub latest_version: Option<String>,
    /// The platforms of the newest version (`linux_amd64`).
    pub platforms: Vec<String>,
    /// `owner/name` of the repository (GitHub origin).
    pub repository: Option<String>,
}

impl ProviderSummary {
    /// The summary of `address` from its offered releases, newest first.
    pub fn new(
        endpoint: &ClientEndpoint,
        address: &ProviderAddress,
        offered: &[OfferedRelease],
        repository: Option<String>,
    ) -> Self {
        let latest = offered.first();
        Self {
            namespace: address.namespace().to_owned(),
            provider_type: address.provider_type().to_owned(),
            source: snippets::provider_source(
                endpoint,
                address.namespace(),
                address.provider_type(),
            ),
            latest_version: latest.map(|release| release.version.to_string()),
            platforms: latest.map(platforms).unwrap_or_default(),
            repository,
        }
    }

    /// `/catalogue/providers/namespace/type`.
    pub fn path(&self) -> String {
        provider_path(&self.namespace, &self.provider_type, None)
    }
}

fn platforms(release: &OfferedRelease) -> Vec<String> {
    release
        .archives
        .iter()
        .map(|archive| archive.platform.to_string())
        .collect()
}

/// The provider list.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderList {
    /// How clients reach the registry.
    pub registry: ClientEndpoint,
    /// Sorted by address.
    pub providers: Vec<ProviderSummary>,
    /// What the page could not show, and why.
    pub notes: Vec<String>,
}

/// One platform's package of the version shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderPackage {
    /// `linux`.
    pub os: String,
    /// `amd64`.
    pub arch: String,
    /// The zip's file name.
    pub file_name: String,
    /// Its SHA-256 as the signed `SHA256SUMS` lists it.
    pub sha256: String,
}

/// A version wharf does not offer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedVersion {
    /// The version.
    pub version: String,
    /// Why Terraform is not offered it.
    pub reason: String,
}

/// One provider version.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderPage {
    /// How clients reach the registry.
    pub registry: ClientEndpoint,
    /// Namespace.
    pub namespace: String,
    /// Type.
    #[serde(rename = "type")]
    pub provider_type: String,
    /// `HOST/namespace/type`.
    pub source: String,
    /// The version shown.
    pub version: String,
    /// The newest offered version.
    pub latest_version: String,
    /// Every offered version, newest first.
    pub versions: Vec<String>,
    /// Plugin protocol versions of the version shown (`5.0`, `6.0`).
    pub protocols: Vec<String>,
    /// Its packages, one per platform.
    pub packages: Vec<ProviderPackage>,
    /// The fingerprint of the trusted key whose signature on `SHA256SUMS` verified.
    pub signed_by: String,
    /// Versions that are not offered, and why.
    pub refused: Vec<RefusedVersion>,
    /// `owner/name` of the repository (GitHub origin).
    pub repository: Option<String>,
    /// A `required_providers` block for the configuration.
    pub usage: String,
    /// The Terraform CLI configuration clients need for this registry.
    pub terraform_configuration: String,
    /// What the page could not show, and why.
    pub notes: Vec<String>,
}

impl ProviderPage {
    /// The page for `shown`, one of `offered` (newest first).
    pub fn new(
        endpoint: &ClientEndpoint,
        address: &ProviderAddress,
        offered: &[OfferedRelease],
        shown: &OfferedRelease,
        refused: &[(ProviderVersion, ReleaseRefusal)],
        repository: Option<String>,
    ) -> Self {
        let version = shown.version.to_string();
        let mut refused: Vec<&(ProviderVersion, ReleaseRefusal)> = refused.iter().collect();
        refused.sort_by(|a, b| b.0.cmp(&a.0));
        Self {
            registry: endpoint.clone(),
            namespace: address.namespace().to_owned(),
            provider_type: address.provider_type().to_owned(),
            source: snippets::provider_source(
                endpoint,
                address.namespace(),
                address.provider_type(),
            ),
            usage: snippets::required_providers_block(
                endpoint,
                address.namespace(),
                address.provider_type(),
                &version,
            ),
            terraform_configuration: snippets::terraform_configuration(endpoint),
            latest_version: offered
                .first()
                .map_or_else(|| version.clone(), |latest| latest.version.to_string()),
            versions: offered
                .iter()
                .map(|release| release.version.to_string())
                .collect(),
            protocols: shown.protocols.clone(),
            packages: shown
                .archives
                .iter()
                .map(|archive| ProviderPackage {
                    os: archive.platform.os().to_owned(),
                    arch: archive.platform.arch().to_owned(),
                    file_name: archive.file_name.clone(),
                    sha256: archive.sha256.clone(),
                })
                .collect(),
            signed_by: shown.signed_by.clone(),
            refused: refused
                .into_iter()
                .map(|(version, reason)| RefusedVersion {
                    version: version.to_string(),
                    reason: reason.to_string(),
                })
                .collect(),
            repository,
            notes: Vec::new(),
            version,
        }
    }

    /// This page's path.
    pub fn path(&self, version: Option<&str>) -> String {
        provider_path(&self.namespace, &self.provider_type, version)
    }
}
