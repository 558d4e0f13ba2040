//! What the registry holds, for pages that list it (the catalogue): every provider and the
//! versions Terraform would be offered, from either origin.

use component_http::{plain_text, variable, Origin};
use github_access::github::Repository;
use github_access::{owner_is_allowed, Staleness};
use spin_sdk::http::Response;
use terraform_providers::{OfferedRelease, ProviderAddress, ProviderRepositoryNaming};

use crate::{files_origin, trusted_keys, ProviderOrigin};

/// A provider and the versions wharf offers of it.
#[derive(Debug)]
pub struct ListedProvider {
    /// `namespace/type`.
    pub address: ProviderAddress,
    /// Offered releases (signed by a trusted key, following GoReleaser's layout), newest
    /// first; each says its protocols and platforms.
    pub releases: Vec<OfferedRelease>,
    /// Where the provider lives on GitHub (`None` for the files origin).
    pub repository: Option<Repository>,
    /// Set when GitHub could not confirm the release list just now and wharf's copy was used.
    pub stale: Option<Staleness>,
}

/// Every provider of the configured origin with its offered versions, sorted by address.
///
/// - `files`: every `registry/providers/NAMESPACE/TYPE` directory; `github_repositories` is
///   not used.
/// - `github`: GitHub has no "list every provider" call, so the caller names the repositories
///   to look at (e.g. those of the owners in `allowed_owners`); each that
///   `provider_repository_template` maps back to a provider
///   ([`ProviderRepositoryNaming::provider_for`]) and whose owner `allowed_owners` lists is
///   read through `github-access` (cached, served stale when GitHub fails). Other repositories
///   are skipped.
///
/// Providers without any offered version are left out. A GitHub failure with no copy to
/// serve is the error response to send.
pub fn list_providers(github_repositories: &[Repository]) -> Result<Vec<ListedProvider>, Response> {
    let mut listed = Vec::new();
    match Origin::from_variables()? {
        Origin::Files => {
            let origin = files_origin();
            for address in origin.providers() {
                let keys = trusted_keys(address.namespace())?;
                let Ok(releases) = origin.releases(&address, &keys) else {
                    continue;
                };
                listed.push(ListedProvider {
                    address,
                    releases: releases.offered,
                    repository: None,
                    stale: None,
                });
            }
        }
        Origin::GitHub => {
            let template = variable("provider_repository_template")?;
            let naming = ProviderRepositoryNaming::parse(&template).map_err(|error| {
                eprintln!("provider_repository_template: {error}");
                plain_text(500, "wharf is misconfigured; the server log says how")
            })?;
            for repository in github_repositories {
                let Some(address) = naming.provider_for(repository.owner(), repository.name())
                else {
                    continue;
                };
                if !owner_is_allowed(repository.owner())? {
                    continue;
                }
                let keys = trusted_keys(address.namespace())?;
                let judged = match ProviderOrigin::for_provider(&address)?.releases(&address, &keys)
                {
                    Ok(judged) => judged,
                    // A repository that is gone or private to wharf holds nothing to list.
                    Err(response) if response.status() == &404 => continue,
                    Err(response) => return Err(response),
                };
                listed.push(ListedProvider {
                    address,
                    releases: judged.releases.offered,
                    repository: Some(repository.clone()),
                    stale: judged.stale,
                });
            }
        }
    }
    listed.retain(|provider| !provider.releases.is_empty());
    for provider in &mut listed {
        provider.releases.sort_by(|a, b| b.version.cmp(&a.version));
    }
    listed.sort_by(|a, b| a.address.cmp(&b.address));
    listed.dedup_by(|a, b| a.address == b.address);
    Ok(listed)
}
