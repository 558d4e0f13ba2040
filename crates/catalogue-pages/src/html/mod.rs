//! The pages as HTML. maud escapes every interpolated value; the only markup inserted as it
//! is, is a README that `module-docs` sanitized.

mod modules;
mod overview;
mod packages;
mod providers;

pub use modules::{module_list, module_page};
pub use overview::overview;
pub use packages::{package_list, package_page};
pub use providers::{provider_list, provider_page};

use maud::{html, Markup, DOCTYPE};

use crate::ClientEndpoint;

/// The stylesheet, inlined in every page and allowed by its hash in the
/// `Content-Security-Policy` (see `negotiation`).
pub const STYLESHEET: &str = include_str!("style.css");

/// Which section of the site a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `/`
    Overview,
    /// `/catalogue/modules…`
    Modules,
    /// `/catalogue/providers…`
    Providers,
    /// `/catalogue/packages…`
    Packages,
}

/// The frame every page shares.
pub(crate) fn layout(
    title: &str,
    section: Section,
    endpoint: &ClientEndpoint,
    body: Markup,
) -> String {
    let link = |href: &str, label: &str, this: Section| {
        html! {
            @if section == this {
                a href=(href) aria-current="page" { (label) }
            } @else {
                a href=(href) { (label) }
            }
        }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · wharf" }
                style { (maud::PreEscaped(STYLESHEET)) }
            }
            body {
                header {
                    div.bar {
                        a.brand href="/" { "wharf" }
                        nav {
                            (link("/", "Overview", Section::Overview))
                            (link("/catalogue/modules", "Modules", Section::Modules))
                            (link("/catalogue/providers", "Providers", Section::Providers))
                            (link("/catalogue/packages", "Packages", Section::Packages))
                        }
                        span.host { (endpoint.base_url()) }
                    }
                }
                main { (body) }
                footer { "wharf — a private APT repository and Terraform module and provider registry. Every page is also JSON: send " code { "Accept: application/json" } "." }
            }
        }
    }
    .into_string()
}

/// What a page could not show.
pub(crate) fn notes(notes: &[String]) -> Markup {
    html! {
        @if !notes.is_empty() {
            div.notes role="note" {
                ul { @for note in notes { li { (note) } } }
            }
        }
    }
}

/// A snippet to copy.
pub(crate) fn snippet(id: &str, text: &str) -> Markup {
    html! { pre id=(id) { code { (text) } } }
}

/// Bytes as people read them.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_say_them() {
        assert_eq!(human_size(808), "808 B");
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 + 1), "5.0 MiB");
    }
}
