//! The page models. Each is what its HTML shows and, serialized, its JSON.

mod providers;

pub use providers::{
    provider_path, ProviderList, ProviderPackage, ProviderPage, ProviderSummary, RefusedVersion,
};

use module_docs::ModuleDocs;
use serde::Serialize;
use terraform_registry::{ModuleAddress, ModuleVersions, TagVersion};

use crate::apt_listing::{Package, PackageVersion, SuiteRelease};
use crate::snippets;
use crate::ClientEndpoint;

/// A module in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleSummary {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Provider.
    pub provider: String,
    /// `HOST/namespace/name/provider`.
    pub source: String,
    /// The newest version, when known.
    pub latest_version: Option<String>,
    /// The repository description, or the README's first paragraph.
    pub description: Option<String>,
    /// Whether the repository is archived.
    pub archived: bool,
}

impl ModuleSummary {
    /// A summary for `address`.
    pub fn new(
        endpoint: &ClientEndpoint,
        address: &ModuleAddress,
        latest_version: Option<String>,
        description: Option<String>,
        archived: bool,
    ) -> Self {
        Self {
            namespace: address.namespace().to_owned(),
            name: address.name().to_owned(),
            provider: address.provider().to_owned(),
            source: snippets::module_source(
                endpoint,
                address.namespace(),
                address.name(),
                address.provider(),
            ),
            latest_version,
            description,
            archived,
        }
    }

    /// `/catalogue/modules/namespace/name/provider`.
    pub fn path(&self) -> String {
        module_path(&self.namespace, &self.name, &self.provider, None)
    }
}

/// `/catalogue/modules/…`, for a version when given. Module addresses and canonical
/// versions hold only URL-safe characters except `+` (build metadata), which is encoded.
pub fn module_path(namespace: &str, name: &str, provider: &str, version: Option<&str>) -> String {
    let base = format!("/catalogue/modules/{namespace}/{name}/{provider}");
    match version {
        Some(version) => format!("{base}/{}", version.replace('+', "%2B")),
        None => base,
    }
}

/// `/catalogue/packages/NAME`; package names are lowercase letters, digits and `+-.`.
pub fn package_path(name: &str) -> String {
    format!("/catalogue/packages/{}", name.replace('+', "%2B"))
}

/// The module list.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleList {
    /// How clients reach the registry.
    pub registry: ClientEndpoint,
    /// Sorted by address.
    pub modules: Vec<ModuleSummary>,
    /// What the page could not show, and why.
    pub notes: Vec<String>,
}

/// One module version.
#[derive(Debug, Clone, Serialize)]
pub struct ModulePage {
    /// How clients reach the registry.
    pub registry: ClientEndpoint,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Provider.
    pub provider: String,
    /// `HOST/namespace/name/provider`.
    pub source: String,
    /// The version shown.
    pub version: String,
    /// The newest version.
    pub latest_version: String,
    /// Every version, newest first.
    pub versions: Vec<String>,
    /// The git tag behind the version shown (GitHub origin).
    pub tag: Option<String>,
    /// The commit it is pinned to (GitHub origin).
    pub commit: Option<String>,
    /// `owner/name` of the repository (GitHub origin).
    pub repository: Option<String>,
    /// A `module` block for `main.tf`.
    pub usage: String,
    /// The Terraform CLI configuration clients need for this registry.
    pub terraform_configuration: String,
    /// README, inputs and outputs of the version shown.
    pub documentation: ModuleDocs,
    /// What the page could not show, and why.
    pub notes: Vec<String>,
}

impl ModulePage {
    /// The page for `shown`, one of `versions`.
    pub fn new(
        endpoint: &ClientEndpoint,
        address: &ModuleAddress,
        versions: &ModuleVersions,
        shown: &TagVersion,
        repository: Option<String>,
        documentation: ModuleDocs,
    ) -> Self {
        let latest_version = versions
            .iter()
            .next()
            .map_or_else(|| shown.version.clone(), |latest| latest.version.clone());
        let from_git = repository.is_some();
        Self {
            registry: endpoint.clone(),
            namespace: address.namespace().to_owned(),
            name: address.name().to_owned(),
            provider: address.provider().to_owned(),
            source: snippets::module_source(
                endpoint,
                address.namespace(),
                address.name(),
                address.provider(),
            ),
            usage: snippets::module_block(
                endpoint,
                address.namespace(),
                address.name(),
                address.provider(),
                &shown.version,
            ),
            terraform_configuration: snippets::terraform_configuration(endpoint),
            version: shown.version.clone(),
            latest_version,
            versions: versions
                .iter()
                .map(|version| version.version.clone())
                .collect(),
            tag: from_git.then(|| shown.tag.clone()),
            commit: from_git
                .then(|| shown.commit_sha.clone())
                .filter(|sha| !sha.is_empty()),
            repository,
            notes: documentation.notes.clone(),
            documentation,
        }
    }

    /// This page's path.
    pub fn path(&self, version: Option<&str>) -> String {
        module_path(&self.namespace, &self.name, &self.provider, version)
    }
}

/// A suite as the setup shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteSummary {
    /// The suite.
    pub suite: String,
    /// Its components.
    pub components: Vec<String>,
    /// Its architectures.
    pub architectures: Vec<String>,
    /// `Description`.
    pub description: Option<String>,
}

/// How a machine starts using the APT repository.
#[derive(Debug, Clone, Serialize)]
pub struct AptSetup {
    /// `…/public.key`.
    pub key_url: String,
    /// The signing key's fingerprint, as `gpg` prints it.
    pub fingerprint: Option<String>,
    /// The suites served.
    pub suites: Vec<SuiteSummary>,
    /// Fetching the key into `/etc/apt/keyrings`.
    pub key_command: String,
    /// `/etc/apt/sources.list.d/wharf.sources`.
    pub sources: String,
    /// `/etc/apt/auth.conf.d/wharf.conf`.
    pub auth_conf: String,
}

impl AptSetup {
    /// The setup for these suites; `login` is the Basic user the viewer signed in as, if any.
    pub fn new(
        endpoint: &ClientEndpoint,
        releases: &[SuiteRelease],
        fingerprint: Option<String>,
        login: &str,
    ) -> Self {
        let suites: Vec<String> = releases
            .iter()
            .map(|release| release.suite.clone())
            .collect();
        let mut components: Vec<String> = Vec::new();
        for release in releases {
            for component in &release.components {
                if !components.contains(component) {
                    components.push(component.clone());
                }
            }
        }
        Self {
            key_url: format!("{}/public.key", endpoint.base_url()),
            fingerprint,
            suites: releases
                .iter()
                .map(|release| SuiteSummary {
                    suite: release.suite.clone(),
                    components: release.components.clone(),
                    architectures: release.architectures.clone(),
                    description: release.description.clone(),
                })
                .collect(),
            key_command: snippets::key_command(endpoint),
            sources: snippets::sources_block(endpoint, &suites, &components),
            auth_conf: snippets::auth_conf(endpoint, login),
        }
    }
}

/// A package in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageSummary {
    /// The package name.
    pub name: String,
    /// The newest version.
    pub latest_version: String,
    /// The architectures of the newest version.
    pub architectures: Vec<String>,
    /// The description's first line.
    pub summary: Option<String>,
}

impl PackageSummary {
    /// The summary of `package`, `None` if it lists no version.
    pub fn of(package: &Package) -> Option<Self> {
        let latest = package.latest()?;
        Some(Self {
            name: package.name.clone(),
            latest_version: latest.version.clone(),
            architectures: package.latest_architectures(),
            summary: latest.summary.clone(),
        })
    }

    /// `/catalogue/packages/NAME`.
    pub fn path(&self) -> String {
        package_path(&self.name)
    }
}

/// The package list with the APT setup.
#[derive(Debug, Clone, Serialize)]
pub struct PackageList {
    /// How clients reach the registry.
    pub registry: ClientEndpoint,
    /// How to set up a machine.
    pub apt: AptSetup,
    /// Sorted by name.
    pub packages: Vec<PackageSummary>,
    /// What the page could not show, and why.
    pub notes: Vec<String>,
}

/// One package.
#[derive(Debug, Clone, Serialize)]
pub struct PackagePage {
    /// How clients reach the registry.
    pub registry: ClientEndpoint,
    /// How to set up a machine.
    pub apt: AptSetup,
    /// The package name.
    pub name: String,
    /// The newest version's synopsis.
    pub summary: Option<String>,
    /// The newest version's extended description.
    pub description: Option<String>,
    /// Every version and architecture, newest first.
    pub versions: Vec<PackageVersion>,
    /// `apt-get install NAME`.
    pub install: String,
    /// `apt-get install NAME=VERSION` for the newest version.
    pub install_pinned: String,
    /// What the page could not show, and why.
    pub notes: Vec<String>,
}

impl PackagePage {
    /// The page of `package`.
    pub fn new(
        registry: &ClientEndpoint,
        apt: AptSetup,
        package: Package,
        notes: Vec<String>,
    ) -> Self {
        let latest = package.latest().cloned();
        Self {
            registry: registry.clone(),
            apt,
            install: snippets::install_command(&package.name, None),
            install_pinned: snippets::install_command(
                &package.name,
                latest.as_ref().map(|latest| latest.version.as_str()),
            ),
            summary: latest.as_ref().and_then(|latest| latest.summary.clone()),
            description: latest.and_then(|latest| latest.description),
            name: package.name,
            versions: package.versions,
            notes,
        }
    }
}

/// The front page: modules, providers and packages at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// How clients reach the registry.
    pub registry: ClientEndpoint,
    /// Every module.
    pub modules: Vec<ModuleSummary>,
    /// Every provider.
    pub providers: Vec<ProviderSummary>,
    /// Every package.
    pub packages: Vec<PackageSummary>,
    /// How to set up a machine for APT.
    pub apt: AptSetup,
    /// The Terraform CLI configuration clients need.
    pub terraform_configuration: String,
    /// What the page could not show, and why.
    pub notes: Vec<String>,
}

impl Overview {
    /// The three lists on one page.
    pub fn new(modules: ModuleList, providers: ProviderList, packages: PackageList) -> Self {
        let mut notes = modules.notes;
        notes.extend(providers.notes);
        notes.extend(packages.notes);
        Self {
            terraform_configuration: snippets::terraform_configuration(&modules.registry),
            registry: modules.registry,
            modules: modules.modules,
            providers: providers.providers,
            packages: packages.packages,
            apt: packages.apt,
            notes,
        }
    }
}
