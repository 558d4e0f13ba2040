//! The front page.

use maud::html;

use super::modules::module_table;
use super::packages::{apt_setup, package_table};
use super::providers::provider_table;
use super::{layout, notes, snippet, Section};
use crate::pages::Overview;

/// `/` and `/catalogue`
pub fn overview(page: &Overview) -> String {
    let body = html! {
        h1 { "Registry overview" }
        p.lead { "What this registry holds, and what to paste to use it." }
        (notes(&page.notes))
        h2 { "Modules" }
        (module_table(&page.modules))
        details {
            summary { "Terraform CLI configuration for this registry" }
            (snippet("terraform-configuration", &page.terraform_configuration))
        }
        h2 { "Providers" }
        (provider_table(&page.providers))
        h2 { "Packages" }
        (package_table(&page.packages))
        details {
            summary { "Set up a machine for APT" }
            (apt_setup(&page.apt))
        }
    };
    layout("Overview", Section::Overview, &page.registry, body)
}
