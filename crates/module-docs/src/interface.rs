//! A module's inputs and outputs, from the `variable` and `output` blocks of its root `.tf`
//! files, read with a real HCL parser.

use hcl::{Attribute, Block, Body, Expression, TemplateExpr};
use serde::{Deserialize, Serialize};

/// One `variable` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleInput {
    /// The variable's name.
    pub name: String,
    /// The type constraint as written (`list(string)`), if any.
    pub type_expression: Option<String>,
    /// The default as written (`"eu-west-1"`, `8`, `null`), if any.
    pub default: Option<String>,
    /// `description`, if any.
    pub description: Option<String>,
    /// Whether a caller must set it: true when there is no `default`.
    pub required: bool,
    /// `sensitive = true`.
    pub sensitive: bool,
}

/// One `output` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleOutput {
    /// The output's name.
    pub name: String,
    /// `description`, if any.
    pub description: Option<String>,
    /// `sensitive = true`.
    pub sensitive: bool,
}

/// Inputs and outputs of a set of `.tf` files, and what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleInterface {
    /// Sorted by name.
    pub inputs: Vec<ModuleInput>,
    /// Sorted by name.
    pub outputs: Vec<ModuleOutput>,
    /// One line per file that is not valid HCL.
    pub notes: Vec<String>,
}

/// Reads `(file name, contents)` pairs; a file that does not parse is noted and skipped.
pub fn read_interface(files: &[(&str, &str)]) -> ModuleInterface {
    let mut interface = ModuleInterface::default();
    for (name, text) in files {
        match hcl::parse(text) {
            Ok(body) => read_body(&body, &mut interface),
            Err(error) => {
                let reason = error.to_string();
                let first_line = reason.lines().next().unwrap_or("invalid HCL").trim();
                interface.notes.push(format!(
                    "{name} is not valid HCL ({first_line}); its inputs and outputs are not shown"
                ));
            }
        }
    }
    interface.inputs.sort_by(|a, b| a.name.cmp(&b.name));
    interface.outputs.sort_by(|a, b| a.name.cmp(&b.name));
    interface
}

fn read_body(body: &Body, interface: &mut ModuleInterface) {
    for block in body.blocks() {
        let [label] = block.labels() else {
            continue;
        };
        let name = label.as_str().to_owned();
        match block.identifier() {
            "variable" => {
                let default = attribute(block, "default");
                interface.inputs.push(ModuleInput {
                    name,
                    type_expression: attribute(block, "type")
                        .map(|expression| written(&expression.expr)),
                    required: default.is_none(),
                    default: default.map(|expression| written(&expression.expr)),
                    description: attribute(block, "description")
                        .map(|expression| text(&expression.expr)),
                    sensitive: is_true(block, "sensitive"),
                });
            }
            "output" => interface.outputs.push(ModuleOutput {
                name,
                description: attribute(block, "description")
                    .map(|expression| text(&expression.expr)),
                sensitive: is_true(block, "sensitive"),
            }),
            _ => {}
        }
    }
}

fn attribute<'a>(block: &'a Block, key: &str) -> Option<&'a Attribute> {
    block
        .body()
        .attributes()
        .find(|attribute| attribute.key() == key)
}

fn is_true(block: &Block, key: &str) -> bool {
    matches!(
        attribute(block, key).map(|attribute| &attribute.expr),
        Some(Expression::Bool(true))
    )
}

/// A description: the string itself (a heredoc's body, trimmed), or the expression as
/// written when it is something else.
fn text(expression: &Expression) -> String {
    match expression {
        Expression::String(text) => text.clone(),
        Expression::TemplateExpr(template) => match template.as_ref() {
            TemplateExpr::QuotedString(text) => text.clone(),
            TemplateExpr::Heredoc(heredoc) => heredoc.template.trim().to_owned(),
        },
        other => written(other),
    }
}

/// An expression as HCL (`list(string)`, `{ a = 1 }`, `"x"`).
fn written(expression: &Expression) -> String {
    hcl::format::to_string(expression).unwrap_or_else(|_| "(not shown)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARIABLES: &str = r#"
variable "name" {
  description = "Who to greet."
  type        = string
  default     = "operator"
}

variable "size" {
  type = number
}

variable "tags" {
  description = <<-EOT
    Tags for every resource,
    merged with the defaults.
  EOT
  type    = map(string)
  default = {}
}

variable "password" {
  type      = string
  sensitive = true
  default   = null
}

variable "subnets" {
  type = list(object({
    cidr = string
    zone = optional(string, "a")
  }))
  default = [{ cidr = "10.0.0.0/24" }]
}

output "greeting" {
  description = "The greeting."
  value       = "Hello, ${var.name}"
}

output "secret" {
  value     = var.password
  sensitive = true
}

resource "null_resource" "x" {}
locals { a = 1 }
"#;

    fn input<'a>(interface: &'a ModuleInterface, name: &str) -> &'a ModuleInput {
        interface
            .inputs
            .iter()
            .find(|input| input.name == name)
            .unwrap_or_else(|| panic!("{name} in {interface:?}"))
    }

    #[test]
    fn reads_variables_and_outputs() {
        let interface = read_interface(&[("main.tf", VARIABLES)]);
        let names: Vec<&str> = interface
            .inputs
            .iter()
            .map(|input| input.name.as_str())
            .collect();
        assert_eq!(names, ["name", "password", "size", "subnets", "tags"]);
        assert_eq!(
            input(&interface, "name"),
            &ModuleInput {
                name: "name".to_owned(),
                type_expression: Some("string".to_owned()),
                default: Some("\"operator\"".to_owned()),
                description: Some("Who to greet.".to_owned()),
                required: false,
                sensitive: false,
            }
        );
        let size = input(&interface, "size");
        assert!(size.required);
        assert_eq!(size.default, None);
        assert_eq!(size.type_expression.as_deref(), Some("number"));
        let tags = input(&interface, "tags");
        assert_eq!(
            tags.description.as_deref(),
            Some("Tags for every resource,\nmerged with the defaults.")
        );
        assert_eq!(tags.type_expression.as_deref(), Some("map(string)"));
        assert_eq!(tags.default.as_deref(), Some("{}"));
        let password = input(&interface, "password");
        assert!(password.sensitive);
        assert!(
            !password.required,
            "default = null makes a variable optional"
        );
        assert_eq!(password.default.as_deref(), Some("null"));
        let subnets = input(&interface, "subnets");
        let written_type = subnets.type_expression.as_deref().unwrap_or_default();
        assert!(written_type.starts_with("list(object({"), "{written_type}");
        assert!(
            written_type.contains("optional(string, \"a\")"),
            "{written_type}"
        );
        assert_eq!(interface.outputs.len(), 2);
        assert_eq!(
            interface.outputs[0].description.as_deref(),
            Some("The greeting.")
        );
        assert!(interface.outputs[1].sensitive);
        assert!(interface.notes.is_empty());
    }

    #[test]
    fn blocks_from_several_files_are_merged_and_broken_files_noted() {
        let interface = read_interface(&[
            ("variables.tf", "variable \"b\" {}\nvariable \"a\" {}\n"),
            ("broken.tf", "variable \"x\" {"),
            ("outputs.tf", "output \"o\" { value = 1 }\n"),
        ]);
        let names: Vec<&str> = interface
            .inputs
            .iter()
            .map(|input| input.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(interface.outputs.len(), 1);
        assert_eq!(interface.notes.len(), 1);
        assert!(
            interface.notes[0].starts_with("broken.tf is not valid HCL"),
            "{:?}",
            interface.notes
        );
    }

    #[test]
    fn hostile_strings_are_kept_as_text_for_the_renderer_to_escape() {
        let interface = read_interface(&[(
            "main.tf",
            "variable \"x\" {\n  description = \"<script>alert(1)</script>\"\n  default = \"</td><img src=x onerror=alert(2)>\"\n}\n",
        )]);
        let x = input(&interface, "x");
        assert_eq!(x.description.as_deref(), Some("<script>alert(1)</script>"));
        assert_eq!(
            x.default.as_deref(),
            Some("\"</td><img src=x onerror=alert(2)>\"")
        );
    }
}
