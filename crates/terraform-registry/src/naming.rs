//! Which GitHub repository holds a module: a template such as `{namespace}/{name}` or
//! `{namespace}/terraform-{provider}-{name}` (HashiCorp's public-registry convention).

use crate::address::printable;
use crate::ModuleAddress;

/// A parsed repository naming template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryNaming {
    owner: Vec<Piece>,
    repository: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Namespace,
    Name,
    Provider,
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

impl RepositoryNaming {
    /// Repositories named like the module: `acme/vpc/aws` → `acme/vpc`.
    pub const DEFAULT_TEMPLATE: &'static str = "{namespace}/{name}";

    /// Parses `OWNER/REPOSITORY` where each side mixes literal text with `{namespace}`,
    /// `{name}` and `{provider}`. The template must use `{name}` (otherwise every module
    /// would share one repository, and versions are that repository's tags) and literals
    /// must be characters GitHub allows.
    pub fn parse(template: &str) -> Result<Self, NamingError> {
        let fail = |reason: &str| NamingError {
            template: printable(template),
            reason: reason.to_owned(),
        };
        let trimmed = template.trim();
        let (owner, repository) = trimmed.split_once('/').ok_or_else(|| {
            fail("write it as OWNER/REPOSITORY, e.g. {namespace}/terraform-{provider}-{name}")
        })?;
        if repository.contains('/') {
            return Err(fail(
                "it has more than one '/': write it as OWNER/REPOSITORY",
            ));
        }
        let owner = parse_side(owner, |b| {
            b.is_ascii_alphanumeric() || matches!(b, '-' | '_')
        })
        .map_err(|reason| fail(&format!("owner part: {reason}")))?;
        let repository = parse_side(repository, |b| {
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
            .any(|piece| *piece == Piece::Name)
        {
            return Err(fail(
                "it must contain {name}, or every module would map to the same repository",
            ));
        }
        Ok(Self { owner, repository })
    }

    /// The GitHub `(owner, repository)` for a module.
    pub fn repository_for(&self, address: &ModuleAddress) -> (String, String) {
        (
            render(&self.owner, address),
            render(&self.repository, address),
        )
    }
}

impl RepositoryNaming {
    /// Whether the template names the provider; when it does not, every provider of a module
    /// maps to the same repository, and a listing must learn the provider elsewhere.
    pub fn names_provider(&self) -> bool {
        self.owner
            .iter()
            .chain(&self.repository)
            .any(|piece| *piece == Piece::Provider)
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
        let mut owner_matches = Vec::new();
        match_pieces(&self.owner, owner, Bindings::default(), &mut owner_matches);
        let mut matches = Vec::new();
        for bindings in owner_matches {
            match_pieces(&self.repository, repository, bindings, &mut matches);
        }
        let mut addresses: Vec<ModuleAddress> = matches
            .into_iter()
            .filter_map(|bindings| {
                let provider = bindings.provider.as_deref().or(provider_if_unnamed)?;
                ModuleAddress::new(
                    bindings.namespace.as_deref()?,
                    bindings.name.as_deref()?,
                    provider,
                )
                .ok()
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

/// What the placeholders matched so far.
#[derive(Debug, Clone, Default)]
struct Bindings {
    namespace: Option<String>,
    name: Option<String>,
    provider: Option<String>,
}

impl Bindings {
    fn slot(&mut self, piece: &Piece) -> Option<&mut Option<String>> {
        match piece {
            Piece::Namespace => Some(&mut self.namespace),
            Piece::Name => Some(&mut self.name),
            Piece::Provider => Some(&mut self.provider),
            Piece::Literal(_) => None,
        }
    }
}

/// Every way `pieces` spell `text`; a placeholder matches a non-empty run, the same value
/// wherever it appears again. Names are at most 100 characters, so trying every split is cheap.
fn match_pieces(pieces: &[Piece], text: &str, bindings: Bindings, found: &mut Vec<Bindings>) {
    const MAX_MATCHES: usize = 16;
    if found.len() >= MAX_MATCHES {
        return;
    }
    let Some((piece, rest)) = pieces.split_first() else {
        if text.is_empty() {
            found.push(bindings);
        }
        return;
    };
    if let Piece::Literal(literal) = piece {
        if let Some(after) = text
            .get(..literal.len())
            .filter(|head| head.eq_ignore_ascii_case(literal))
            .map(|_| &text[literal.len()..])
        {
            match_pieces(rest, after, bindings, found);
        }
        return;
    }
    for end in (1..=text.len()).filter(|end| text.is_char_boundary(*end)) {
        let value = &text[..end];
        let mut next = bindings.clone();
        let Some(slot) = next.slot(piece) else {
            return;
        };
        match slot {
            Some(bound) if !bound.eq_ignore_ascii_case(value) => continue,
            Some(_) => {}
            None => *slot = Some(value.to_owned()),
        }
        match_pieces(rest, &text[end..], next, found);
    }
}

impl Default for RepositoryNaming {
    fn default() -> Self {
        Self {
            owner: vec![Piece::Namespace],
            repository: vec![Piece::Name],
        }
    }
}

fn parse_side(side: &str, literal_char_ok: impl Fn(char) -> bool) -> Result<Vec<Piece>, String> {
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
            let piece = match &after_brace[..end] {
                "namespace" => Piece::Namespace,
                "name" => Piece::Name,
                "provider" => Piece::Provider,
                other => {
                    return Err(format!(
                        "unknown placeholder {{{}}}: use {{namespace}}, {{name}} or {{provider}}",
                        printable(other)
                    ))
                }
            };
            pieces.push(piece);
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

fn render(pieces: &[Piece], address: &ModuleAddress) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Literal(text) => text.as_str(),
            Piece::Namespace => address.namespace(),
            Piece::Name => address.name(),
            Piece::Provider => address.provider(),
        })
        .collect()
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
