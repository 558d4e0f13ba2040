//! The packages the served APT indexes list: every suite under `dists/`, its `Release`, the
//! `Packages` files it names, and the signing key. From the mounted registry, or from the
//! `apt_branch` of `apt_repo` at the commit it resolves to (every file read at that one
//! commit, and kept: a page view costs GitHub at most a conditional request for the head).

use catalogue_pages::apt_repository::AptRepository;
use component_http::{plain_text, variable, Origin, FILES_ROOT};
use github_access::github::{GitRef, RepoPath, Repository};
use github_access::{error_response, AccessError, GitHubAccess, RepositoryAccess};
use spin_sdk::http::Response;

fn misconfigured(what: &str) -> Response {
    eprintln!("{what}");
    plain_text(500, "wharf is misconfigured; the server log says how")
}

/// The repository this registry serves, from the origin its variables name.
pub fn load() -> Result<AptRepository, Response> {
    match Origin::from_variables()? {
        Origin::Files => {
            let root = format!("{FILES_ROOT}/apt");
            let mut suites: Vec<String> = std::fs::read_dir(format!("{root}/dists"))
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
                        .filter_map(|entry| entry.file_name().into_string().ok())
                        .collect()
                })
                .unwrap_or_default();
            suites.sort();
            Ok(AptRepository::read(&suites, |path| {
                Ok::<_, std::convert::Infallible>(std::fs::read(format!("{root}/{path}")).ok())
            }))
        }
        Origin::GitHub => {
            let repository = variable("apt_repo")?;
            if repository.trim().is_empty() {
                return Ok(AptRepository::absent(
                    "apt_repo is not set, so this registry serves no APT repository",
                ));
            }
            let repository = Repository::parse(&repository)
                .map_err(|error| misconfigured(&format!("apt_repo '{repository}': {error}")))?;
            let branch = variable("apt_branch")?;
            let branch = GitRef::new(&branch)
                .map_err(|error| misconfigured(&format!("apt_branch '{branch}': {error}")))?;
            let access = GitHubAccess::from_variables().map_err(|error| error_response(&error))?;
            let repository_access = access
                .repository(&repository)
                .map_err(|error| misconfigured(&format!("apt_repo '{repository}': {error}")))?;
            from_branch(&repository_access, &branch).map_err(|error| error_response(&error))
        }
    }
}

/// Every file read at the commit the branch resolves to now, so one page never mixes two
/// publications.
fn from_branch(
    repository: &RepositoryAccess<'_>,
    branch: &GitRef,
) -> Result<AptRepository, AccessError> {
    let head = repository.branch_head(branch)?;
    let sha = head.value.sha.clone();
    let dists = RepoPath::new("dists")?;
    let suites: Vec<String> = repository
        .directory_at_commit(&sha, &dists)?
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| entry.kind == "dir")
        .map(|entry| entry.name)
        .collect();
    let mut catalogue = AptRepository::read(&suites, |path| {
        repository.file_at_commit(&sha, &RepoPath::new(path)?)
    });
    if suites.is_empty() {
        catalogue.notes.push(format!(
            "branch {branch} of {} has no dists/ directory yet",
            repository.repository()
        ));
    }
    if let Some(stale) = &head.stale {
        catalogue.notes.insert(
            0,
            format!("GitHub cannot be asked right now; the packages are as GitHub last confirmed them {} s ago", stale.age),
        );
    }
    Ok(catalogue)
}
