//! The provider list and a provider version's page.

use maud::{html, Markup};

use super::{layout, notes, snippet, Section};
use crate::pages::{ProviderList, ProviderPage, ProviderSummary};

/// A table of providers (also used on the front page).
pub(crate) fn provider_table(providers: &[ProviderSummary]) -> Markup {
    html! {
        @if providers.is_empty() {
            p.empty { "No providers yet." }
        } @else {
            div.scroll {
                table #providers {
                    thead { tr { th { "Provider" } th { "Latest" } th { "Platforms" } } }
                    tbody {
                        @for provider in providers {
                            tr {
                                td { a.provider-name href=(provider.path()) { (provider.namespace) "/" (provider.provider_type) } }
                                td { @if let Some(version) = &provider.latest_version { code { (version) } } @else { span.empty { "none offered" } } }
                                td.provider-platforms { (provider.platforms.join(", ")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/catalogue/providers`
pub fn provider_list(page: &ProviderList) -> String {
    let body = html! {
        h1 { "Providers" }
        p.lead { "Terraform and OpenTofu providers this registry offers: signed releases, by platform. Pick one for a ready " code { "required_providers" } " block." }
        (notes(&page.notes))
        (provider_table(&page.providers))
    };
    layout("Providers", Section::Providers, &page.registry, body)
}

/// `/catalogue/providers/{namespace}/{type}[/{version}]`
pub fn provider_page(page: &ProviderPage) -> String {
    let title = format!("{}/{}", page.namespace, page.provider_type);
    let body = html! {
        h1 #provider-title { (title) }
        dl.facts {
            dt { "Version" }
            dd {
                code #provider-version { (page.version) }
                @if page.version == page.latest_version { span.tag { "latest" } }
                @else { " (latest: " a href=(page.path(None)) { (page.latest_version) } ")" }
            }
            dt { "Source" } dd { code { (page.source) } }
            dt { "Protocols" } dd #provider-protocols { (page.protocols.join(", ")) }
            dt { "Signed by" } dd { code #provider-signed-by { (page.signed_by) } }
            @if let Some(repository) = &page.repository { dt { "Repository" } dd { code { (repository) } } }
        }
        (notes(&page.notes))
        h2 { "Usage" }
        (snippet("usage", &page.usage))
        details {
            summary { "Terraform CLI configuration for this registry" }
            (snippet("terraform-configuration", &page.terraform_configuration))
        }
        h2 { "Platforms" }
        div.scroll {
            table #platforms {
                thead { tr { th { "OS" } th { "Architecture" } th { "Package" } th { "SHA-256" } } }
                tbody {
                    @for package in &page.packages {
                        tr {
                            td.platform-os { (package.os) }
                            td.platform-arch { (package.arch) }
                            td { code { (package.file_name) } }
                            td { code.digest { (package.sha256) } }
                        }
                    }
                }
            }
        }
        h2 { "Versions" }
        ul.versions #versions {
            @for version in &page.versions {
                li {
                    @if *version == page.version { strong { code { (version) } } }
                    @else { a href=(page.path(Some(version))) { code { (version) } } }
                }
            }
        }
        @if !page.refused.is_empty() {
            h2 { "Not offered" }
            p { "Terraform is not offered these releases; it shows the reason as a registry warning." }
            ul #refused {
                @for refused in &page.refused {
                    li { code { (refused.version) } ": " (refused.reason) }
                }
            }
        }
    };
    layout(&title, Section::Providers, &page.registry, body)
}
