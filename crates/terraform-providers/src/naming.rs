//! Which GitHub repository holds a provider (`provider_repository_template`).

use terraform_registry::{NamingError, RepositoryTemplate, TemplateRules};

use crate::ProviderAddress;

/// A parsed provider repository template, e.g. `{namespace}/terraform-provider-{type}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRepositoryNaming(RepositoryTemplate);

const PROVIDER_RULES: TemplateRules = TemplateRules {
    placeholders: &["namespace", "type"],
    required: "type",
    subject: "provider",
    example: "{namespace}/terraform-provider-{type}",
};

impl ProviderRepositoryNaming {
    /// HashiCorp's convention, which GoReleaser's provider scaffolding follows.
    pub const DEFAULT_TEMPLATE: &'static str = "{namespace}/terraform-provider-{type}";

    /// Parses `OWNER/REPOSITORY` mixing literal text with `{namespace}` and `{type}`; `{type}`
    /// is required (otherwise every provider would share one repository's releases).
    pub fn parse(template: &str) -> Result<Self, NamingError> {
        RepositoryTemplate::parse(template, &PROVIDER_RULES).map(Self)
    }

    /// The GitHub `(owner, repository)` for a provider.
    pub fn repository_for(&self, address: &ProviderAddress) -> (String, String) {
        self.0.render(|placeholder| match placeholder {
            "namespace" => address.namespace(),
            _ => address.provider_type(),
        })
    }

    /// The provider a repository holds under this template, if it names exactly one (for
    /// listing the GitHub origin's providers from the repositories of `allowed_owners`): the
    /// default template maps `acme/terraform-provider-hello` to `acme/hello`. `None` for other
    /// repositories, for templates without `{namespace}` (every namespace shares the
    /// repository) and for ambiguous names (`{namespace}-{type}` and `my-org-hello`).
    pub fn provider_for(&self, owner: &str, repository: &str) -> Option<ProviderAddress> {
        let part_ok = |_: &str, value: &str| ProviderAddress::new(value, "x").is_ok();
        let assignments = self.0.assignments(owner, repository, part_ok);
        let [assignment] = assignments.as_slice() else {
            return None;
        };
        ProviderAddress::new(assignment.get("namespace")?, assignment.get("type")?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> ProviderAddress {
        ProviderAddress::new("acme", "hello").expect("valid")
    }

    #[test]
    fn default_and_custom_templates() {
        let naming = ProviderRepositoryNaming::parse(ProviderRepositoryNaming::DEFAULT_TEMPLATE)
            .expect("valid");
        assert_eq!(
            naming.repository_for(&address()),
            ("acme".to_owned(), "terraform-provider-hello".to_owned())
        );
        let shared_owner =
            ProviderRepositoryNaming::parse("platform-team/tf-{namespace}-{type}").expect("valid");
        assert_eq!(
            shared_owner.repository_for(&address()),
            ("platform-team".to_owned(), "tf-acme-hello".to_owned())
        );
    }

    #[test]
    fn repositories_map_back_to_providers() {
        let default = ProviderRepositoryNaming::parse(ProviderRepositoryNaming::DEFAULT_TEMPLATE)
            .expect("valid");
        assert_eq!(
            default.provider_for("Acme", "terraform-provider-Hello-World"),
            Some(ProviderAddress::new("acme", "hello-world").expect("valid"))
        );
        for (owner, repository) in [
            ("acme", "terraform-provider-"),
            ("acme", "terraform-aws-vpc"),
            ("acme", "terraform-provider-hello_world"),
            ("ac_me", "terraform-provider-hello"),
        ] {
            assert_eq!(
                default.provider_for(owner, repository),
                None,
                "{owner}/{repository}"
            );
        }
        let shared =
            ProviderRepositoryNaming::parse("platform/tf-{namespace}-{type}").expect("valid");
        assert_eq!(
            shared.provider_for("platform", "tf-acme-hello"),
            Some(ProviderAddress::new("acme", "hello").expect("valid"))
        );
        assert_eq!(
            shared.provider_for("platform", "tf-my-org-hello"),
            None,
            "ambiguous"
        );
        assert_eq!(shared.provider_for("elsewhere", "tf-acme-hello"), None);
        let no_namespace = ProviderRepositoryNaming::parse("platform/tf-{type}").expect("valid");
        assert_eq!(no_namespace.provider_for("platform", "tf-hello"), None);
        let repeated =
            ProviderRepositoryNaming::parse("{namespace}/{namespace}-{type}").expect("valid");
        assert_eq!(
            repeated.provider_for("acme", "acme-hello"),
            Some(ProviderAddress::new("acme", "hello").expect("valid"))
        );
        assert_eq!(repeated.provider_for("acme", "other-hello"), None);
        // Each template renders the names it maps back from.
        for (naming, address) in [
            (&default, ProviderAddress::new("x1", "y-2").expect("valid")),
            (&shared, ProviderAddress::new("team", "dns").expect("valid")),
        ] {
            let (owner, repository) = naming.repository_for(&address);
            assert_eq!(naming.provider_for(&owner, &repository), Some(address));
        }
    }

    #[test]
    fn bad_templates_say_why() {
        for (template, hint) in [
            ("{namespace}/terraform-provider", "must contain {type}"),
            (
                "{namespace}/{name}",
                "unknown placeholder {name}: use {namespace}, {type}",
            ),
            (
                "terraform-provider-{type}",
                "{namespace}/terraform-provider-{type}",
            ),
        ] {
            let error = ProviderRepositoryNaming::parse(template).expect_err(template);
            assert!(error.to_string().contains(hint), "{template}: {error}");
        }
    }
}
