//! Where a module's versions come from: the mounted registry directory, or tags of a GitHub
//! repository.

use component_http::{owner_is_allowed, plain_text, variable, Origin, FILES_ROOT};
use github_access::github::{parse_tags, Repository};
use github_access::{error_response, GitHubAccess};
use spin_sdk::http::Response;
use terraform_registry::{ModuleAddress, ModuleVersions, RepositoryNaming};

pub enum ModuleSource {
    Files,
    GitHub {
        // Boxed: one instance per request, and the Files case stays small.
        access: Box<GitHubAccess>,
        repository: Repository,
    },
}

pub fn address(namespace: &str, name: &str, provider: &str) -> Result<ModuleAddress, Response> {
    ModuleAddress::new(namespace, name, provider)
        .map_err(|error| plain_text(400, &error.to_string()))
}

fn unknown_module(address: &ModuleAddress) -> Response {
    plain_text(
        404,
        &format!(
            "unknown module {}/{}/{}",
            address.namespace(),
            address.name(),
            address.provider()
        ),
    )
}

impl ModuleSource {
    /// Decides where `address` lives; unknown or not-allowed modules are a 404, so a client
    /// cannot tell an owner wharf may not read from one that does not exist.
    pub fn for_module(address: &ModuleAddress) -> Result<Self, Response> {
        match Origin::from_variables()? {
            Origin::Files => Ok(ModuleSource::Files),
            Origin::GitHub => {
                let template = variable("module_repository_template")?;
                let naming = RepositoryNaming::parse(&template).map_err(|error| {
                    eprintln!("module_repository_template: {error}");
                    plain_text(500, "wharf is misconfigured; the server log says how")
                })?;
                let (owner, name) = naming.repository_for(address);
                // The owner wharf would read, which a template may name differently from the
                // namespace.
                if !owner_is_allowed(&owner)? {
                    return Err(unknown_module(address));
                }
                let repository =
                    Repository::new(&owner, &name).map_err(|_| unknown_module(address))?;
                let access = Box::new(
                    GitHubAccess::from_variables().map_err(|error| error_response(&error))?,
                );
                Ok(ModuleSource::GitHub { access, repository })
            }
        }
    }

    pub fn versions(&self, address: &ModuleAddress) -> Result<ModuleVersions, Response> {
        match self {
            ModuleSource::Files => {
                let directory = files_directory(address);
                let entries = std::fs::read_dir(&directory).map_err(|_| unknown_module(address))?;
                let names: Vec<String> = entries
                    .filter_map(|entry| entry.ok())
                    .filter_map(|entry| {
                        entry
                            .file_name()
                            .to_str()
                            .and_then(|name| name.strip_suffix(".tar.gz"))
                            .map(str::to_owned)
                    })
                    .collect();
                // The files origin has no commits; the archive name is the whole identity.
                Ok(ModuleVersions::from_tags(
                    names.iter().map(|name| (name.as_str(), "")),
                ))
            }
            ModuleSource::GitHub { access, repository } => {
                let pages = access
                    .fetch_all_pages(|requests| requests.list_tags(repository, None))
                    .map_err(|error| match &error {
                        github_access::AccessError::GitHub(
                            github_access::github::GitHubError::NotFound,
                        ) => unknown_module(address),
                        _ => error_response(&error),
                    })?;
                let mut tags = Vec::new();
                for page in pages {
                    let parsed =
                        parse_tags(page.body()).map_err(|error| error_response(&error.into()))?;
                    tags.extend(parsed.into_iter().map(|tag| (tag.name, tag.commit_sha)));
                }
                Ok(ModuleVersions::from_tags(tags))
            }
        }
    }
}

pub fn files_directory(address: &ModuleAddress) -> String {
    format!(
        "{FILES_ROOT}/terraform/{}/{}/{}",
        address.namespace(),
        address.name(),
        address.provider()
    )
}
