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
