//! Which modules the registry holds and what each version documents, from the mounted
//! registry directory or from GitHub (through `github-access`: cached, revalidated, served
//! stale when GitHub fails).

use std::fs::File;
use std::io::BufReader;

use catalogue_pages::module_listing::modules_among;
use catalogue_pages::pages::{ModulePage, ModuleSummary};
use catalogue_pages::ClientEndpoint;
use component_http::{plain_text, variable, Origin, ResponseBodyReader, FILES_ROOT};
use github_access::github::{GitHubError, GitRef, Repository};
use github_access::{
    error_response, AccessError, Archive, GitHubAccess, KnownTags, RepositoryAccess, Served,
};
use module_docs::{read_module_archive, ArchiveLimits, ModuleDocs};
use spin_sdk::http::Response;
use terraform_registry::{ModuleAddress, ModuleVersions, RepositoryNaming};

/// A listing page may revalidate this many modules' tag lists with GitHub; the others show
/// what wharf last knew (refreshed on later views, or by `terraform init`), so one page view
/// never costs more than a few GitHub calls however many modules there are.
const TAG_CHECKS_PER_VIEW: usize = 3;

/// Where [`ModuleDocs`] are kept per commit; the number changes when their format or the
/// README sanitizer's rules do.
const DOCS_KIND: &str = "catalogue-module-docs-1";

/// A value with what the page should say about how it was obtained.
pub struct Noted<T> {
    pub value: T,
    pub notes: Vec<String>,
}

pub enum ModuleCatalogue {
    Files,
    GitHub {
        access: Box<GitHubAccess>,
        naming: RepositoryNaming,
    },
}

fn misconfigured(what: &str) -> Response {
    eprintln!("{what}");
    plain_text(500, "wharf is misconfigured; the server log says how")
}

fn unknown_module(address: &ModuleAddress) -> Response {
    plain_text(404, &format!("unknown module {address}"))
}

impl ModuleCatalogue {
    pub fn from_variables() -> Result<Self, Response> {
        match Origin::from_variables()? {
            Origin::Files => Ok(ModuleCatalogue::Files),
            Origin::GitHub => {
                let template = variable("module_repository_template")?;
                let naming = RepositoryNaming::parse(&template).map_err(|error| {
                    misconfigured(&format!("module_repository_template: {error}"))
                })?;
                let access = Box::new(
                    GitHubAccess::from_variables().map_err(|error| error_response(&error))?,
                );
                Ok(ModuleCatalogue::GitHub { access, naming })
            }
        }
    }

    /// Every module with its newest version and description.
    pub fn list(&self, endpoint: &ClientEndpoint) -> Result<Noted<Vec<ModuleSummary>>, Response> {
        match self {
            ModuleCatalogue::Files => Ok(Noted {
                value: files_modules()
                    .into_iter()
                    .map(|(address, versions)| {
                        let latest = versions.iter().next();
                        let summary =
                            latest.and_then(|latest| files_docs(&address, &latest.tag).summary);
                        ModuleSummary::new(
                            endpoint,
                            &address,
                            latest.map(|latest| latest.version.clone()),
                            summary,
                            false,
                        )
                    })
                    .collect(),
                notes: Vec::new(),
            }),
            ModuleCatalogue::GitHub { access, naming } => github_list(access, naming, endpoint),
        }
    }

    /// One version of a module (the newest when `version` is `None`).
    pub fn page(
        &self,
        endpoint: &ClientEndpoint,
        address: &ModuleAddress,
        version: Option<&str>,
    ) -> Result<ModulePage, Response> {
        match self {
            ModuleCatalogue::Files => {
                let versions = files_versions(address).ok_or_else(|| unknown_module(address))?;
                let shown = choose(&versions, address, version)?;
                let docs = files_docs(address, &shown.tag);
                Ok(ModulePage::new(
                    endpoint, address, &versions, shown, None, docs,
                ))
            }
            ModuleCatalogue::GitHub { access, naming } => {
                let (owner, name) = naming.repository_for(address);
                let repository =
                    Repository::new(&owner, &name).map_err(|_| unknown_module(address))?;
                let repository_access = access
                    .repository(&repository)
                    .map_err(|_| unknown_module(address))?;
                let tags = repository_access.tags().map_err(|error| match error {
                    error if is_not_found(&error) => unknown_module(address),
                    error => error_response(&error),
                })?;
                let versions = ModuleVersions::from_tags(
                    tags.value
                        .iter()
                        .map(|tag| (tag.name.as_str(), tag.commit_sha.as_str())),
                );
                let shown = choose(&versions, address, version)?;
                let docs = github_docs(&repository_access, &shown.commit_sha);
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
                        format!("GitHub cannot be asked right now; these versions are as GitHub last confirmed them {} s ago", stale.age),
                    );
                }
                Ok(page)
            }
        }
    }
}

fn choose<'a>(
    versions: &'a ModuleVersions,
    address: &ModuleAddress,
    version: Option<&str>,
) -> Result<&'a terraform_registry::TagVersion, Response> {
    match version {
        Some(version) => versions
            .resolve(version)
            .ok_or_else(|| plain_text(404, &format!("module {address} has no version {version}"))),
        None => versions
            .iter()
            .next()
            .ok_or_else(|| unknown_module(address)),
    }
}

fn is_not_found(error: &AccessError) -> bool {
    matches!(error, AccessError::GitHub(GitHubError::NotFound))
}

// --- files origin -----------------------------------------------------------------------

fn files_directory(address: &ModuleAddress) -> String {
    format!(
        "{FILES_ROOT}/terraform/{}/{}/{}",
        address.namespace(),
        address.name(),
        address.provider()
    )
}

fn directory_names(path: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The archives under `terraform/{namespace}/{name}/{provider}/`, as versions.
fn files_versions(address: &ModuleAddress) -> Option<ModuleVersions> {
    let names = directory_names(&files_directory(address));
    let versions = ModuleVersions::from_tags(
        names
            .iter()
            .filter_map(|name| name.strip_suffix(".tar.gz"))
            .map(|tag| (tag, "")),
    );
    (!versions.is_empty()).then_some(versions)
}

/// Every module directory that holds at least one version, sorted by address.
fn files_modules() -> Vec<(ModuleAddress, ModuleVersions)> {
    let root = format!("{FILES_ROOT}/terraform");
    let mut modules = Vec::new();
    for namespace in directory_names(&root) {
        for name in directory_names(&format!("{root}/{namespace}")) {
            for provider in directory_names(&format!("{root}/{namespace}/{name}")) {
                let Ok(address) = ModuleAddress::new(&namespace, &name, &provider) else {
                    continue;
                };
                if let Some(versions) = files_versions(&address) {
                    modules.push((address, versions));
                }
            }
        }
    }
    modules
}

/// The documentation in a files-origin archive, read each time (it is on local disk).
fn files_docs(address: &ModuleAddress, tag: &str) -> ModuleDocs {
    let path = format!("{}/{tag}.tar.gz", files_directory(address));
    File::open(&path)
        .map_err(|error| format!("cannot open the archive: {error}"))
        .and_then(|file| {
            read_module_archive(BufReader::new(file), ArchiveLimits::default())
                .map_err(|error| error.to_string())
        })
        .unwrap_or_else(|reason| unreadable_docs(&reason))
}

fn unreadable_docs(reason: &str) -> ModuleDocs {
    ModuleDocs {
        notes: vec![format!(
            "the README, inputs and outputs cannot be shown: {reason}"
        )],
        ..ModuleDocs::default()
    }
}

// --- GitHub origin ----------------------------------------------------------------------

fn github_list(
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
fn github_docs(repository: &RepositoryAccess<'_>, sha: &str) -> ModuleDocs {
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
