//! What a Terraform module archive says about itself, ready to show in the catalogue:
//!
//! - [`read_module_archive`]: walks a module `.tar.gz` once (files at its root, or under
//!   GitHub's single `owner-repo-sha7/` folder), keeping only the root `README.md` and the
//!   root `*.tf` files, each within a size bound, so memory stays small whatever the archive.
//! - [`render_readme`]: Markdown to HTML with `pulldown-cmark`, then sanitized by `ammonia`
//!   (an allow-list: no scripts, no event handlers, no `javascript:` URLs, no relative URLs
//!   that would point into wharf).
//! - [`read_interface`]: the module's inputs (`variable` blocks) and outputs (`output`
//!   blocks), parsed with `hcl-rs`: name, type, default, description, required, sensitive.
//!
//! [`ModuleDocs`] is serializable, so a component can keep it in key-value by commit and a
//! page view then costs no archive read and no Markdown rendering.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod archive;
mod interface;
mod readme;

pub use archive::{read_module_archive, ArchiveLimits, DocsError};
pub use interface::{read_interface, ModuleInput, ModuleInterface, ModuleOutput};
pub use readme::{render_readme, summary_of};

use serde::{Deserialize, Serialize};

/// A module version's documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleDocs {
    /// The root `README.md` as sanitized HTML, if the module has one.
    pub readme_html: Option<String>,
    /// The README's first paragraph as plain text (at most about 300 characters), for lists.
    pub summary: Option<String>,
    /// Inputs, sorted by name.
    pub inputs: Vec<ModuleInput>,
    /// Outputs, sorted by name.
    pub outputs: Vec<ModuleOutput>,
    /// What could not be read (a `.tf` file that is not valid HCL, a file over the size
    /// bound), one line each, for the page to say instead of silently showing less.
    pub notes: Vec<String>,
}
