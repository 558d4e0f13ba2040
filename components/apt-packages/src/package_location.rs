use component_http::plain_text;
use github_access::github::{GitRef, Repository};
use spin_sdk::http::Response;

pub enum PackageLocation {
    /// Below the mounted registry's `apt/pool/`.
    Local { relative: String },
    GitHub {
        repository: Repository,
        tag: GitRef,
        asset: String,
    },
}

impl PackageLocation {
    /// From the decoded path segments (`RequestPath` has refused empty, `.`, `..` and
    /// separator-carrying segments, so joining them names a file below the pool).
    pub fn parse(segments: &[&str]) -> Result<Self, Response> {
        let not_found = || plain_text(404, "no such package");
        match segments {
            ["pool", "github", owner, name, tag, asset] => Ok(PackageLocation::GitHub {
                repository: Repository::new(owner, name).map_err(|_| not_found())?,
                tag: GitRef::new(tag).map_err(|_| not_found())?,
                asset: (*asset).to_owned(),
            }),
            ["pool", "github", ..] => Err(not_found()),
            ["pool", below @ ..] if !below.is_empty() => Ok(PackageLocation::Local {
                relative: below.join("/"),
            }),
            _ => Err(not_found()),
        }
    }
}
