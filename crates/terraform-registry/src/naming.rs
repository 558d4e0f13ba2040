//! Which GitHub repository holds a module: a template such as `{namespace}/{name}` or
//! `{namespace}/terraform-{provider}-{name}` (HashiCorp's public-registry convention).
//! [`RepositoryTemplate`] is the general form, with the placeholders a caller chooses (the
//! provider registry uses `{namespace}` and `{type}`).

use std::collections::BTreeMap;

use crate::address::printable;
use crate::ModuleAddress;

/// A parsed `OWNER/REPOSITORY` template: each side literal text mixed with `{placeholder}`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryTemplate {
    owner: Vec<Piece>,
    repository: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Placeholder(&'static str),
}

/// A template that cannot name repositories; the message is for the operator's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid repository naming template '{template}': {reason}")]
pub struct NamingError {
    /// The template as configured (shortened, control characters replaced).
    pub template: String,
    /// What is wrong and how to write it instead.
    pub reason: String,
}

/// What a template's placeholders may be, and which one it must use.
#[derive(Debug, Clone, Copy)]
pub struct TemplateRules {
    /// The placeholder names allowed inside `{…}`.
    pub placeholders: &'static [&'static str],
    /// The placeholder every template must use, or every address would map to one repository.
    pub required: &'static str,
    /// What one repository holds, for the error message ("module", "provider").
    pub subject: &'static str,
    /// An example to show when the template is not `OWNER/REPOSITORY`.
    pub example: &'static str,
}

impl RepositoryTemplate {
    /// Parses `OWNER/REPOSITORY` where each side mixes literal text with the placeholders of
    /// `rules`; literals must be characters GitHub allows in names.
    pub fn parse(template: &str, rules: &TemplateRules) -> Result<Self, NamingError> {
        let fail = |reason: &str| NamingError {
            template: printable(template),
            reason: reason.to_owned(),
        };
        let trimmed = template.trim();
        let (owner, repository) = trimmed.split_once('/').ok_or_else(|| {
            fail(&format!(
                "write it as OWNER/REPOSITORY, e.g. {}",
                rules.example
            ))
        })?;
        if repository.contains('/') {
            return Err(fail(
                "it has more than one '/': write it as OWNER/REPOSITORY",
            ));
        }
        let owner = parse_side(owner, rules, |b| {
            b.is_ascii_alphanumeric() || matches!(b, '-' | '_')
        })
        .map_err(|reason| fail(&format!("owner part: {reason}")))?;
        let repository = parse_side(repository, rules, |b| {
            b.is_ascii_alphanumeric() || matches!(b, '-' | '_' | '.')
        })
        .map_err(|reason| fail(&format!("repository part: {reason}")))?;
        if repository
            .iter()
            .any(|piece| matches!(piece, Piece::Literal(text) if text.contains("..")))
        {
            return Err(fail("repository part: '..' is not allowed"));
        }
        if !owner
            .iter()
            .chain(&repository)
            .any(|piece| *piece == Piece::Placeholder(rules.required))
        {
            return Err(fail(&format!(
                "it must contain {{{}}}, or every {} would map to the same repository",
                rules.required, rules.subject
            )));
        }
        Ok(Self { owner, repository })
    }

    /// Whether `placeholder` appears anywhere in the template.
    pub fn uses(&self, placeholder: &str) -> bool {
        self.owner
            .iter()
            .chain(&self.repository)
            .any(|piece| matches!(piece, Piece::Placeholder(name) if *name == placeholder))
    }

    /// The GitHub `(owner, repository)`, with each placeholder replaced by `value_of(name)`.
    pub fn render<'a>(&self, value_of: impl Fn(&str) -> &'a str) -> (String, String) {
        let render_side = |pieces: &[Piece]| -> String {
            pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Literal(text) => text.as_str(),
                    Piece::Placeholder(name) => value_of(name),
                })
                .collect()
        };
        (render_side(&self.owner), render_side(&self.repository))
    }

    /// The reverse of [`Self::render`]: every assignment of placeholder values that renders
    /// to `(owner, repository)` (compared without case, as GitHub compares names; values are
    /// lowercased). `value_ok(placeholder, value)` says which values a placeholder may take; a
    /// placeholder used twice takes one value. More than one answer means the name is
    /// ambiguous under this template.
    pub fn assignments(
        &self,
        owner: &str,
        repository: &str,
        value_ok: impl Fn(&str, &str) -> bool,
    ) -> Vec<BTreeMap<&'static str, String>> {
        let mut found = Vec::new();
        let owner = owner.to_ascii_lowercase();
        let repository = repository.to_ascii_lowercase();
        for owner_assignment in match_pieces(&self.owner, &owner, BTreeMap::new(), &value_ok) {
            for assignment in
                match_pieces(&self.repository, &repository, owner_assignment, &value_ok)
            {
                if !found.contains(&assignment) {
                    found.push(assignment);
                }
            }
        }
        found
    }
}

/// Every way `pieces` can spell `text`, extending `assigned`.
fn match_pieces(
    pieces: &[Piece],
    text: &str,
    assigned: BTreeMap<&'static str, String>,
    value_ok: &impl Fn(&str, &str) -> bool,
) -> Vec<BTreeMap<&'static str, String>> {
    let Some((first, rest)) = pieces.split_first() else {
        return if text.is_empty() {
            vec![assigned]
        } else {
            Vec::new()
        };
    };
    match first {
        Piece::Literal(literal) => match text.strip_prefix(literal.to_ascii_lowercase().as_str()) {
            Some(remaining) => match_pieces(rest, remaining, assigned, value_ok),
            None => Vec::new(),
        },
        Piece::Placeholder(name) => {
            if let Some(value) = assigned.get(name) {
                return match text.strip_prefix(value.as_str()) {
                    Some(remaining) => match_pieces(rest, remaining, assigned.clone(), value_ok),
                    None => Vec::new(),
                };
            }
            (1..=text.len())
                .filter(|end| text.is_char_boundary(*end))
                .filter(|end| value_ok(name, &text[..*end]))
                .flat_map(|end| {
                    let mut next = assigned.clone();
                    next.insert(*name, text[..end].to_owned());
                    match_pieces(rest, &text[end..], next, value_ok)
                })
                .collect()
        }
    }
}

/// Which GitHub repository holds a module (`module_repository_template`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryNaming(RepositoryTemplate);

const MODULE_RULES: TemplateRules = TemplateRules {
    placeholders: &["namespace", "name", "provider"],
    required: "name",
    subject: "module",
    example: "{namespace}/terraform-{provider}-{name}",
};

impl RepositoryNaming {
    /// Repositories named like the module: `acme/vpc/aws` → `acme/vpc`.
    pub const DEFAULT_TEMPLATE: &'static str = "{namespace}/{name}";

    /// Parses `OWNER/REPOSITORY` where each side mixes literal text with `{namespace}`,
    /// `{name}` and `{provider}`. The template must use `{name}` (otherwise every module
    /// would share one repository, and versions are that repository's tags) and literals
    /// must be characters GitHub allows.
    pub fn parse(template: &str) -> Result<Self, NamingError> {
        RepositoryTemplate::parse(template, &MODULE_RULES).map(Self)
    }

    /// The GitHub `(owner, repository)` for a module.
    pub fn repository_for(&self, address: &ModuleAddress) -> (String, String) {
        self.0.render(|placeholder| match placeholder {
            "namespace" => address.namespace(),
            "name" => address.name(),
            _ => address.provider(),
        })
    }
}

impl RepositoryNaming {
    /// Whether the template names the provider; when it does not, every provider of a module
    /// maps to the same repository, and a listing must learn the provider elsewhere.
    pub fn names_provider(&self) -> bool {
        self.0.uses("provider")
    }

    /// The inverse of [`RepositoryNaming::repository_for`]: the module addresses held by
    /// repository `owner/repository`, for listing an owner's repositories as modules.
    /// `provider_if_unnamed` stands in for `{provider}` when the template has none. GitHub
    /// names compare without ASCII case; every address returned maps back to this repository.
    /// Usually one address, none when the name does not fit the template, several only when a
    /// template is ambiguous (`{name}-{provider}` with a name holding `-`).
    pub fn modules_in(
        &self,
        owner: &str,
        repository: &str,
        provider_if_unnamed: Option<&str>,
    ) -> Vec<ModuleAddress> {
        let mut addresses: Vec<ModuleAddress> = self
            .0
            .assignments(owner, repository, |_, _| true)
            .into_iter()
            .filter_map(|values| {
                let provider = values
                    .get("provider")
                    .map(String::as_str)
                    .or(provider_if_unnamed)?;
                ModuleAddress::new(values.get("namespace")?, values.get("name")?, provider).ok()
            })
            .filter(|address| {
                let (rendered_owner, rendered_repository) = self.repository_for(address);
                rendered_owner.eq_ignore_ascii_case(owner)
                    && rendered_repository.eq_ignore_ascii_case(repository)
            })
            .collect();
        addresses.sort_by_key(|address| address.to_string());
        addresses.dedup();
        addresses
    }
}

impl Default for RepositoryNaming {
    fn default() -> Self {
        Self(RepositoryTemplate {
            owner: vec![Piece::Placeholder("namespace")],
            repository: vec![Piece::Placeholder("name")],
        })
    }
}

fn parse_side(
    side: &str,
    rules: &TemplateRules,
    literal_char_ok: impl Fn(char) -> bool,
) -> Result<Vec<Piece>, String> {
    if side.is_empty() {
        return Err("it is empty".to_owned());
    }
    let mut pieces = Vec::new();
    let mut rest = side;
    while !rest.is_empty() {
        if let Some(after_brace) = rest.strip_prefix('{') {
            let end = after_brace
                .find('}')
                .ok_or_else(|| "a '{' is never closed".to_owned())?;
            let name = &after_brace[..end];
            let Some(placeholder) = rules.placeholders.iter().find(|known| **known == name) else {
                let listed: Vec<String> = rules
                    .placeholders
                    .iter()
                    .map(|known| format!("{{{known}}}"))
                    .collect();
                return Err(format!(
                    "unknown placeholder {{{}}}: use {}",
                    printable(name),
                    listed.join(", ")
                ));
            };
            pieces.push(Piece::Placeholder(placeholder));
            rest = &after_brace[end + 1..];
        } else {
            let end = rest.find('{').unwrap_or(rest.len());
            let literal = &rest[..end];
            if let Some(bad) = literal.chars().find(|c| !literal_char_ok(*c)) {
                return Err(format!(
                    "character '{}' is not allowed in a GitHub name",
                    bad.escape_default()
                ));
            }
            pieces.push(Piece::Literal(literal.to_owned()));
            rest = &rest[end..];
        }
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> ModuleAddress {
        ModuleAddress::new("acme", "vpc", "aws").expect("valid")
    }

    fn repo(template: &str) -> (String, String) {
        RepositoryNaming::parse(template)
            .expect(template)
            .repository_for(&address())
    }

    #[test]
    fn default_template_is_namespace_slash_name() {
        let expected = ("acme".to_owned(), "vpc".to_owned());
        assert_eq!(
            RepositoryNaming::default().repository_for(&address()),
            expected
        );
        assert_eq!(repo(RepositoryNaming::DEFAULT_TEMPLATE), expected);
        assert_eq!(
            RepositoryNaming::parse(RepositoryNaming::DEFAULT_TEMPLATE).expect("valid"),
            RepositoryNaming::default()
        );
    }

    #[test]
    fn hashicorp_convention_and_literals() {
        assert_eq!(
            repo("{namespace}/terraform-{provider}-{name}"),
            ("acme".to_owned(), "terraform-aws-vpc".to_owned())
        );
        assert_eq!(
            repo("platform-team/{namespace}.{name}_{provider}"),
            ("platform-team".to_owned(), "acme.vpc_aws".to_owned())
        );
        assert_eq!(repo(" {name}/mod "), ("vpc".to_owned(), "mod".to_owned()));
    }

    #[test]
    fn invalid_templates_are_refused_at_parse_time() {
        for (template, hint) in [
            ("{namespace}", "OWNER/REPOSITORY"),
            ("a/b/{name}", "more than one '/'"),
            ("/{name}", "owner part: it is empty"),
            ("{namespace}/", "repository part: it is empty"),
            ("{namespace}/{nam}", "unknown placeholder {nam}"),
            ("{namespace}/{name", "never closed"),
            ("{namespace}/x}{name}", "'}'"),
            ("{namespace}/terraform {name}", "' '"),
            ("my.org/{name}", "owner part: character '.'"),
            ("{namespace}/..{name}", "'..'"),
            ("{namespace}/{provider}", "must contain {name}"),
            ("{namespace}/mod?{name}", "'?'"),
        ] {
            let error = RepositoryNaming::parse(template).expect_err(template);
            assert!(error.to_string().contains(hint), "{template}: {error}");
        }
    }

    fn listed(
        template: &str,
        owner: &str,
        repository: &str,
        provider: Option<&str>,
    ) -> Vec<String> {
        RepositoryNaming::parse(template)
            .expect(template)
            .modules_in(owner, repository, provider)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn repositories_map_back_to_modules() {
        assert_eq!(
            listed(
                "{namespace}/terraform-{provider}-{name}",
                "acme",
                "terraform-aws-vpc-peering",
                None
            ),
            ["acme/vpc-peering/aws"]
        );
        assert_eq!(
            listed(
                "{namespace}/terraform-{provider}-{name}",
                "acme",
                "Terraform-aws-vpc",
                None
            ),
            ["acme/vpc/aws"],
            "GitHub names compare without case"
        );
        assert!(listed(
            "{namespace}/terraform-{provider}-{name}",
            "acme",
            "ansible-roles",
            None
        )
        .is_empty());
        assert_eq!(
            listed("{namespace}/{name}", "acme", "vpc", Some("aws")),
            ["acme/vpc/aws"]
        );
        assert!(
            listed("{namespace}/{name}", "acme", "vpc", None).is_empty(),
            "without {{provider}} in the template the provider must come from elsewhere"
        );
        assert_eq!(
            listed(
                "platform-team/{namespace}.{name}_{provider}",
                "platform-team",
                "acme.vpc_aws",
                None
            ),
            ["acme/vpc/aws"]
        );
        assert!(listed(
            "platform-team/{namespace}.{name}_{provider}",
            "someone-else",
            "acme.vpc_aws",
            None
        )
        .is_empty());
        assert!(
            listed("{namespace}/{name}", "acme", "my.dotted.repo", Some("aws")).is_empty(),
            "a repository name that is no module name is no module"
        );
        assert_eq!(
            listed("{namespace}/{name}-{provider}", "acme", "my-vpc-aws", None),
            ["acme/my-vpc/aws"],
            "only one split gives a valid provider"
        );
        assert_eq!(
            listed("{namespace}/{name}-{name}", "acme", "x-x", Some("aws")),
            ["acme/x/aws"]
        );
        assert!(listed("{namespace}/{name}-{name}", "acme", "x-y", Some("aws")).is_empty());
    }

    #[test]
    fn says_whether_the_provider_is_named() {
        assert!(!RepositoryNaming::default().names_provider());
        assert!(
            RepositoryNaming::parse("{namespace}/terraform-{provider}-{name}")
                .expect("valid")
                .names_provider()
        );
    }
}
