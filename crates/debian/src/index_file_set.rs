//! Every file under `dists/<suite>/` for one publication of a suite.

use crate::compression::{gzip, xz};
use crate::index_error::IndexError;
use crate::packages_index::{IndexEntry, PackagesIndex};
use crate::release_file::{by_hash_path, by_hash_sha512_path, ReleaseFile, SuiteMeta};

/// The packages of one component, all architectures together (`all` included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentPackages {
    /// The component (`main`).
    pub component: String,
    /// Its packages.
    pub entries: Vec<IndexEntry>,
}

/// One file to store, `path` relative to `dists/<suite>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// Path relative to `dists/<suite>/`.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// The unsigned files of a suite: for each component and architecture `Packages`,
/// `Packages.gz`, `Packages.xz` and their by-hash copies (SHA256 and SHA512), plus `Release`.
/// Signing `Release` into `InRelease` and `Release.gpg` is left to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFileSet {
    files: Vec<IndexFile>,
    release: String,
}

impl IndexFileSet {
    /// Builds the suite's files. Every component in `meta.components` gets indexes for every
    /// architecture in `meta.architectures` (empty when it has no packages, so apt never
    /// misses a file the Release promises). Packages for an unlisted component or
    /// architecture are an error rather than silently dropped.
    ///
    /// The same input always gives the same files in the same (path) order.
    pub fn build(meta: &SuiteMeta, packages: &[ComponentPackages]) -> Result<Self, IndexError> {
        let mut release = ReleaseFile::new(meta.clone())?;
        check_packages_fit_suite(meta, packages)?;

        let mut files = Vec::new();
        for component in &meta.components {
            let entries = packages
                .iter()
                .find(|p| &p.component == component)
                .map(|p| p.entries.as_slice())
                .unwrap_or_default();
            for architecture in &meta.architectures {
                let dir = format!("{component}/binary-{architecture}");
                let text = PackagesIndex::for_architecture(entries, architecture).to_string();
                let plain = text.into_bytes();
                let gz = gzip(&plain);
                let xz = xz(&plain)?;
                for (name, bytes) in [
                    ("Packages", plain),
                    ("Packages.gz", gz),
                    ("Packages.xz", xz),
                ] {
                    let path = format!("{dir}/{name}");
                    release.add_index(&path, &bytes)?;
                    let sha256 = release.sha256_of(&path).unwrap_or_default();
                    let sha512 = release.sha512_of(&path).unwrap_or_default();
                    files.push(IndexFile {
                        path: by_hash_path(&path, sha256),
                        bytes: bytes.clone(),
                    });
                    files.push(IndexFile {
                        path: by_hash_sha512_path(&path, sha512),
                        bytes: bytes.clone(),
                    });
                    files.push(IndexFile { path, bytes });
                }
            }
        }
        let release = release.to_string();
        files.push(IndexFile {
            path: "Release".into(),
            bytes: release.clone().into_bytes(),
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Self { files, release })
    }

    /// All files, sorted by path, `Release` included.
    pub fn files(&self) -> &[IndexFile] {
        &self.files
    }

    /// The file at `path`, if the set has it.
    pub fn file(&self, path: &str) -> Option<&IndexFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The `Release` text, to be signed.
    pub fn release_text(&self) -> &str {
        &self.release
    }

    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<IndexFile> {
        self.files
    }
}

fn check_packages_fit_suite(
    meta: &SuiteMeta,
    packages: &[ComponentPackages],
) -> Result<(), IndexError> {
    for (i, group) in packages.iter().enumerate() {
        if !meta.components.contains(&group.component) {
            return Err(IndexError::UnknownComponent {
                component: group.component.clone(),
            });
        }
        if packages[..i]
            .iter()
            .any(|earlier| earlier.component == group.component)
        {
            return Err(IndexError::DuplicateComponent {
                component: group.component.clone(),
            });
        }
        for entry in &group.entries {
            let architecture = entry.package().architecture();
            if architecture != "all" && !meta.architectures.iter().any(|a| a == architecture) {
                return Err(IndexError::UnlistedArchitecture {
                    package: entry.package().name().to_owned(),
                    filename: entry.filename().to_owned(),
                    architecture: architecture.to_owned(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ControlParagraph, DebPackage, FileDigests};

    fn meta() -> SuiteMeta {
        SuiteMeta {
            origin: "wharf".into(),
            label: "wharf".into(),
            suite: "stable".into(),
            codename: "stable".into(),
            description: String::new(),
            architectures: vec!["amd64".into(), "arm64".into()],
            components: vec!["main".into(), "extra".into()],
            date: 1_700_000_000,
        }
    }

    fn entry(name: &str, arch: &str) -> IndexEntry {
        let control = ControlParagraph::parse(&format!(
            "Package: {name}\nVersion: 1.0\nArchitecture: {arch}\n"
        ))
        .unwrap();
        let package = DebPackage::from_parts(control, FileDigests::of(name.as_bytes())).unwrap();
        IndexEntry::new(package, format!("pool/{name}_{arch}.deb")).unwrap()
    }

    fn main_packages() -> Vec<ComponentPackages> {
        vec![ComponentPackages {
            component: "main".into(),
            entries: vec![entry("tool", "amd64"), entry("docs", "all")],
        }]
    }

    #[test]
    fn every_component_and_architecture_gets_three_indexes_and_by_hash_copies() {
        let set = IndexFileSet::build(&meta(), &main_packages()).unwrap();
        // 2 components x 2 architectures x 3 indexes x (file + 2 by-hash copies) + Release.
        assert_eq!(set.files().len(), 2 * 2 * 3 * 3 + 1);
        let amd64 =
            std::str::from_utf8(&set.file("main/binary-amd64/Packages").unwrap().bytes).unwrap();
        assert!(amd64.contains("Package: tool\n") && amd64.contains("Package: docs\n"));
        let arm64 =
            std::str::from_utf8(&set.file("main/binary-arm64/Packages").unwrap().bytes).unwrap();
        assert!(!arm64.contains("Package: tool\n") && arm64.contains("Package: docs\n"));
        assert!(set
            .file("extra/binary-arm64/Packages")
            .unwrap()
            .bytes
            .is_empty());
        assert!(!set
            .file("extra/binary-arm64/Packages.xz")
            .unwrap()
            .bytes
            .is_empty());
        assert_eq!(
            set.file("Release").unwrap().bytes,
            set.release_text().as_bytes()
        );
    }

    #[test]
    fn output_is_sorted_and_deterministic() {
        let a = IndexFileSet::build(&meta(), &main_packages()).unwrap();
        let mut reversed = main_packages();
        reversed[0].entries.reverse();
        let b = IndexFileSet::build(&meta(), &reversed).unwrap();
        assert_eq!(a, b);
        let paths: Vec<&str> = a.files().iter().map(|f| f.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
    }

    #[test]
    fn refuses_packages_the_suite_does_not_describe() {
        let unknown = [ComponentPackages {
            component: "contrib".into(),
            entries: vec![],
        }];
        assert!(matches!(
            IndexFileSet::build(&meta(), &unknown),
            Err(IndexError::UnknownComponent { .. })
        ));
        let twice = [main_packages(), main_packages()].concat();
        assert!(matches!(
            IndexFileSet::build(&meta(), &twice),
            Err(IndexError::DuplicateComponent { .. })
        ));
        let riscv = [ComponentPackages {
            component: "main".into(),
            entries: vec![entry("tool", "riscv64")],
        }];
        let err = IndexFileSet::build(&meta(), &riscv).unwrap_err();
        assert!(
            matches!(err, IndexError::UnlistedArchitecture { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("riscv64"));
    }
}
