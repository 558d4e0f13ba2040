//! Which providers the registry offers, through `provider-origins` (the same judging the
//! provider registry does, so the pages show exactly what `terraform init` is offered). For
//! the GitHub origin, which repositories hold providers comes from the repositories wharf can
//! list, by topic and `provider_repository_template` (`catalogue_pages::provider_listing`).

use catalogue_pages::pages::{ProviderPage, ProviderSummary};
use catalogue_pages::provider_listing::providers_among;
use catalogue_pages::ClientEndpoint;
use component_http::{plain_text, variable, Origin};
use github_access::github::Repository;
use github_access::{error_response, GitHubAccess};
use provider_origins::{list_providers, trusted_keys, unknown_provider, ProviderOrigin};
use spin_sdk::http::Response;
use terraform_providers::{ProviderAddress, ProviderRepositoryNaming, ProviderVersion};

use crate::module_catalogue::Noted;

fn misconfigured(what: &str) -> Response {
    eprintln!("{what}");
    plain_text(500, "wharf is misconfigured; the server log says how")
}

fn stale_note(what: &str, age: u64) -> String {
    format!("GitHub cannot be asked right now; {what} as GitHub last confirmed them {age} s ago")
}

/// Every provider with at least one offered version, sorted by address.
pub fn list(endpoint: &ClientEndpoint) -> Result<Noted<Vec<ProviderSummary>>, Response> {
    let mut notes = Vec::new();
    let repositories = match Origin::from_variables()? {
        Origin::Files => Vec::new(),
        Origin::GitHub => {
            let template = variable("provider_repository_template")?;
            let naming = ProviderRepositoryNaming::parse(&template).map_err(|error| {
                misconfigured(&format!("provider_repository_template: {error}"))
            })?;
            let access = GitHubAccess::from_variables().map_err(|error| error_response(&error))?;
            let listed = access
                .listed_repositories()
                .map_err(|error| error_response(&error))?;
            if let Some(stale) = &listed.stale {
                notes.push(stale_note("the provider list is", stale.age));
            }
            let (providers, listing_notes) = providers_among(&listed.value, &naming);
            notes.extend(listing_notes);
            providers
                .iter()
                .filter_map(|provider| Repository::new(&provider.owner, &provider.name).ok())
                .collect()
        }
    };
    let providers = list_providers(&repositories)?;
    let summaries = providers
        .iter()
        .map(|provider| {
            if let Some(stale) = &provider.stale {
                notes.push(stale_note(
                    &format!("the releases of {} are", provider.address),
                    stale.age,
                ));
            }
            ProviderSummary::new(
                endpoint,
                &provider.address,
                &provider.releases,
                provider.repository.as_ref().map(ToString::to_string),
            )
        })
        .collect();
    Ok(Noted {
        value: summaries,
        notes,
    })
}

/// One offered version of a provider (the newest when `version` is `None`).
pub fn page(
    endpoint: &ClientEndpoint,
    namespace: &str,
    provider_type: &str,
    version: Option<&str>,
) -> Result<ProviderPage, Response> {
    let address = ProviderAddress::new(namespace, provider_type)
        .map_err(|error| plain_text(404, &error.to_string()))?;
    let keys = trusted_keys(address.namespace())?;
    let origin = ProviderOrigin::for_provider(&address)?;
    let judged = origin.releases(&address, &keys)?;
    let mut offered = judged.releases.offered.clone();
    offered.sort_by(|a, b| b.version.cmp(&a.version));
    let shown = match version {
        None => offered.first().ok_or_else(|| unknown_provider(&address))?,
        Some(requested) => ProviderVersion::parse(requested)
            .and_then(|wanted| offered.iter().find(|release| release.version == wanted))
            .ok_or_else(|| {
                plain_text(
                    404,
                    &format!("provider {address} offers no version {requested}"),
                )
            })?,
    };
    let repository = match &origin {
        ProviderOrigin::GitHub { repository, .. } => Some(repository.to_string()),
        ProviderOrigin::Files(_) => None,
    };
    let mut page = ProviderPage::new(
        endpoint,
        &address,
        &offered,
        shown,
        &judged.releases.refused,
        repository,
    );
    if let Some(stale) = &judged.stale {
        page.notes.push(stale_note("these versions are", stale.age));
    }
    Ok(page)
}
