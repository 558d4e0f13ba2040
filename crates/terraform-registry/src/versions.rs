//! A module's versions: the tags that are versions, newest first, and the way back from a
//! requested version to its tag and commit.

use semver::Version;

use crate::version_tag::{parse_version_tag, TagSpelling};

/// One published module version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagVersion {
    /// The git tag, as in the repository (`v1.2`).
    pub tag: String,
    /// The commit the tag points at.
    pub commit_sha: String,
    /// The canonical version Terraform sees and asks for (`1.2.0`).
    pub version: String,
}

/// A module's versions, ordered newest first by semver precedence.
#[derive(Debug, Clone, Default)]
pub struct ModuleVersions {
    /// Sorted newest first; canonical versions are unique.
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    parsed: Version,
    spelling: TagSpelling,
    published: TagVersion,
}

impl ModuleVersions {
    /// Builds the version list from `(tag name, commit sha)` pairs, e.g. from
    /// `github::parse_tags`. Tags that are not versions are skipped. When several tags name
    /// the same canonical version, the exact spelling wins (`1.0.0` over `v1.0.0` over
    /// `v1.0`), then the smaller tag name, so the choice never depends on input order.
    pub fn from_tags<I, N, S>(tags: I) -> Self
    where
        I: IntoIterator<Item = (N, S)>,
        N: AsRef<str>,
        S: AsRef<str>,
    {
        let mut entries: Vec<Entry> = tags
            .into_iter()
            .filter_map(|(tag, sha)| {
                let tag = tag.as_ref();
                let (parsed, spelling) = parse_version_tag(tag)?;
                Some(Entry {
                    published: TagVersion {
                        tag: tag.to_owned(),
                        commit_sha: sha.as_ref().to_owned(),
                        version: parsed.to_string(),
                    },
                    parsed,
                    spelling,
                })
            })
            .collect();
        // Newest first; within one version the preferred tag first, then dedup keeps it.
        entries.sort_by(|a, b| {
            b.parsed
                .cmp(&a.parsed)
                .then(a.spelling.cmp(&b.spelling))
                .then_with(|| a.published.tag.cmp(&b.published.tag))
        });
        entries.dedup_by(|later, kept| later.parsed == kept.parsed);
        Self { entries }
    }

    /// The files origin's versions: the `{version}.tar.gz` names in a module's directory
    /// (`terraform/{namespace}/{name}/{provider}/`); other names are skipped. The files origin
    /// has no commits, so the archive's name is the whole identity and `commit_sha` is empty.
    pub fn from_archive_names<I, N>(names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: AsRef<str>,
    {
        let tags: Vec<String> = names
            .into_iter()
            .filter_map(|name| name.as_ref().strip_suffix(".tar.gz").map(str::to_owned))
            .collect();
        Self::from_tags(tags.iter().map(|tag| (tag, "")))
    }

    /// Versions newest first.
    pub fn iter(&self) -> impl Iterator<Item = &TagVersion> {
        self.entries.iter().map(|entry| &entry.published)
    }

    /// How many versions there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no tag is a version (the module then answers 404).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The tag behind a requested version. Terraform asks for the canonical string
    /// (`1.2.0`); a `v`-prefixed or two-part request is canonicalised the same way as tags.
    pub fn resolve(&self, requested_version: &str) -> Option<&TagVersion> {
        let (wanted, _) = parse_version_tag(requested_version)?;
        self.entries
            .iter()
            .find(|entry| entry.parsed == wanted)
            .map(|entry| &entry.published)
    }
}

/// The body of `GET /v1/modules/{ns}/{name}/{provider}/versions`:
/// `{"modules":[{"versions":[{"version":"1.2.0"},…]}]}`, newest first.
pub fn versions_response_json(versions: &ModuleVersions) -> String {
    let listed: Vec<serde_json::Value> = versions
        .iter()
        .map(|v| serde_json::json!({ "version": v.version }))
        .collect();
    serde_json::json!({ "modules": [{ "versions": listed }] }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_are_versions_and_other_files_are_not() {
        let versions = ModuleVersions::from_archive_names([
            "1.0.0.tar.gz",
            "README.md",
            "1.2.0-rc.1.tar.gz",
            "1.1.0.tar.gz.partial",
            "latest.tar.gz",
            "1.10.0.tar.gz",
        ]);
        let listed: Vec<(&str, &str)> = versions
            .iter()
            .map(|version| (version.version.as_str(), version.commit_sha.as_str()))
            .collect();
        assert_eq!(listed, [("1.10.0", ""), ("1.2.0-rc.1", ""), ("1.0.0", "")]);
        assert_eq!(
            versions
                .resolve("1.2.0-rc.1")
                .map(|found| found.tag.as_str()),
            Some("1.2.0-rc.1")
        );
    }

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const C: &str = "cccccccccccccccccccccccccccccccccccccccc";

    fn listed(versions: &ModuleVersions) -> Vec<&str> {
        versions.iter().map(|v| v.version.as_str()).collect()
    }

    #[test]
    fn newest_first_by_semver_precedence() {
        let versions = ModuleVersions::from_tags([
            ("v1.10.0", A),
            ("v1.2.0", A),
            ("v1.9.1", A),
            ("v2.0.0-rc.1", A),
            ("v2.0.0", A),
            ("v2.0.0-beta.11", A),
            ("v2.0.0-beta.2", A),
            ("0.1.0", A),
        ]);
        assert_eq!(
            listed(&versions),
            [
                "2.0.0",
                "2.0.0-rc.1",
                "2.0.0-beta.11",
                "2.0.0-beta.2",
                "1.10.0",
                "1.9.1",
                "1.2.0",
                "0.1.0"
            ]
        );
    }

    #[test]
    fn garbage_tags_are_skipped() {
        let versions = ModuleVersions::from_tags([
            ("latest", A),
            ("v1", A),
            ("release-candidate", A),
            ("v1.0.0", B),
        ]);
        assert_eq!(listed(&versions), ["1.0.0"]);
        assert!(ModuleVersions::from_tags([("nope", A)]).is_empty());
    }

    #[test]
    fn exact_spelling_wins_whatever_the_input_order() {
        let forwards = ModuleVersions::from_tags([("v1.0.0", A), ("1.0.0", B), ("v1.0", C)]);
        let backwards = ModuleVersions::from_tags([("v1.0", C), ("1.0.0", B), ("v1.0.0", A)]);
        for versions in [&forwards, &backwards] {
            assert_eq!(versions.len(), 1);
            let chosen = versions.resolve("1.0.0").expect("listed");
            assert_eq!(
                (chosen.tag.as_str(), chosen.commit_sha.as_str()),
                ("1.0.0", B)
            );
        }
        let v_beats_partial = ModuleVersions::from_tags([("v1.2", C), ("v1.2.0", A)]);
        assert_eq!(
            v_beats_partial.resolve("1.2.0").map(|v| v.tag.as_str()),
            Some("v1.2.0")
        );
        let partials = ModuleVersions::from_tags([("v1.2", C), ("1.2", A)]);
        assert_eq!(
            partials.resolve("1.2.0").map(|v| v.tag.as_str()),
            Some("1.2")
        );
    }

    #[test]
    fn resolve_maps_canonical_requests_back_to_tags() {
        let versions =
            ModuleVersions::from_tags([("v1.2", A), ("v2.0.0-rc.1", B), ("3.0.0+build.5", C)]);
        let partial = versions.resolve("1.2.0").expect("listed as 1.2.0");
        assert_eq!(
            partial,
            &TagVersion {
                tag: "v1.2".to_owned(),
                commit_sha: A.to_owned(),
                version: "1.2.0".to_owned()
            }
        );
        assert_eq!(
            versions.resolve("2.0.0-rc.1").map(|v| v.tag.as_str()),
            Some("v2.0.0-rc.1")
        );
        assert_eq!(
            versions
                .resolve("v2.0.0-rc.1")
                .map(|v| v.commit_sha.as_str()),
            Some(B)
        );
        assert_eq!(
            versions.resolve("3.0.0+build.5").map(|v| v.tag.as_str()),
            Some("3.0.0+build.5")
        );
        assert_eq!(versions.resolve("3.0.0"), None);
        assert_eq!(versions.resolve("2.0.0"), None);
        assert_eq!(versions.resolve("latest"), None);
        assert_eq!(versions.resolve(""), None);
    }

    #[test]
    fn versions_json_matches_the_protocol() {
        let versions = ModuleVersions::from_tags([("v1.2", A), ("v1.10.0", B), ("misc", C)]);
        assert_eq!(
            versions_response_json(&versions),
            r#"{"modules":[{"versions":[{"version":"1.10.0"},{"version":"1.2.0"}]}]}"#
        );
        assert_eq!(
            versions_response_json(&ModuleVersions::default()),
            r#"{"modules":[{"versions":[]}]}"#
        );
    }

    #[test]
    fn owned_pairs_are_accepted_too() {
        let tags = vec![("v0.1.0".to_owned(), A.to_owned())];
        assert_eq!(ModuleVersions::from_tags(tags).len(), 1);
    }
}
