//! Where a module's versions come from: the mounted registry directory, or tags of a GitHub
//! repository (cached, revalidated, served stale when GitHub fails: see `github-access`).

use component_http::{plain_text, variable, Origin, FILES_ROOT};
use github_access::github::Repository;
use github_access::{error_response, AccessError, GitHubAccess, Served};
use module_archive::ModuleFilesOrigin;
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
                let repository =
                    Repository::new(&owner, &name).map_err(|_| unknown_module(address))?;
                let access = Box::new(
                    GitHubAccess::from_variables().map_err(|error| error_response(&error))?,
                );
                // `allowed_owners` is checked against the owner the template names (which may
                // differ from the namespace), here so the 404 names the module.
                access
                    .repository(&repository)
                    .map_err(|_| unknown_module(address))?;
                Ok(ModuleSource::GitHub { access, repository })
            }
        }
    }

    pub fn versions(&self, address: &ModuleAddress) -> Result<Served<ModuleVersions>, Response> {
        match self {
            ModuleSource::Files => {
                let versions = ModuleFilesOrigin::in_registry(FILES_ROOT)
                    .versions(address)
                    .ok_or_else(|| unknown_module(address))?;
                Ok(Served {
                    value: versions,
                    stale: None,
                })
            }
            ModuleSource::GitHub { access, repository } => {
                let tags = access
                    .repository(repository)
                    .and_then(|repository| repository.tags())
                    .map_err(|error| match error {
                        AccessError::OwnerNotAllowed(_) => unknown_module(address),
                        error if is_not_found(&error) => unknown_module(address),
                        error => error_response(&error),
                    })?;
                Ok(tags.map(|tags| {
                    ModuleVersions::from_tags(
                        tags.into_iter().map(|tag| (tag.name, tag.commit_sha)),
                    )
                }))
            }
        }
    }
}

fn is_not_found(error: &AccessError) -> bool {
    matches!(
        error,
        AccessError::GitHub(github_access::github::GitHubError::NotFound)
    )
}
