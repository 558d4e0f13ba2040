//! Reading tags, commits and branches from GitHub's JSON.

use serde::Deserialize;

use crate::GitHubError;

/// A tag and the commit it points at, from `GET /repos/{o}/{r}/tags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The tag name, e.g. `v1.2.0`.
    pub name: String,
    /// The full commit SHA (lowercase hex).
    pub commit_sha: String,
}

#[derive(Deserialize)]
struct TagJson {
    name: String,
    commit: CommitJson,
}

#[derive(Deserialize)]
struct CommitJson {
    sha: String,
}

/// Parses one page of `GET /repos/{o}/{r}/tags`.
pub fn parse_tags(body: &[u8]) -> Result<Vec<Tag>, GitHubError> {
    let tags: Vec<TagJson> = parse_json(body, "tag list")?;
    tags.into_iter()
        .map(|tag| {
            Ok(Tag {
                commit_sha: checked_sha(tag.commit.sha, "tag list")?,
                name: tag.name,
            })
        })
        .collect()
}

/// The commit SHA from `GET /repos/{o}/{r}/commits/{ref}` (its top-level `sha`).
pub fn parse_commit_sha(body: &[u8]) -> Result<String, GitHubError> {
    let commit: CommitJson = parse_json(body, "commit")?;
    checked_sha(commit.sha, "commit")
}

/// The head commit SHA from `GET /repos/{o}/{r}/branches/{branch}` (`commit.sha`).
pub fn parse_branch_head(body: &[u8]) -> Result<String, GitHubError> {
    #[derive(Deserialize)]
    struct BranchJson {
        commit: CommitJson,
    }
    let branch: BranchJson = parse_json(body, "branch")?;
    checked_sha(branch.commit.sha, "branch")
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
    what: &str,
) -> Result<T, GitHubError> {
    serde_json::from_slice(body).map_err(|error| {
        GitHubError::Malformed(format!(
            "GitHub's {what} answer is not the expected JSON ({error}): check github_api_url points at a GitHub REST API"
        ))
    })
}

/// SHA-1 (40) or SHA-256 (64) hex, lowercased: the value becomes part of archive names and
/// pins, so nothing else may pass.
fn checked_sha(sha: String, what: &str) -> Result<String, GitHubError> {
    let well_formed = matches!(sha.len(), 40 | 64) && sha.bytes().all(|b| b.is_ascii_hexdigit());
    if well_formed {
        Ok(sha.to_ascii_lowercase())
    } else {
        Err(GitHubError::Malformed(format!(
            "GitHub's {what} answer has a commit SHA that is not 40 or 64 hex digits"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc";

    #[test]
    fn tags_with_commit_shas() {
        let body = format!(
            r#"[{{"name":"v1.0.0","zipball_url":"z","commit":{{"sha":"{SHA}","url":"u"}},"node_id":"n"}},
               {{"name":"latest","commit":{{"sha":"{}"}}}}]"#,
            SHA.to_ascii_uppercase()
        );
        let tags = parse_tags(body.as_bytes()).expect("parses");
        assert_eq!(
            tags,
            vec![
                Tag {
                    name: "v1.0.0".to_owned(),
                    commit_sha: SHA.to_owned()
                },
                Tag {
                    name: "latest".to_owned(),
                    commit_sha: SHA.to_owned()
                },
            ]
        );
        assert_eq!(parse_tags(b"[]").expect("parses"), vec![]);
    }

    #[test]
    fn bad_tag_lists_are_malformed() {
        for body in [
            &br#"{"message":"x"}"#[..],
            br#"[{"name":"v1"}]"#,
            br#"[{"name":"v1","commit":{"sha":"not-a-sha"}}]"#,
            b"<html>",
        ] {
            assert!(matches!(parse_tags(body), Err(GitHubError::Malformed(_))));
        }
    }

    #[test]
    fn commit_and_branch_heads() {
        let commit = format!(r#"{{"sha":"{SHA}","commit":{{"message":"m"}}}}"#);
        assert_eq!(parse_commit_sha(commit.as_bytes()).expect("parses"), SHA);
        let branch = format!(r#"{{"name":"main","commit":{{"sha":"{SHA}"}},"protected":false}}"#);
        assert_eq!(parse_branch_head(branch.as_bytes()).expect("parses"), SHA);
        assert!(parse_branch_head(b"{}").is_err());
    }
}
