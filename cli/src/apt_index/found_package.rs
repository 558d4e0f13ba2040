//! A package found in a source, with where it came from (for messages naming it).

use std::fmt;
use std::path::PathBuf;

use debian::IndexEntry;

/// Where a `.deb` was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageOrigin {
    /// A file given through `--from-dir`.
    LocalFile(PathBuf),
    /// A GitHub Release asset given through `--from-github`.
    ReleaseAsset {
        repository: String,
        tag: String,
        asset: String,
    },
}

impl fmt::Display for PackageOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageOrigin::LocalFile(path) => write!(f, "{}", path.display()),
            PackageOrigin::ReleaseAsset {
                repository,
                tag,
                asset,
            } => write!(f, "asset {asset} of release {tag} in {repository}"),
        }
    }
}

/// A package, the APT component it goes into, its pool path (inside `entry`) and its origin.
#[derive(Debug, Clone)]
pub struct FoundPackage {
    pub component: String,
    pub entry: IndexEntry,
    pub origin: PackageOrigin,
}

impl FoundPackage {
    /// `name version (architecture)`, as messages name a package.
    pub fn describe(&self) -> String {
        let package = self.entry.package();
        format!(
            "{} {} ({})",
            package.name(),
            package.version(),
            package.architecture()
        )
    }

    pub fn sha256(&self) -> &str {
        self.entry.package().sha256()
    }
}
