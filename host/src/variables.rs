//! Spin application variables: defaults from spin.toml, `SPIN_VARIABLE_<NAME>` overrides from
//! the environment, required variables enforced, and `{{ name }}` templates in component
//! variables and `allowed_outbound_hosts`.

use std::collections::BTreeMap;

use crate::manifest::VariableDeclaration;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VariableError {
    #[error("required variable{} {} not set: export {}", if .0.len() > 1 { "s" } else { "" }, .0.join(", "), .0.iter().map(|name| environment_name(name)).collect::<Vec<_>>().join(", "))]
    RequiredMissing(Vec<String>),
    #[error("template '{template}' is malformed: {reason}")]
    MalformedTemplate { template: String, reason: String },
    #[error("template refers to '{0}', which is not declared in [variables]")]
    Undeclared(String),
}

/// The resolved value of every application variable. Values may be secrets: this type has no
/// Debug output of its values and nothing prints it.
pub struct ApplicationVariables {
    values: BTreeMap<String, String>,
}

impl std::fmt::Debug for ApplicationVariables {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_set().entries(self.values.keys()).finish()
    }
}

/// `SPIN_VARIABLE_GITHUB_TOKEN` for `github_token`, as Spin names them.
pub fn environment_name(variable: &str) -> String {
    format!("SPIN_VARIABLE_{}", variable.to_ascii_uppercase())
}

impl ApplicationVariables {
    /// Resolves every declared variable; `environment` looks up an environment variable.
    pub fn resolve(
        declarations: &BTreeMap<String, VariableDeclaration>,
        environment: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, VariableError> {
        let mut values = BTreeMap::new();
        let mut missing = Vec::new();
        for (name, declaration) in declarations {
            match environment(&environment_name(name)).or_else(|| declaration.default.clone()) {
                Some(value) => {
                    values.insert(name.clone(), value);
                }
                None => missing.push(name.clone()),
            }
        }
        if missing.is_empty() {
            Ok(Self { values })
        } else {
            Err(VariableError::RequiredMissing(missing))
        }
    }

    /// Expands `{{ name }}` placeholders (whitespace inside the braces is optional).
    pub fn expand(&self, template: &str) -> Result<String, VariableError> {
        let malformed = |reason: &str| VariableError::MalformedTemplate {
            template: template.to_owned(),
            reason: reason.to_owned(),
        };
        let mut expanded = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            expanded.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| malformed("'{{' without '}}'"))?;
            let name = after[..end].trim();
            if !crate::manifest::is_valid_variable_name(name) {
                return Err(malformed("placeholder is not a variable name"));
            }
            let value = self
                .values
                .get(name)
                .ok_or_else(|| VariableError::Undeclared(name.to_owned()))?;
            expanded.push_str(value);
            rest = &after[end + 2..];
        }
        if rest.contains("}}") {
            return Err(malformed("'}}' without '{{'"));
        }
        expanded.push_str(rest);
        Ok(expanded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declarations(entries: &[(&str, Option<&str>)]) -> BTreeMap<String, VariableDeclaration> {
        entries
            .iter()
            .map(|(name, default)| {
                (
                    name.to_string(),
                    VariableDeclaration {
                        default: default.map(str::to_owned),
                        required: default.is_none(),
                        secret: false,
                    },
                )
            })
            .collect()
    }

    fn no_environment(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_apply_and_environment_overrides() {
        let declared = declarations(&[
            ("origin", Some("files")),
            ("apt_branch", Some("apt-metadata")),
        ]);
        let variables = ApplicationVariables::resolve(&declared, |name| {
            (name == "SPIN_VARIABLE_ORIGIN").then(|| "github".to_owned())
        })
        .expect("resolves");
        assert_eq!(variables.expand("{{ origin }}").unwrap(), "github");
        assert_eq!(variables.expand("{{apt_branch}}").unwrap(), "apt-metadata");
    }

    #[test]
    fn missing_required_variables_are_all_named_with_their_environment_names() {
        let declared = declarations(&[
            ("url_signing_key", None),
            ("other_key", None),
            ("x", Some("")),
        ]);
        let error = ApplicationVariables::resolve(&declared, no_environment).expect_err("missing");
        let message = error.to_string();
        assert!(
            message.contains("SPIN_VARIABLE_URL_SIGNING_KEY"),
            "{message}"
        );
        assert!(message.contains("SPIN_VARIABLE_OTHER_KEY"), "{message}");
        assert!(!message.contains("SPIN_VARIABLE_X"), "{message}");
    }

    #[test]
    fn empty_environment_value_counts_as_set() {
        let declared = declarations(&[("key", None)]);
        let variables = ApplicationVariables::resolve(&declared, |_| Some(String::new()))
            .expect("set, even if empty");
        assert_eq!(variables.expand("{{ key }}").unwrap(), "");
    }

    #[test]
    fn templates_embed_values_in_text() {
        let declared = declarations(&[("host", Some("example.com")), ("port", Some("8080"))]);
        let variables = ApplicationVariables::resolve(&declared, no_environment).unwrap();
        assert_eq!(
            variables.expand("https://{{ host }}:{{ port }}/x").unwrap(),
            "https://example.com:8080/x"
        );
        assert_eq!(
            variables.expand("no placeholders").unwrap(),
            "no placeholders"
        );
    }

    #[test]
    fn undeclared_and_malformed_templates_are_errors() {
        let variables = ApplicationVariables::resolve(&declarations(&[]), no_environment).unwrap();
        assert_eq!(
            variables.expand("{{ nope }}"),
            Err(VariableError::Undeclared("nope".to_owned()))
        );
        assert!(matches!(
            variables.expand("{{ open"),
            Err(VariableError::MalformedTemplate { .. })
        ));
        assert!(matches!(
            variables.expand("close }}"),
            Err(VariableError::MalformedTemplate { .. })
        ));
        assert!(matches!(
            variables.expand("{{ Bad-Name }}"),
            Err(VariableError::MalformedTemplate { .. })
        ));
    }

    #[test]
    fn debug_output_shows_names_not_values() {
        let declared = declarations(&[("api_tokens", Some("secret-value-123"))]);
        let variables = ApplicationVariables::resolve(&declared, no_environment).unwrap();
        let printed = format!("{variables:?}");
        assert!(printed.contains("api_tokens"));
        assert!(!printed.contains("secret-value-123"));
    }
}
