//! Which git tags are module versions, and their canonical `X.Y.Z[-pre][+build]` form.
//!
//! Decision (see FIELD-NOTES, "Terraform / OpenTofu module registry protocol"): Terraform
//! parses listed versions with go-version and asks for the canonical string, so a tag `v1.2`
//! is requested as `1.2.0`. We therefore accept `X.Y.Z` and the two-part `X.Y` (with or
//! without `v`, with optional pre-release and build parts), list them canonically, and map
//! the request back to the tag. One-part tags such as `v1` are *not* versions here: by
//! convention they are moving major-version aliases (`actions/checkout@v1`), and publishing
//! one as `1.0.0` would serve whatever commit the alias points at today.

use semver::Version;

/// How a tag spelled its version; lower sorts first and wins when two tags name the same
/// canonical version, so `1.0.0` beats `v1.0.0` beats `v1.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TagSpelling {
    /// The tag is the canonical string itself.
    Canonical,
    /// `v` + canonical string.
    VPrefixed,
    /// `X.Y` without patch number (with or without `v`).
    Partial,
}

/// The canonical version a tag stands for, or `None` if the tag is not a version.
pub(crate) fn parse_version_tag(tag: &str) -> Option<(Version, TagSpelling)> {
    let (unprefixed, has_v) = match tag.strip_prefix('v') {
        Some(rest) => (rest, true),
        None => (tag, false),
    };
    let core_end = unprefixed.find(['-', '+']).unwrap_or(unprefixed.len());
    let (core, suffix) = unprefixed.split_at(core_end);
    let numbers: Vec<&str> = core.split('.').collect();
    let all_numeric = numbers
        .iter()
        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !all_numeric {
        return None;
    }
    let (text, spelling) = match numbers.len() {
        3 if has_v => (unprefixed.to_owned(), TagSpelling::VPrefixed),
        3 => (unprefixed.to_owned(), TagSpelling::Canonical),
        2 => (format!("{core}.0{suffix}"), TagSpelling::Partial),
        _ => return None,
    };
    // semver rejects leading zeros, empty or invalid pre-release/build identifiers.
    let version = Version::parse(&text).ok()?;
    Some((version, spelling))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(tag: &str) -> Option<String> {
        parse_version_tag(tag).map(|(version, _)| version.to_string())
    }

    #[test]
    fn plain_and_v_prefixed() {
        assert_eq!(canonical("1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(canonical("v1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(
            parse_version_tag("1.2.3").map(|p| p.1),
            Some(TagSpelling::Canonical)
        );
        assert_eq!(
            parse_version_tag("v1.2.3").map(|p| p.1),
            Some(TagSpelling::VPrefixed)
        );
    }

    #[test]
    fn prerelease_and_build_metadata_are_kept() {
        assert_eq!(canonical("v2.0.0-rc.1").as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(canonical("1.0.0+build.7").as_deref(), Some("1.0.0+build.7"));
        assert_eq!(
            canonical("v1.0.0-beta.2+exp.sha.5114f85").as_deref(),
            Some("1.0.0-beta.2+exp.sha.5114f85")
        );
    }

    #[test]
    fn two_part_versions_gain_a_zero_patch() {
        assert_eq!(canonical("v1.2").as_deref(), Some("1.2.0"));
        assert_eq!(canonical("1.2-beta").as_deref(), Some("1.2.0-beta"));
        assert_eq!(canonical("v0.3+meta").as_deref(), Some("0.3.0+meta"));
        assert_eq!(
            parse_version_tag("v1.2").map(|p| p.1),
            Some(TagSpelling::Partial)
        );
    }

    #[test]
    fn non_versions_are_skipped() {
        for tag in [
            "",
            "v",
            "latest",
            "v1",
            "1",
            "release-1.0.0",
            "V1.0.0",
            "vv1.0.0",
            "1.0.0.0",
            "01.0.0",
            "1.02.0",
            "1.0.0-",
            "1.0.0+",
            "1.0.0-01",
            "1..0",
            "1.0.0 ",
            " 1.0.0",
            "1.0.x",
            "1.0.0-beta..1",
            "v-1.0.0",
            "1.0.0-é",
        ] {
            assert_eq!(canonical(tag), None, "{tag:?} accepted");
        }
    }
}
