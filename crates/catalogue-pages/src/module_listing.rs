//! Which of the GitHub repositories wharf can read are modules, and under which addresses.
//!
//! A repository is a module when it carries the topic [`MODULE_TOPIC`] and its name fits
//! `module_repository_template`. The provider comes from the name when the template has
//! `{provider}` (`{namespace}/terraform-{provider}-{name}`); otherwise from topics
//! `provider-NAME` (one module per such topic). A repository with the topic that still yields
//! no address is reported in a note, so an operator sees why it is missing.

use github::ListedRepository;
use terraform_registry::{ModuleAddress, RepositoryNaming};

/// The topic that marks a repository as a module.
pub const MODULE_TOPIC: &str = "terraform-module";
/// Topics naming the provider when the template does not: `provider-aws`.
pub const PROVIDER_TOPIC_PREFIX: &str = "provider-";

/// A module found among the listed repositories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedModule {
    /// Its registry address.
    pub address: ModuleAddress,
    /// The repository's description.
    pub description: Option<String>,
    /// Whether the repository is archived.
    pub archived: bool,
    /// `owner/name` of the repository.
    pub repository: String,
}

/// The modules among `repositories`, sorted by address, and one note per repository that
/// carries [`MODULE_TOPIC`] but maps to no address.
pub fn modules_among(
    repositories: &[ListedRepository],
    naming: &RepositoryNaming,
) -> (Vec<ListedModule>, Vec<String>) {
    let mut modules = Vec::new();
    let mut notes = Vec::new();
    for repository in repositories {
        if !repository.topics.iter().any(|topic| topic == MODULE_TOPIC) {
            continue;
        }
        let full_name = format!("{}/{}", repository.owner, repository.name);
        let addresses: Vec<ModuleAddress> = if naming.names_provider() {
            naming.modules_in(&repository.owner, &repository.name, None)
        } else {
            let providers: Vec<&str> = repository
                .topics
                .iter()
                .filter_map(|topic| topic.strip_prefix(PROVIDER_TOPIC_PREFIX))
                .collect();
            if providers.is_empty() {
                notes.push(format!(
                    "{full_name} has the topic {MODULE_TOPIC} but names no provider: add a topic {PROVIDER_TOPIC_PREFIX}NAME (e.g. {PROVIDER_TOPIC_PREFIX}aws), or put {{provider}} in module_repository_template"
                ));
                continue;
            }
            providers
                .into_iter()
                .flat_map(|provider| {
                    naming.modules_in(&repository.owner, &repository.name, Some(provider))
                })
                .collect()
        };
        if addresses.is_empty() {
            notes.push(format!(
                "{full_name} has the topic {MODULE_TOPIC} but its name does not fit module_repository_template"
            ));
        }
        modules.extend(addresses.into_iter().map(|address| ListedModule {
            address,
            description: repository.description.clone(),
            archived: repository.archived,
            repository: full_name.clone(),
        }));
    }
    modules.sort_by_key(|module| module.address.to_string().to_ascii_lowercase());
    modules.dedup_by(|later, kept| later.address == kept.address);
    (modules, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository(name: &str, topics: &[&str]) -> ListedRepository {
        ListedRepository {
            owner: "acme".to_owned(),
            name: name.to_owned(),
            description: Some(format!("{name} module")),
            topics: topics.iter().map(|topic| (*topic).to_owned()).collect(),
            archived: false,
        }
    }

    fn addresses(modules: &[ListedModule]) -> Vec<String> {
        modules
            .iter()
            .map(|module| module.address.to_string())
            .collect()
    }

    #[test]
    fn the_topic_marks_modules_and_the_template_names_them() {
        let naming =
            RepositoryNaming::parse("{namespace}/terraform-{provider}-{name}").expect("valid");
        let (modules, notes) = modules_among(
            &[
                repository("terraform-aws-vpc", &["terraform-module"]),
                repository("terraform-aws-dns", &[]),
                repository("ansible-roles", &["terraform-module"]),
                repository("terraform-proxmox-vm", &["terraform-module", "homelab"]),
            ],
            &naming,
        );
        assert_eq!(addresses(&modules), ["acme/vm/proxmox", "acme/vpc/aws"]);
        assert_eq!(
            modules[1].description.as_deref(),
            Some("terraform-aws-vpc module")
        );
        assert_eq!(modules[1].repository, "acme/terraform-aws-vpc");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("acme/ansible-roles has the topic"),
            "{notes:?}"
        );
    }

    #[test]
    fn without_provider_in_the_template_topics_name_it() {
        let naming = RepositoryNaming::default();
        let (modules, notes) = modules_among(
            &[
                repository(
                    "vpc",
                    &["terraform-module", "provider-aws", "provider-azurerm"],
                ),
                repository("dns", &["terraform-module"]),
            ],
            &naming,
        );
        assert_eq!(addresses(&modules), ["acme/vpc/aws", "acme/vpc/azurerm"]);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("add a topic provider-NAME"), "{notes:?}");
    }
}
