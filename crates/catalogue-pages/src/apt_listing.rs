//! Packages as the served indexes list them: a suite's `Release` names its `Packages` files
//! (with their SHA256, so files with the same content, as `Architecture: all` packages give
//! every `binary-<arch>` directory, are read once), and each stanza becomes a
//! [`PackageVersion`]. [`group_packages`] orders them for the pages.

use std::collections::BTreeMap;

use debian::{parse_paragraphs, ControlParagraph, DebianVersion};
use serde::Serialize;

/// What a suite's `Release` says the catalogue needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteRelease {
    /// The directory under `dists/` (what a `.sources` file names in `Suites`).
    pub suite: String,
    /// `Components`.
    pub components: Vec<String>,
    /// `Architectures`.
    pub architectures: Vec<String>,
    /// `Description`, if any.
    pub description: Option<String>,
    /// The uncompressed `Packages` files to read, relative to `dists/<suite>/`, one per
    /// distinct content.
    pub packages_files: Vec<PackagesFile>,
}

/// One `Packages` file the `Release` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackagesFile {
    /// `main/binary-amd64/Packages`.
    pub path: String,
    /// The component it belongs to (`main`).
    pub component: String,
}

/// Why a `Release` file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dists/{suite}/Release cannot be read: {reason}")]
pub struct ReleaseError {
    suite: String,
    reason: String,
}

/// Reads `dists/<suite>/Release`.
pub fn read_release(suite: &str, text: &str) -> Result<SuiteRelease, ReleaseError> {
    let fail = |reason: String| ReleaseError {
        suite: suite.to_owned(),
        reason,
    };
    let release = ControlParagraph::parse(text).map_err(|error| fail(error.to_string()))?;
    let words = |name: &str| -> Vec<String> {
        release
            .get(name)
            .map(|value| value.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let mut packages_files: Vec<PackagesFile> = Vec::new();
    let mut seen_digests: Vec<String> = Vec::new();
    for line in release.get("SHA256").unwrap_or_default().lines() {
        let mut fields = line.split_whitespace();
        let (Some(digest), Some(_size), Some(path), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some(component) = packages_component(path) else {
            continue;
        };
        if seen_digests.iter().any(|seen| seen == digest) {
            continue;
        }
        seen_digests.push(digest.to_owned());
        packages_files.push(PackagesFile {
            path: path.to_owned(),
            component: component.to_owned(),
        });
    }
    if packages_files.is_empty() {
        return Err(fail("it lists no uncompressed Packages file".to_owned()));
    }
    Ok(SuiteRelease {
        suite: suite.to_owned(),
        components: words("Components"),
        architectures: words("Architectures"),
        description: release.get("Description").map(str::to_owned),
        packages_files,
    })
}

/// `main` for `main/binary-amd64/Packages`; `None` for anything else (compressed files,
/// by-hash paths, sources, other indexes).
fn packages_component(path: &str) -> Option<&str> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [component, binary, "Packages"]
            if binary.starts_with("binary-") && !component.is_empty() =>
        {
            Some(component)
        }
        _ => None,
    }
}

/// One stanza of a `Packages` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageVersion {
    /// `Package`.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `Architecture`.
    pub architecture: String,
    /// The suite and component it is served in.
    pub suite: String,
    /// The component.
    pub component: String,
    /// `Size` in bytes.
    pub size: Option<u64>,
    /// `Installed-Size` in KiB.
    pub installed_size_kib: Option<u64>,
    /// `Depends`, as written.
    pub depends: Option<String>,
    /// The description's first line.
    pub summary: Option<String>,
    /// The rest of the description, as Debian writes it (` .` lines are blank lines).
    pub description: Option<String>,
    /// `Section`.
    pub section: Option<String>,
    /// `Maintainer`.
    pub maintainer: Option<String>,
    /// `Homepage`.
    pub homepage: Option<String>,
    /// `Filename`, relative to the repository root.
    pub filename: Option<String>,
}

/// Reads a `Packages` file; stanzas without `Package`, `Version` and `Architecture` are
/// skipped (apt ignores them too). A file that is not deb822 at all is an error.
pub fn read_packages(
    text: &str,
    suite: &str,
    component: &str,
) -> Result<Vec<PackageVersion>, String> {
    let stanzas = parse_paragraphs(text).map_err(|error| error.to_string())?;
    Ok(stanzas
        .iter()
        .filter_map(|stanza| {
            let field = |name: &str| stanza.get(name).map(str::to_owned);
            let (summary, description) = split_description(stanza.get("Description"));
            Some(PackageVersion {
                name: field("Package")?,
                version: field("Version")?,
                architecture: field("Architecture")?,
                suite: suite.to_owned(),
                component: component.to_owned(),
                size: stanza.get("Size").and_then(|size| size.trim().parse().ok()),
                installed_size_kib: stanza
                    .get("Installed-Size")
                    .and_then(|size| size.trim().parse().ok()),
                depends: field("Depends")
                    .map(|depends| depends.split_whitespace().collect::<Vec<_>>().join(" ")),
                summary,
                description,
                section: field("Section"),
                maintainer: field("Maintainer"),
                homepage: field("Homepage"),
                filename: field("Filename"),
            })
        })
        .collect())
}

/// Debian's description: a synopsis line, then an extended description whose lines start
/// with a space and where ` .` is an empty line.
fn split_description(value: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(value) = value else {
        return (None, None);
    };
    let mut lines = value.split('\n');
    let summary = lines
        .next()
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty());
    let long: Vec<&str> = lines
        .map(|line| {
            let line = line.strip_prefix(' ').unwrap_or(line);
            if line.trim() == "." {
                ""
            } else {
                line
            }
        })
        .collect();
    let long = long.join("\n").trim().to_owned();
    (summary, Some(long).filter(|long| !long.is_empty()))
}

/// A package and every version the indexes list, newest first (dpkg's order), then by
/// architecture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// The package name.
    pub name: String,
    /// Each (version, architecture, suite, component) once.
    pub versions: Vec<PackageVersion>,
}

impl Package {
    /// The newest version's stanza.
    pub fn latest(&self) -> Option<&PackageVersion> {
        self.versions.first()
    }

    /// The architectures of the newest version.
    pub fn latest_architectures(&self) -> Vec<String> {
        let Some(latest) = self.latest() else {
            return Vec::new();
        };
        let mut architectures: Vec<String> = self
            .versions
            .iter()
            .filter(|version| version.version == latest.version)
            .map(|version| version.architecture.clone())
            .collect();
        architectures.sort();
        architectures.dedup();
        architectures
    }
}

/// Groups stanzas by package name (sorted), dropping exact duplicates.
pub fn group_packages(versions: Vec<PackageVersion>) -> Vec<Package> {
    let mut by_name: BTreeMap<String, Vec<PackageVersion>> = BTreeMap::new();
    for version in versions {
        by_name
            .entry(version.name.clone())
            .or_default()
            .push(version);
    }
    by_name
        .into_iter()
        .map(|(name, mut versions)| {
            versions.sort_by(|a, b| {
                newer_first(&a.version, &b.version)
                    .then_with(|| a.architecture.cmp(&b.architecture))
                    .then_with(|| a.suite.cmp(&b.suite))
                    .then_with(|| a.component.cmp(&b.component))
            });
            versions.dedup_by(|later, kept| {
                later.version == kept.version
                    && later.architecture == kept.architecture
                    && later.suite == kept.suite
                    && later.component == kept.component
            });
            Package { name, versions }
        })
        .collect()
}

/// dpkg's order where both versions parse, text order otherwise.
fn newer_first(a: &str, b: &str) -> std::cmp::Ordering {
    match (DebianVersion::parse(a), DebianVersion::parse(b)) {
        (Ok(a), Ok(b)) => b.cmp(&a),
        _ => b.cmp(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = "Origin: wharf\nSuite: stable\nArchitectures: amd64 arm64\nComponents: main extra\nDescription: homelab packages\nSHA256:\n aaaa 10 main/binary-amd64/Packages\n bbbb 8 main/binary-amd64/Packages.gz\n aaaa 10 main/binary-arm64/Packages\n cccc 10 extra/binary-amd64/Packages\n aaaa 10 main/binary-amd64/by-hash/SHA256/aaaa\n";

    #[test]
    fn release_names_each_distinct_packages_file_once() {
        let release = read_release("stable", RELEASE).expect("reads");
        assert_eq!(release.components, ["main", "extra"]);
        assert_eq!(release.architectures, ["amd64", "arm64"]);
        assert_eq!(release.description.as_deref(), Some("homelab packages"));
        let paths: Vec<&str> = release
            .packages_files
            .iter()
            .map(|file| file.path.as_str())
            .collect();
        assert_eq!(
            paths,
            ["main/binary-amd64/Packages", "extra/binary-amd64/Packages"]
        );
        assert_eq!(release.packages_files[1].component, "extra");
        let error = read_release("stable", "Origin: x\n").expect_err("no files");
        assert!(
            error.to_string().contains("no uncompressed Packages"),
            "{error}"
        );
    }

    const PACKAGES: &str = "Package: hello\nVersion: 1:2.0~rc1-1\nArchitecture: amd64\nSize: 808\nInstalled-Size: 12\nDepends: libc6 (>= 2.36),\n libssl3\nDescription: says hello\n Prints a greeting.\n .\n Twice.\nFilename: pool/main/h/hello/hello_2.0~rc1-1_amd64.deb\n\nPackage: hello\nVersion: 1:2.0-1\nArchitecture: amd64\nDescription: says hello\nFilename: pool/x.deb\n\nPackage: hello\nVersion: 1.9\nArchitecture: arm64\n\nVersion: 1\nArchitecture: all\n\nPackage: <script>alert(1)</script>\nVersion: 1\nArchitecture: all\nDescription: <img src=x onerror=alert(2)>\n";

    #[test]
    fn stanzas_become_versions() {
        let versions = read_packages(PACKAGES, "stable", "main").expect("reads");
        assert_eq!(versions.len(), 4, "the stanza without Package is skipped");
        let first = &versions[0];
        assert_eq!(first.size, Some(808));
        assert_eq!(first.installed_size_kib, Some(12));
        assert_eq!(first.depends.as_deref(), Some("libc6 (>= 2.36), libssl3"));
        assert_eq!(first.summary.as_deref(), Some("says hello"));
        assert_eq!(
            first.description.as_deref(),
            Some("Prints a greeting.\n\nTwice.")
        );
        assert!(read_packages(" continuation first\n", "stable", "main").is_err());
    }

    #[test]
    fn grouped_newest_first_in_dpkg_order() {
        let packages = group_packages(read_packages(PACKAGES, "stable", "main").expect("reads"));
        let names: Vec<&str> = packages
            .iter()
            .map(|package| package.name.as_str())
            .collect();
        assert_eq!(names, ["<script>alert(1)</script>", "hello"]);
        let hello = &packages[1];
        let versions: Vec<&str> = hello
            .versions
            .iter()
            .map(|version| version.version.as_str())
            .collect();
        assert_eq!(
            versions,
            ["1:2.0-1", "1:2.0~rc1-1", "1.9"],
            "~ sorts before the release"
        );
        assert_eq!(hello.latest_architectures(), ["amd64"]);
    }

    #[test]
    fn the_same_stanza_from_two_indexes_is_listed_once() {
        let mut twice = read_packages(PACKAGES, "stable", "main").expect("reads");
        twice.extend(read_packages(PACKAGES, "stable", "main").expect("reads"));
        let packages = group_packages(twice);
        assert_eq!(packages[1].versions.len(), 3);
    }
}
