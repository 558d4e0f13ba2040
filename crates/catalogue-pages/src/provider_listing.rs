//! Which of the GitHub repositories wharf can read hold providers, as [`crate::module_listing`]
//! does for modules: a repository holds a provider when it carries the topic
//! [`PROVIDER_TOPIC`] and `provider_repository_template` maps its name to exactly one
//! provider (`acme/terraform-provider-hello` is `acme/hello` under the default template). A
//! repository with the topic whose name does not map is named in a note.

use github::ListedRepository;
use terraform_providers::{ProviderAddress, ProviderRepositoryNaming};

/// The topic that marks a repository as a provider (GitHub's own convention for provider
/// repositories, which HashiCorp's scaffolding suggests).
pub const PROVIDER_TOPIC: &str = "terraform-provider";

/// A provider found among the listed repositories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedProviderRepository {
    /// Its registry address.
    pub address: ProviderAddress,
    /// The repository's owner.
    pub owner: String,
    /// The repository's name.
    pub name: String,
}

/// The providers among `repositories`, sorted by address, and one note per repository that
/// carries [`PROVIDER_TOPIC`] but maps to no provider.
pub fn providers_among(
    repositories: &[ListedRepository],
    naming: &ProviderRepositoryNaming,
) -> (Vec<ListedProviderRepository>, Vec<String>) {
    let mut providers = Vec::new();
    let mut notes = Vec::new();
    for repository in repositories {
        if !repository
            .topics
            .iter()
            .any(|topic| topic == PROVIDER_TOPIC)
        {
            continue;
        }
        match naming.provider_for(&repository.owner, &repository.name) {
            Some(address) => providers.push(ListedProviderRepository {
                address,
                owner: repository.owner.clone(),
                name: repository.name.clone(),
            }),
            None => notes.push(format!(
                "{}/{} has the topic {PROVIDER_TOPIC} but its name does not fit provider_repository_template",
                repository.owner, repository.name
            )),
        }
    }
    providers.sort_by(|a, b| a.address.cmp(&b.address));
    providers.dedup_by(|later, kept| later.address == kept.address);
    (providers, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository(owner: &str, name: &str, topics: &[&str]) -> ListedRepository {
        ListedRepository {
            owner: owner.to_owned(),
            name: name.to_owned(),
            description: None,
            topics: topics.iter().map(|topic| (*topic).to_owned()).collect(),
            archived: false,
        }
    }

    #[test]
    fn topic_and_template_decide() {
        let naming = ProviderRepositoryNaming::parse(ProviderRepositoryNaming::DEFAULT_TEMPLATE)
            .expect("valid");
        let (providers, notes) = providers_among(
            &[
                repository(
                    "acme",
                    "terraform-provider-proxmox",
                    &["terraform-provider"],
                ),
                repository(
                    "acme",
                    "terraform-provider-dns",
                    &["terraform-provider", "go"],
                ),
                repository("acme", "terraform-provider-untagged", &[]),
                repository("acme", "ansible-roles", &["terraform-provider"]),
                repository("acme", "terraform-aws-vpc", &["terraform-module"]),
            ],
            &naming,
        );
        let addresses: Vec<String> = providers
            .iter()
            .map(|provider| provider.address.to_string())
            .collect();
        assert_eq!(addresses, ["acme/dns", "acme/proxmox"]);
        assert_eq!(providers[1].name, "terraform-provider-proxmox");
        assert_eq!(
            notes,
            ["acme/ansible-roles has the topic terraform-provider but its name does not fit provider_repository_template"]
        );
    }
}
