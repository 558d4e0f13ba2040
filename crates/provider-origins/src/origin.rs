//! Where a provider's releases come from: the mounted registry directory, or GitHub releases.

use std::collections::BTreeMap;

use component_http::{plain_text, variable, Origin};
use github_access::github::Repository;
use github_access::{error_response, GitHubAccess, Staleness};
use spin_sdk::http::Response;
use terraform_providers::{
    FilesOrigin, OfferedRelease, ProviderAddress, ProviderReleases, ProviderRepositoryNaming,
    ProviderVersion, ReleaseRefusal, TrustedKeys,
};

use crate::{files_origin, github_releases, DownloadLocation};

/// Where one provider lives.
pub enum ProviderOrigin {
    /// `registry/providers/NAMESPACE/TYPE/VERSION/…`.
    Files(FilesOrigin),
    /// Releases of a GitHub repository.
    GitHub {
        // Boxed: one instance per request, and the Files case stays small.
        /// How to reach GitHub.
        access: Box<GitHubAccess>,
        /// The repository `provider_repository_template` names.
        repository: Repository,
    },
}

/// 404 for a provider wharf does not serve; the same answer whether it does not exist or its
/// owner is not allowed, so a client learns nothing about repositories it may not read.
pub fn unknown_provider(address: &ProviderAddress) -> Response {
    plain_text(404, &format!("unknown provider {address}"))
}

impl ProviderOrigin {
    /// Decides where `address` lives (`origin`, `provider_repository_template`,
    /// `allowed_owners`).
    pub fn for_provider(address: &ProviderAddress) -> Result<Self, Response> {
        match Origin::from_variables()? {
            Origin::Files => Ok(Self::Files(files_origin())),
            Origin::GitHub => {
                let template = variable("provider_repository_template")?;
                let naming = ProviderRepositoryNaming::parse(&template).map_err(|error| {
                    eprintln!("provider_repository_template: {error}");
                    plain_text(500, "wharf is misconfigured; the server log says how")
                })?;
                let (owner, name) = naming.repository_for(address);
                let repository =
                    Repository::new(&owner, &name).map_err(|_| unknown_provider(address))?;
                let access = Box::new(
                    GitHubAccess::from_variables().map_err(|error| error_response(&error))?,
                );
                // `allowed_owners` is checked against the owner the template names (which need
                // not be the namespace), here so the 404 names the provider.
                access
                    .repository(&repository)
                    .map_err(|_| unknown_provider(address))?;
                Ok(Self::GitHub { access, repository })
            }
        }
    }

    /// Every release of the provider, judged.
    pub fn releases(
        &self,
        address: &ProviderAddress,
        keys: &TrustedKeys,
    ) -> Result<JudgedReleases, Response> {
        match self {
            Self::Files(origin) => {
                let releases = origin
                    .releases(address, keys)
                    .map_err(|_| unknown_provider(address))?;
                Ok(JudgedReleases {
                    releases,
                    github: None,
                    stale: None,
                })
            }
            Self::GitHub { access, repository } => {
                github_releases::judge(access, repository, address, keys)
            }
        }
    }

    /// One release, judged: for the files origin only that version is read.
    pub fn release(
        &self,
        address: &ProviderAddress,
        version: &ProviderVersion,
        keys: &TrustedKeys,
    ) -> Result<JudgedReleases, Response> {
        match self {
            Self::Files(origin) => {
                if !origin.version_directory(address, version).is_dir() {
                    return Err(if origin.provider_directory(address).is_dir() {
                        no_such_version(address, version)
                    } else {
                        unknown_provider(address)
                    });
                }
                let mut releases = ProviderReleases::default();
                match origin.release(address, version, keys) {
                    Ok(offered) => releases.offered.push(offered),
                    Err(refusal) => releases.refused.push((version.clone(), refusal)),
                }
                Ok(JudgedReleases {
                    releases,
                    github: None,
                    stale: None,
                })
            }
            Self::GitHub { .. } => self.releases(address, keys),
        }
    }
}

/// 404 for a version the provider does not have.
pub fn no_such_version(address: &ProviderAddress, version: &ProviderVersion) -> Response {
    plain_text(404, &format!("provider {address} has no version {version}"))
}

/// A provider's releases as judged, and where their files are.
pub struct JudgedReleases {
    /// Offered and refused releases.
    pub releases: ProviderReleases,
    github: Option<(Repository, BTreeMap<ProviderVersion, ReleaseAssets>)>,
    /// Set when GitHub could not confirm the release list just now and wharf's copy was used.
    pub stale: Option<Staleness>,
}

/// A GitHub release's assets: file name → asset id.
type ReleaseAssets = BTreeMap<String, u64>;

impl JudgedReleases {
    pub(crate) fn on_github(repository: Repository, stale: Option<Staleness>) -> Self {
        Self {
            releases: ProviderReleases::default(),
            github: Some((repository, BTreeMap::new())),
            stale,
        }
    }

    pub(crate) fn knows(&self, version: &ProviderVersion) -> bool {
        self.releases.find(version).is_some()
            || self
                .releases
                .refused
                .iter()
                .any(|(refused, _)| refused == version)
    }

    pub(crate) fn add(
        &mut self,
        version: ProviderVersion,
        outcome: Result<OfferedRelease, ReleaseRefusal>,
        assets: ReleaseAssets,
    ) {
        if let Some((_, by_version)) = &mut self.github {
            by_version.insert(version.clone(), assets);
        }
        match outcome {
            Ok(offered) => self.releases.offered.push(offered),
            Err(refusal) => self.releases.refused.push((version, refusal)),
        }
    }

    /// Where one file of an offered release is downloaded from (unsigned).
    pub fn location(
        &self,
        address: &ProviderAddress,
        version: &ProviderVersion,
        file_name: &str,
    ) -> Option<DownloadLocation> {
        match &self.github {
            None => Some(DownloadLocation::Files {
                address: address.clone(),
                version: version.clone(),
                file_name: file_name.to_owned(),
            }),
            Some((repository, by_version)) => {
                let asset_id = *by_version.get(version)?.get(file_name)?;
                Some(DownloadLocation::GitHub {
                    repository: repository.clone(),
                    asset_id,
                    file_name: file_name.to_owned(),
                })
            }
        }
    }
}
