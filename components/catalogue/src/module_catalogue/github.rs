//! Modules of the GitHub origin: repositories found by topic (see
//! `catalogue_pages::module_listing`), versions from tags, documentation read once from the
//! archive of a version's commit and kept. Everything goes through `github-access`: cached,
//! revalidated, served stale when GitHub fails.

use catalogue_pages::module_listing::modules_among;
use catalogue_pages::pages::{ModulePage, ModuleSummary};
use catalogue_pages::ClientEndpoint;
use component_http::ResponseBodyReader;
use github_access::github::{GitHubError, GitRef, Repository};
use github_access::{
    error_response, AccessError, Archive, GitHubAccess, KnownTags, RepositoryAccess, Served,
};
use module_docs::{read_module_archive, ArchiveLimits, ModuleDocs};
use spin_sdk::http::Response;
use terraform_registry::{ModuleAddress, ModuleVersions, RepositoryNaming};

use super::{choose, unknown_module, unreadable_docs, Noted};

/// A listing page may revalidate this many modules' tag lists with GitHub; the others show
/// what wharf last knew (refreshed on later views, or by `terraform init`), so one page view
/// never costs more than a few GitHub calls however many modules there are.
const TAG_CHECKS_PER_VIEW: usize = 3;

/// Where [`ModuleDocs`] are kept per commit; the number changes when their format or the
/// README sanitizer's rules do.
const DOCS_KIND: &str = "catalogue-module-docs-1";

/// One version of a module.
pub fn page(
    access: &GitHubAccess,
    naming: &RepositoryNaming,
    endpoint: &ClientEndpoint,
    address: &ModuleAddress,
    version: Option<&str>,
) -> Result<ModulePage, Response> {
    let (owner, name) = naming.repository_for(address);
    let repository = Repository::new(&owner, &name).map_err(|_| unknown_module(address))?;
    let repository_access = access
        .repository(&repository)
        .map_err(|_| unknown_module(address))?;
    let tags = repository_access.tags().map_err(|error| match error {
        AccessError::GitHub(GitHubError::NotFound) => unknown_module(address),
        error => error_response(&error),
    })?;
    let versions = ModuleVersions::from_tags(
        tags.value
            .iter()
            .map(|tag| (tag.name.as_str(), tag.commit_sha.as_str())),
    );
    let shown = choose(&versions, address, version)?;
    let docs = docs(&repository_access, &shown.commit_sha);
    let mut page = ModulePage::new(
        endpoint,
        address,
        &versions,
        shown,
        Some(repository.to_string()),
        docs,
    );
    if let Some(stale) = &tags.stale {
        page.notes.insert(
            0,
            format!(
                "GitHub cannot be asked right now; these versions are as GitHub last confirmed them {} s ago",
                stale.age
            ),
        );
    }
    Ok(page)
}

pub fn list(
    access: &GitHubAccess,
    naming: &RepositoryNaming,
    endpoint: &ClientEndpoint,
) -> Result<Noted<Vec<ModuleSummary>>, Response> {
    let listed = access
        .listed_repositories()
        .map_err(|error| error_response(&error))?;
    let (modules, mut notes) = modules_among(&listed.value, naming);
    if let Some(stale) = &listed.stale {
        notes.push(format!(
            "GitHub cannot be asked right now; the module list is as GitHub last confirmed it {} s ago",
            stale.age
        ));
    }
    let mut checks_left = TAG_CHECKS_PER_VIEW;
    let mut unchecked = 0usize;
    let summaries = modules
        .iter()
        .map(|module| {
            let (owner, name) = naming.repository_for(&module.address);
            let latest = Repository::new(&owner, &name).ok().and_then(|repository| {
                let repository_access = access.repository(&repository).ok()?;
                latest_version(
                    &repository_access,
                    &mut checks_left,
                    &mut unchecked,
                    &mut notes,
                )
            });
            ModuleSummary::new(
                endpoint,
                &module.address,
                latest,
                module.description.clone(),
                module.archived,
            )
        })
        .collect();
    if unchecked > 0 {
        notes.push(format!(
            "{unchecked} module(s) show the latest version wharf last knew: a page view checks at most {TAG_CHECKS_PER_VIEW} with GitHub; reload to check more"
        ));
    }
    Ok(Noted {
        value: summaries,
        notes,
    })
}

/// The newest version, from kept tags when they are fresh, otherwise asking GitHub while the
/// view's budget lasts.
fn latest_version(
    repository: &RepositoryAccess<'_>,
    checks_left: &mut usize,
    unchecked: &mut usize,
    notes: &mut Vec<String>,
) -> Option<String> {
    let newest = |tags: &[github_access::github::Tag]| {
        ModuleVersions::from_tags(
            tags.iter()
                .map(|tag| (tag.name.as_str(), tag.commit_sha.as_str())),
        )
        .iter()
        .next()
        .map(|version| version.version.clone())
    };
    let kept = match repository.known_tags() {
        KnownTags::Fresh(tags) => return newest(&tags),
        KnownTags::Aged { tags, .. } => Some(tags),
        KnownTags::Unknown => None,
    };
    if *checks_left > 0 {
        *checks_left -= 1;
        match repository.tags() {
            Ok(Served { value, .. }) => return newest(&value),
            Err(error) => notes.push(format!("{}: {error}", repository.repository())),
        }
    } else {
        *unchecked += 1;
    }
    kept.and_then(|tags| newest(&tags))
}

/// The documentation of the module at commit `sha`: kept in key-value once read from the
/// commit's archive, so a page view costs no archive download and no Markdown rendering.
fn docs(repository: &RepositoryAccess<'_>, sha: &str) -> ModuleDocs {
    let kept = repository.kept_for_commit(DOCS_KIND, sha, || {
        let commit = GitRef::new(sha)?;
        let docs = match repository.archive(&commit)? {
            Archive::Kept(bytes) => read_module_archive(&bytes[..], ArchiveLimits::default()),
            Archive::Upstream(response) => {
                let reader = ResponseBodyReader::new(response)
                    .map_err(|error| AccessError::Unreachable(error.to_string()))?;
                read_module_archive(reader, ArchiveLimits::default())
            }
        }
        .map_err(|error| GitHubError::Malformed(error.to_string()))?;
        serde_json::to_vec(&docs).map_err(|error| {
            GitHubError::Malformed(format!("cannot keep the module's documentation: {error}"))
                .into()
        })
    });
    match kept {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| unreadable_docs("the kept copy is unreadable")),
        Err(error) => unreadable_docs(&error.to_string()),
    }
}
