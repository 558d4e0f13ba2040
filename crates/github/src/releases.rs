//! Reading releases and their assets from GitHub's JSON.

use serde::Deserialize;

use crate::commits::parse_json;
use crate::GitHubError;

/// A release, from `GET /repos/{o}/{r}/releases` or `…/releases/tags/{tag}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Release {
    /// GitHub's numeric release id.
    pub id: u64,
    /// The tag the release belongs to.
    pub tag_name: String,
    /// Drafts are only visible with push access and are not published.
    #[serde(default)]
    pub draft: bool,
    /// Marked as pre-release on GitHub.
    #[serde(default)]
    pub prerelease: bool,
    /// Uploaded files.
    #[serde(default)]
    pub assets: Vec<ReleaseAsset>,
}

/// A file attached to a release; download its bytes with
/// [`crate::GitHubRequests::release_asset`] and `id`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReleaseAsset {
    /// GitHub's numeric asset id.
    pub id: u64,
    /// The file name, e.g. `tool_1.0_amd64.deb`.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// The public download URL (works without a token only for public repositories).
    pub browser_download_url: String,
}

/// Parses one page of `GET /repos/{o}/{r}/releases`.
pub fn parse_releases(body: &[u8]) -> Result<Vec<Release>, GitHubError> {
    parse_json(body, "release list")
}

/// Parses `GET /repos/{o}/{r}/releases/tags/{tag}`.
pub fn parse_release(body: &[u8]) -> Result<Release, GitHubError> {
    parse_json(body, "release")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = r#"{
        "id": 1, "tag_name": "v1.0.0", "name": "One", "draft": false, "prerelease": true,
        "assets": [{
            "id": 42, "name": "tool_1.0.0_amd64.deb", "size": 1024, "content_type": "x",
            "browser_download_url": "https://github.com/o/r/releases/download/v1.0.0/tool_1.0.0_amd64.deb"
        }]
    }"#;

    #[test]
    fn release_with_assets() {
        let release = parse_release(RELEASE.as_bytes()).expect("parses");
        assert_eq!(release.tag_name, "v1.0.0");
        assert!(release.prerelease && !release.draft);
        assert_eq!(
            release.assets,
            vec![ReleaseAsset {
                id: 42,
                name: "tool_1.0.0_amd64.deb".to_owned(),
                size: 1024,
                browser_download_url:
                    "https://github.com/o/r/releases/download/v1.0.0/tool_1.0.0_amd64.deb"
                        .to_owned(),
            }]
        );
    }

    #[test]
    fn release_list_and_defaults() {
        let body = format!(r#"[{RELEASE}, {{"id": 2, "tag_name": "v0.9.0"}}]"#);
        let releases = parse_releases(body.as_bytes()).expect("parses");
        assert_eq!(releases.len(), 2);
        assert!(releases[1].assets.is_empty() && !releases[1].draft);
    }

    #[test]
    fn malformed_releases() {
        assert!(matches!(
            parse_releases(br#"{"message":"Not Found"}"#),
            Err(GitHubError::Malformed(_))
        ));
        assert!(parse_release(br#"{"id":"x","tag_name":"v1"}"#).is_err());
        assert!(parse_release(br#"{"id":1,"tag_name":"v1","assets":[{"id":1}]}"#).is_err());
    }
}
