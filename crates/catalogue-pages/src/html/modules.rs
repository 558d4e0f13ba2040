//! The module list and a module version's page.

use maud::{html, Markup, PreEscaped};
use module_docs::{ModuleInput, ModuleOutput};

use super::{layout, notes, snippet, Section};
use crate::pages::{ModuleList, ModulePage, ModuleSummary};

/// A table of modules (also used on the front page).
pub(crate) fn module_table(modules: &[ModuleSummary]) -> Markup {
    html! {
        @if modules.is_empty() {
            p.empty { "No modules yet." }
        } @else {
            div.scroll {
                table #modules {
                    thead { tr { th { "Module" } th { "Latest" } th { "Description" } } }
                    tbody {
                        @for module in modules {
                            tr {
                                td {
                                    a.module-name href=(module.path()) { (module.namespace) "/" (module.name) "/" (module.provider) }
                                    @if module.archived { span.tag { "archived" } }
                                }
                                td { @if let Some(version) = &module.latest_version { code { (version) } } @else { span.empty { "not yet known" } } }
                                td { @if let Some(description) = &module.description { (description) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/catalogue/modules`
pub fn module_list(page: &ModuleList) -> String {
    let body = html! {
        h1 { "Modules" }
        p.lead { "Terraform and OpenTofu modules this registry serves. Pick one for its inputs, outputs and a ready " code { "module" } " block." }
        (notes(&page.notes))
        (module_table(&page.modules))
    };
    layout("Modules", Section::Modules, &page.registry, body)
}

/// `/catalogue/modules/{namespace}/{name}/{provider}[/{version}]`
pub fn module_page(page: &ModulePage) -> String {
    let title = format!("{}/{}/{}", page.namespace, page.name, page.provider);
    let docs = &page.documentation;
    let (required, optional): (Vec<&ModuleInput>, Vec<&ModuleInput>) =
        docs.inputs.iter().partition(|input| input.required);
    let body = html! {
        h1 #module-title { (title) }
        @if let Some(summary) = &docs.summary { p.lead { (summary) } }
        dl.facts {
            dt { "Version" }
            dd {
                code #module-version { (page.version) }
                @if page.version == page.latest_version { span.tag { "latest" } }
                @else { " (latest: " a href=(page.path(None)) { (page.latest_version) } ")" }
            }
            dt { "Source" } dd { code { (page.source) } }
            @if let Some(repository) = &page.repository { dt { "Repository" } dd { code { (repository) } } }
            @if let Some(tag) = &page.tag { dt { "Tag" } dd { code { (tag) } } }
            @if let Some(commit) = &page.commit { dt { "Commit" } dd { code { (commit) } } }
        }
        (notes(&page.notes))
        h2 { "Usage" }
        (snippet("usage", &page.usage))
        details {
            summary { "Terraform CLI configuration for this registry" }
            (snippet("terraform-configuration", &page.terraform_configuration))
        }
        h2 #inputs-heading { "Inputs" }
        @if docs.inputs.is_empty() { p.empty { "This module takes no inputs." } }
        @if !required.is_empty() { h3 { "Required" } (input_table("required-inputs", &required)) }
        @if !optional.is_empty() { h3 { "Optional" } (input_table("optional-inputs", &optional)) }
        h2 { "Outputs" }
        (output_table(&docs.outputs))
        h2 { "Versions" }
        ul.versions #versions {
            @for version in &page.versions {
                li {
                    @if *version == page.version { strong { code { (version) } } }
                    @else { a href=(page.path(Some(version))) { code { (version) } } }
                }
            }
        }
        h2 { "README" }
        @match &docs.readme_html {
            // Sanitized by module-docs (ammonia) before it was kept.
            Some(readme) => div.readme #readme { (PreEscaped(readme)) },
            None => p.empty { "This version has no README.md." },
        }
    };
    layout(&title, Section::Modules, &page.registry, body)
}

fn input_table(id: &str, inputs: &[&ModuleInput]) -> Markup {
    html! {
        div.scroll {
            table id=(id) class="inputs" {
                thead { tr { th { "Name" } th { "Description" } th { "Type" } th { "Default" } } }
                tbody {
                    @for input in inputs {
                        tr {
                            td {
                                code.input-name { (input.name) }
                                @if input.required { span.tag.required { "required" } }
                                @if input.sensitive { span.tag { "sensitive" } }
                            }
                            td.input-description { @if let Some(description) = &input.description { (description) } }
                            td { @if let Some(written) = &input.type_expression { pre { code { (written) } } } @else { code { "any" } } }
                            td { @if let Some(default) = &input.default { pre { code { (default) } } } }
                        }
                    }
                }
            }
        }
    }
}

fn output_table(outputs: &[ModuleOutput]) -> Markup {
    html! {
        @if outputs.is_empty() {
            p.empty { "This module has no outputs." }
        } @else {
            div.scroll {
                table #outputs {
                    thead { tr { th { "Name" } th { "Description" } } }
                    tbody {
                        @for output in outputs {
                            tr {
                                td { code { (output.name) } @if output.sensitive { span.tag { "sensitive" } } }
                                td { @if let Some(description) = &output.description { (description) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
