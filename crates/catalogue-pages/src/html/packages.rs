//! The package list with the APT setup, and a package's page.

use maud::{html, Markup};

use super::{human_size, layout, notes, snippet, Section};
use crate::pages::{AptSetup, PackageList, PackagePage, PackageSummary};

/// A table of packages (also used on the front page).
pub(crate) fn package_table(packages: &[PackageSummary]) -> Markup {
    html! {
        @if packages.is_empty() {
            p.empty { "No packages yet." }
        } @else {
            div.scroll {
                table #packages {
                    thead { tr { th { "Package" } th { "Latest" } th { "Architectures" } th { "Description" } } }
                    tbody {
                        @for package in packages {
                            tr {
                                td { a.package-name href=(package.path()) { (package.name) } }
                                td { code { (package.latest_version) } }
                                td { (package.architectures.join(" ")) }
                                td.package-summary { @if let Some(summary) = &package.summary { (summary) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How to set a machine up, step by step.
pub(crate) fn apt_setup(apt: &AptSetup) -> Markup {
    html! {
        ol {
            li {
                "Fetch the signing key (public, no credentials needed)"
                @if let Some(fingerprint) = &apt.fingerprint { ", fingerprint " code #fingerprint { (fingerprint) } }
                ":"
                (snippet("key-command", &apt.key_command))
            }
            li { code { "/etc/apt/sources.list.d/wharf.sources" } ":" (snippet("sources", &apt.sources)) }
            li {
                code { "/etc/apt/auth.conf.d/wharf.conf" } " (" code { "chmod 600" } "; your own password, never shown here):"
                (snippet("auth-conf", &apt.auth_conf))
            }
        }
    }
}

/// `/catalogue/packages`
pub fn package_list(page: &PackageList) -> String {
    let body = html! {
        h1 { "Packages" }
        p.lead { "Debian packages this registry serves, from its signed " code { "Packages" } " indexes." }
        (notes(&page.notes))
        (package_table(&page.packages))
        h2 { "Set up a machine" }
        (apt_setup(&page.apt))
        @if !page.apt.suites.is_empty() {
            h3 { "Suites" }
            div.scroll {
                table #suites {
                    thead { tr { th { "Suite" } th { "Components" } th { "Architectures" } th { "Description" } } }
                    tbody {
                        @for suite in &page.apt.suites {
                            tr {
                                td { code { (suite.suite) } }
                                td { (suite.components.join(" ")) }
                                td { (suite.architectures.join(" ")) }
                                td { @if let Some(description) = &suite.description { (description) } }
                            }
                        }
                    }
                }
            }
        }
    };
    layout("Packages", Section::Packages, &page.registry, body)
}

/// `/catalogue/packages/{name}`
pub fn package_page(page: &PackagePage) -> String {
    let body = html! {
        h1 #package-title { (page.name) }
        @if let Some(summary) = &page.summary { p.lead #package-summary { (summary) } }
        (notes(&page.notes))
        @if let Some(description) = &page.description { pre #package-description { (description) } }
        h2 { "Install" }
        (snippet("install", &page.install))
        p { "This version exactly:" }
        (snippet("install-pinned", &page.install_pinned))
        h2 { "Versions" }
        div.scroll {
            table #package-versions {
                thead { tr { th { "Version" } th { "Architecture" } th { "Size" } th { "Depends" } th { "Suite / component" } } }
                tbody {
                    @for version in &page.versions {
                        tr {
                            td { code { (version.version) } }
                            td { (version.architecture) }
                            td.num { @if let Some(size) = version.size { (human_size(size)) } }
                            td { @if let Some(depends) = &version.depends { (depends) } }
                            td { (version.suite) " / " (version.component) }
                        }
                    }
                }
            }
        }
        h2 { "Set up a machine" }
        (apt_setup(&page.apt))
    };
    layout(&page.name, Section::Packages, &page.registry, body)
}
