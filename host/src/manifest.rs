//! The part of Spin's manifest (spin.toml, `spin_manifest_version = 2`) that wharf-host honours.
//!
//! Anything that would change behaviour and that wharf-host does not implement is refused at
//! load time with a message, so a manifest never runs with half its meaning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid Spin manifest: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub spin_manifest_version: u32,
    pub application: Application,
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDeclaration>,
    #[serde(default)]
    pub trigger: Triggers,
    #[serde(default)]
    pub component: BTreeMap<String, ComponentDeclaration>,
}

#[derive(Debug, Deserialize)]
pub struct Application {
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableDeclaration {
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    /// wharf-host never prints a variable's value, secret or not; parsed so typos are caught.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "accepted for Spin compatibility; every value is treated as secret"
    )]
    pub secret: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct Triggers {
    #[serde(default)]
    pub http: Vec<HttpTrigger>,
}

#[derive(Debug, Deserialize)]
pub struct HttpTrigger {
    pub route: String,
    pub component: String,
}

#[derive(Debug, Deserialize)]
pub struct ComponentDeclaration {
    pub source: String,
    #[serde(default)]
    pub files: Vec<FileMount>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    #[serde(default)]
    pub dependencies: BTreeMap<String, DependencySource>,
    #[serde(default)]
    pub dependencies_inherit_configuration: bool,
}

/// `files` entries. Spin also accepts glob strings; wharf-host mounts directories only.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FileMount {
    Directory { source: String, destination: String },
    Pattern(String),
}

/// `[component.X.dependencies]` entries. wharf-host supports the local `path` form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependencySource {
    pub path: String,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let manifest: Manifest = toml::from_str(&text).map_err(|source| ManifestError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })?;
        manifest.validate()?;
        Ok(manifest)
    }

    fn validate(&self) -> Result<(), ManifestError> {
        let invalid = |message: String| Err(ManifestError::Invalid(message));
        if self.spin_manifest_version != 2 {
            return invalid(format!(
                "spin_manifest_version is {}; wharf-host runs version 2 manifests",
                self.spin_manifest_version
            ));
        }
        for (name, declaration) in &self.variables {
            if !is_valid_variable_name(name) {
                return invalid(format!(
                    "variable name '{name}' is invalid: use lower-case letters, digits and '_', starting with a letter"
                ));
            }
            match (declaration.required, &declaration.default) {
                (true, Some(_)) => {
                    return invalid(format!(
                        "variable '{name}' is required and has a default: choose one"
                    ))
                }
                (false, None) => {
                    return invalid(format!(
                        "variable '{name}' needs a default or required = true"
                    ))
                }
                _ => {}
            }
        }
        for trigger in &self.trigger.http {
            if !self.component.contains_key(&trigger.component) {
                return invalid(format!(
                    "route {} names component '{}', which is not defined",
                    trigger.route, trigger.component
                ));
            }
        }
        for (id, component) in &self.component {
            for mount in &component.files {
                if let FileMount::Pattern(pattern) = mount {
                    return invalid(format!(
                        "component '{id}': files entry '{pattern}' is a pattern; wharf-host mounts directories only ({{ source = \"dir\", destination = \"/dir\" }})"
                    ));
                }
            }
            if !component.dependencies.is_empty() && !component.dependencies_inherit_configuration {
                return invalid(format!(
                    "component '{id}' has dependencies without dependencies_inherit_configuration = true; wharf-host composes dependencies into their parent, so they always share its configuration"
                ));
            }
            for name in component.variables.keys() {
                if !is_valid_variable_name(name) {
                    return invalid(format!(
                        "component '{id}': variable name '{name}' is invalid"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Spin's rule for variable names, shared by application and component variables.
pub fn is_valid_variable_name(name: &str) -> bool {
    let mut characters = name.chars();
    matches!(characters.next(), Some('a'..='z'))
        && characters.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|source| ManifestError::Parse {
            path: PathBuf::from("test.toml"),
            source: Box::new(source),
        })?;
        manifest.validate()?;
        Ok(manifest)
    }

    const MINIMAL: &str = r#"
        spin_manifest_version = 2
        [application]
        name = "demo"
        [[trigger.http]]
        route = "/..."
        component = "web"
        [component.web]
        source = "web.wasm"
    "#;

    #[test]
    fn minimal_manifest_loads() {
        let manifest = parse(MINIMAL).expect("valid manifest");
        assert_eq!(manifest.trigger.http.len(), 1);
        assert_eq!(manifest.component["web"].source, "web.wasm");
    }

    #[test]
    fn route_to_unknown_component_is_refused() {
        let text = MINIMAL.replace("component = \"web\"", "component = \"nope\"");
        let error = parse(&text).expect_err("unknown component");
        assert!(error.to_string().contains("'nope'"), "{error}");
    }

    #[test]
    fn variable_needs_default_or_required() {
        let text = format!("{MINIMAL}\n[variables]\nkey = {{ secret = true }}\n");
        let error = parse(&text).expect_err("neither default nor required");
        assert!(error.to_string().contains("needs a default"), "{error}");
    }

    #[test]
    fn variable_cannot_be_required_and_defaulted() {
        let text =
            format!("{MINIMAL}\n[variables]\nkey = {{ required = true, default = \"x\" }}\n");
        assert!(parse(&text).is_err());
    }

    #[test]
    fn upper_case_variable_names_are_refused() {
        let text = format!("{MINIMAL}\n[variables]\nKey = {{ default = \"x\" }}\n");
        let error = parse(&text).expect_err("upper case");
        assert!(error.to_string().contains("'Key'"), "{error}");
    }

    #[test]
    fn glob_file_mounts_are_refused_with_the_supported_form() {
        let text = MINIMAL.replace(
            "source = \"web.wasm\"",
            "source = \"web.wasm\"\nfiles = [\"static/**/*\"]",
        );
        let error = parse(&text).expect_err("pattern");
        assert!(error.to_string().contains("destination"), "{error}");
    }

    #[test]
    fn dependencies_must_inherit_configuration() {
        let text = MINIMAL.replace(
            "source = \"web.wasm\"",
            "source = \"web.wasm\"\ndependencies = { \"a:b/c\" = { path = \"dep.wasm\" } }",
        );
        let error = parse(&text).expect_err("no inherit");
        assert!(
            error
                .to_string()
                .contains("dependencies_inherit_configuration"),
            "{error}"
        );
    }

    #[test]
    fn version_1_manifests_are_refused() {
        let text = MINIMAL.replace("spin_manifest_version = 2", "spin_manifest_version = 1");
        assert!(parse(&text).is_err());
    }

    #[test]
    fn variable_name_rule() {
        assert!(is_valid_variable_name("github_api_url"));
        assert!(is_valid_variable_name("a1"));
        assert!(!is_valid_variable_name("1a"));
        assert!(!is_valid_variable_name("_a"));
        assert!(!is_valid_variable_name("a-b"));
        assert!(!is_valid_variable_name(""));
    }
}
