//! Which modules the registry holds and what each version documents, from the mounted
//! registry directory or from GitHub (through `github-access`: cached, revalidated, served
//! stale when GitHub fails).

mod files;
mod github;

use catalogue_pages::pages::{ModulePage, ModuleSummary};
use catalogue_pages::ClientEndpoint;
use component_http::{plain_text, variable, Origin};
use github_access::{error_response, GitHubAccess};
use module_docs::ModuleDocs;
use spin_sdk::http::Response;
use terraform_registry::{ModuleAddress, ModuleVersions, RepositoryNaming, TagVersion};

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
            ModuleCatalogue::Files => Ok(files::list(endpoint)),
            ModuleCatalogue::GitHub { access, naming } => github::list(access, naming, endpoint),
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
            ModuleCatalogue::Files => files::page(endpoint, address, version),
            ModuleCatalogue::GitHub { access, naming } => {
                github::page(access, naming, endpoint, address, version)
            }
        }
    }
}

fn choose<'a>(
    versions: &'a ModuleVersions,
    address: &ModuleAddress,
    version: Option<&str>,
) -> Result<&'a TagVersion, Response> {
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

fn unreadable_docs(reason: &str) -> ModuleDocs {
    ModuleDocs {
        notes: vec![format!(
            "the README, inputs and outputs cannot be shown: {reason}"
        )],
        ..ModuleDocs::default()
    }
}
