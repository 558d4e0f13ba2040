//! The files origin's module layout (what `wharf module pack` writes):
//!
//! ```text
//! registry/terraform/
//!   NAMESPACE/NAME/PROVIDER/
//!     VERSION.tar.gz                   e.g. 1.2.0.tar.gz, files at the archive's root
//! ```

use std::path::{Path, PathBuf};

use terraform_registry::{ModuleAddress, ModuleVersions};

/// The `terraform/` directory of the files origin.
#[derive(Debug, Clone)]
pub struct ModuleFilesOrigin {
    root: PathBuf,
}

impl ModuleFilesOrigin {
    /// The layout under `root` (`/registry/terraform` inside the components).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The layout inside a registry directory (the components mount it at `/registry`):
    /// modules are its `terraform/` directory.
    pub fn in_registry(registry: impl AsRef<Path>) -> Self {
        Self::new(registry.as_ref().join("terraform"))
    }

    /// `root/NAMESPACE/NAME/PROVIDER`.
    pub fn module_directory(&self, address: &ModuleAddress) -> PathBuf {
        self.root
            .join(address.namespace())
            .join(address.name())
            .join(address.provider())
    }

    /// The archive of one version, named as its directory lists it (`tag` of a
    /// [`terraform_registry::TagVersion`] from [`Self::versions`]).
    pub fn archive_path(&self, address: &ModuleAddress, tag: &str) -> PathBuf {
        self.module_directory(address).join(format!("{tag}.tar.gz"))
    }

    /// The module's versions, newest first; `None` when it has none (or no directory).
    pub fn versions(&self, address: &ModuleAddress) -> Option<ModuleVersions> {
        let versions =
            ModuleVersions::from_archive_names(entry_names(&self.module_directory(address)));
        (!versions.is_empty()).then_some(versions)
    }

    /// Every module with at least one version, sorted by address; directory names that are
    /// not module address parts are skipped.
    pub fn modules(&self) -> Vec<(ModuleAddress, ModuleVersions)> {
        let mut modules = Vec::new();
        for namespace in entry_names(&self.root) {
            for name in entry_names(&self.root.join(&namespace)) {
                for provider in entry_names(&self.root.join(&namespace).join(&name)) {
                    let Ok(address) = ModuleAddress::new(&namespace, &name, &provider) else {
                        continue;
                    };
                    if let Some(versions) = self.versions(&address) {
                        modules.push((address, versions));
                    }
                }
            }
        }
        modules.sort_by_key(|(address, _)| address.to_string());
        modules
    }
}

/// The UTF-8 names in a directory; none when it cannot be read.
fn entry_names(path: &Path) -> Vec<String> {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("directory");
        std::fs::write(path, b"").expect("file");
    }

    #[test]
    fn in_a_registry_modules_are_its_terraform_directory() {
        let vpc = ModuleAddress::new("acme", "vpc", "aws").expect("address");
        assert_eq!(
            ModuleFilesOrigin::in_registry("/registry").archive_path(&vpc, "1.0.0~rc1"),
            Path::new("/registry/terraform/acme/vpc/aws/1.0.0~rc1.tar.gz")
        );
    }

    #[test]
    fn lists_modules_with_versions_and_skips_the_rest() {
        let root = tempfile::tempdir().expect("root");
        let root = root.path();
        touch(&root.join("acme/vpc/aws/1.0.0.tar.gz"));
        touch(&root.join("acme/vpc/aws/1.10.0.tar.gz"));
        touch(&root.join("acme/vpc/aws/notes.txt"));
        touch(&root.join("acme/dns/aws/README.md"));
        touch(&root.join("acme/vpc/AWS/1.0.0.tar.gz"));
        touch(&root.join("acme/bad name/aws/1.0.0.tar.gz"));
        touch(&root.join("wharf/hello/null/0.1.0.tar.gz"));
        let origin = ModuleFilesOrigin::new(root);

        let modules = origin.modules();
        let listed: Vec<(String, Vec<String>)> = modules
            .iter()
            .map(|(address, versions)| {
                (
                    address.to_string(),
                    versions.iter().map(|found| found.version.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                (
                    "acme/vpc/aws".to_owned(),
                    vec!["1.10.0".to_owned(), "1.0.0".to_owned()]
                ),
                ("wharf/hello/null".to_owned(), vec!["0.1.0".to_owned()]),
            ]
        );
        let vpc = ModuleAddress::new("acme", "vpc", "aws").expect("address");
        assert_eq!(
            origin.archive_path(&vpc, "1.0.0"),
            root.join("acme/vpc/aws/1.0.0.tar.gz")
        );
        let dns = ModuleAddress::new("acme", "dns", "aws").expect("address");
        assert!(origin.versions(&dns).is_none(), "a README is no version");
        let missing = ModuleAddress::new("nobody", "x", "aws").expect("address");
        assert!(origin.versions(&missing).is_none());
    }
}
