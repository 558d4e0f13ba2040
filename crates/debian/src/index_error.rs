//! Why an index could not be built.

use crate::compression::CompressionError;
use crate::release_file::ReleaseError;

/// Why a `Packages` index or a suite's index files could not be built.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A `Filename` that would break the `Packages` file or point outside the repository.
    #[error("invalid Filename {filename:?} for package {package}: {reason}")]
    InvalidFilename {
        /// The package the filename belongs to.
        package: String,
        /// The filename.
        filename: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Packages were given for a component the suite does not list.
    #[error(
        "packages were given for component {component:?}, which the suite's Components do not list"
    )]
    UnknownComponent {
        /// The component.
        component: String,
    },
    /// The same component was given twice.
    #[error("packages for component {component:?} were given twice; merge them into one list")]
    DuplicateComponent {
        /// The component.
        component: String,
    },
    /// A package's architecture is neither `all` nor one of the suite's architectures.
    #[error(
        "package {package} ({filename}) is for architecture {architecture:?}, which the suite's Architectures do not list"
    )]
    UnlistedArchitecture {
        /// The package name.
        package: String,
        /// Its filename.
        filename: String,
        /// Its architecture.
        architecture: String,
    },
    /// The Release file could not be written.
    #[error(transparent)]
    Release(#[from] ReleaseError),
    /// Compressing an index failed.
    #[error(transparent)]
    Compression(#[from] CompressionError),
}
