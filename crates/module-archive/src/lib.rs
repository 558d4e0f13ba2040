//! Terraform module archives in the one shape every client unpacks the same way: a `.tar.gz`
//! whose files sit at its root. Terraform ≥ 1.1 refuses the `//*` subdirectory glob, and naming
//! GitHub's top folder (`owner-repo-sha7`) in the URL depends on GitHub's spelling of the names,
//! so wharf moves the files up instead.
//!
//! [`ModuleFilesOrigin`] lists the files origin's archives (`registry/terraform/…`).

#![forbid(unsafe_code)]

mod files_origin;
mod pack;
mod repack;

pub use files_origin::ModuleFilesOrigin;
pub use pack::pack_directory;
pub use repack::{strip_top_directory, RepackSummary};

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive is not a valid gzip-compressed tar: {0}")]
    Corrupt(std::io::Error),
    #[error("writing the archive failed: {0}")]
    Write(std::io::Error),
    #[error("the archive has entries outside its top folder '{expected}' (found '{found}')")]
    SeveralTopFolders { expected: String, found: String },
    #[error("the archive entry '{0}' escapes the module directory")]
    UnsafePath(String),
    #[error("cannot read module directory {path}: {source}")]
    ReadDirectory {
        path: String,
        source: std::io::Error,
    },
}
