//! Listing the repositories wharf can read (to find modules among them) and a directory's
//! entries at a commit (to find APT suites), from GitHub's JSON.

use serde::{Deserialize, Serialize};

use crate::commits::parse_json;
use crate::GitHubError;

/// A repository as GitHub lists it, with what a catalogue shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedRepository {
    /// The owner's login.
    pub owner: String,
    /// The repository name.
    pub name: String,
    /// The repository's one-line description.
    pub description: Option<String>,
    /// Topics, lowercase (`terraform-module`).
    pub topics: Vec<String>,
    /// Archived repositories are read-only.
    pub archived: bool,
}

#[derive(Deserialize)]
struct RepositoryJson {
    name: String,
    owner: OwnerJson,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    archived: bool,
}

#[derive(Deserialize)]
struct OwnerJson {
    login: String,
}

/// `/installation/repositories` wraps its list; the other list endpoints do not.
#[derive(Deserialize)]
#[serde(untagged)]
enum RepositoryPage {
    Plain(Vec<RepositoryJson>),
    Installation { repositories: Vec<RepositoryJson> },
}

/// Parses one page of `GET /user/repos`, `GET /users/{owner}/repos` or
/// `GET /installation/repositories`.
pub fn parse_repositories(body: &[u8]) -> Result<Vec<ListedRepository>, GitHubError> {
    let page: RepositoryPage = parse_json(body, "repository list")?;
    let repositories = match page {
        RepositoryPage::Plain(repositories) => repositories,
        RepositoryPage::Installation { repositories } => repositories,
    };
    Ok(repositories
        .into_iter()
        .map(|repository| ListedRepository {
            owner: repository.owner.login,
            name: repository.name,
            description: repository
                .description
                .filter(|text| !text.trim().is_empty()),
            topics: repository
                .topics
                .into_iter()
                .map(|topic| topic.to_ascii_lowercase())
                .collect(),
            archived: repository.archived,
        })
        .collect())
}

/// One entry of a directory, from `GET /repos/{o}/{r}/contents/{path}?ref=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    /// The entry's name (not its path).
    pub name: String,
    /// `file`, `dir`, `symlink` or `submodule`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Parses the contents API's answer for a directory (an array of entries); a file's answer
/// (an object) is refused as not a directory.
pub fn parse_directory(body: &[u8]) -> Result<Vec<DirectoryEntry>, GitHubError> {
    parse_json(body, "directory listing")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_installation_lists() {
        let plain = br#"[{"id":1,"name":"vpc","full_name":"acme/vpc","private":true,
            "owner":{"login":"acme","id":2},"description":"A VPC","topics":["Terraform-Module","aws"],
            "archived":false,"fork":false}]"#;
        let installation =
            br#"{"total_count":1,"repositories":[{"name":"dns","owner":{"login":"acme"},
            "description":null}]}"#;
        assert_eq!(
            parse_repositories(plain).expect("plain"),
            [ListedRepository {
                owner: "acme".to_owned(),
                name: "vpc".to_owned(),
                description: Some("A VPC".to_owned()),
                topics: vec!["terraform-module".to_owned(), "aws".to_owned()],
                archived: false,
            }]
        );
        let listed = parse_repositories(installation).expect("installation");
        assert_eq!(listed[0].name, "dns");
        assert_eq!(listed[0].description, None);
        assert!(listed[0].topics.is_empty());
        assert!(parse_repositories(br#"{"message":"Bad credentials"}"#).is_err());
    }

    #[test]
    fn reads_a_directory_and_refuses_a_file() {
        let entries = parse_directory(
            br#"[{"name":"stable","path":"dists/stable","type":"dir","sha":"x"},{"name":"README","type":"file"}]"#,
        )
        .expect("directory");
        assert_eq!(
            entries[0],
            DirectoryEntry {
                name: "stable".to_owned(),
                kind: "dir".to_owned()
            }
        );
        assert!(parse_directory(br#"{"name":"Release","type":"file"}"#).is_err());
    }
}
