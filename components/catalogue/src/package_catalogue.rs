//! The packages the served APT indexes list: every suite under `dists/`, its `Release`, the
//! `Packages` files it names, and the signing key. From the mounted registry, or from the
//! `apt_branch` of `apt_repo` at the commit it resolves to (every file read at that one
//! commit, and kept: a page view costs GitHub at most a conditional request for the head).

use catalogue_pages::apt_listing::{
    group_packages, read_packages, read_release, Package, SuiteRelease,
};
use catalogue_pages::signing_key::public_key_fingerprint;
use component_http::{plain_text, variable, Origin, FILES_ROOT};
use github_access::github::{GitRef, RepoPath, Repository};
use github_access::{error_response, AccessError, GitHubAccess, RepositoryAccess};
use spin_sdk::http::Response;

/// What the indexes say.
#[derive(Default)]
pub struct AptCatalogue {
    pub releases: Vec<SuiteRelease>,
    pub packages: Vec<Package>,
    pub fingerprint: Option<String>,
    pub notes: Vec<String>,
}

fn misconfigured(what: &str) -> Response {
    eprintln!("{what}");
    plain_text(500, "wharf is misconfigured; the server log says how")
}

impl AptCatalogue {
    pub fn load() -> Result<Self, Response> {
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
                Ok(Self::read(&suites, |path| {
                    Ok(std::fs::read(format!("{root}/{path}")).ok())
                }))
            }
            Origin::GitHub => {
                let repository = variable("apt_repo")?;
                if repository.trim().is_empty() {
                    return Ok(Self {
                        notes: vec![
                            "apt_repo is not set, so this registry serves no APT repository"
                                .to_owned(),
                        ],
                        ..Self::default()
                    });
                }
                let repository = Repository::parse(&repository)
                    .map_err(|error| misconfigured(&format!("apt_repo '{repository}': {error}")))?;
                let branch = variable("apt_branch")?;
                let branch = GitRef::new(&branch)
                    .map_err(|error| misconfigured(&format!("apt_branch '{branch}': {error}")))?;
                let access =
                    GitHubAccess::from_variables().map_err(|error| error_response(&error))?;
                let repository_access = access
                    .repository(&repository)
                    .map_err(|error| misconfigured(&format!("apt_repo '{repository}': {error}")))?;
                from_branch(&repository_access, &branch).map_err(|error| error_response(&error))
            }
        }
    }

    /// Reads every suite through `read` (a path relative to the repository root; `None`
    /// when there is no such file). A suite that cannot be read is noted, not fatal.
    fn read(
        suites: &[String],
        read: impl Fn(&str) -> Result<Option<Vec<u8>>, AccessError>,
    ) -> Self {
        let mut catalogue = Self::default();
        let mut versions = Vec::new();
        for suite in suites {
            match read_suite(suite, &read) {
                Ok((release, suite_versions, notes)) => {
                    catalogue.releases.push(release);
                    versions.extend(suite_versions);
                    catalogue.notes.extend(notes);
                }
                Err(reason) => catalogue.notes.push(reason),
            }
        }
        catalogue.packages = group_packages(versions);
        match read("public.key") {
            Ok(Some(key)) => match public_key_fingerprint(&key) {
                Ok(fingerprint) => catalogue.fingerprint = Some(fingerprint),
                Err(error) => catalogue.notes.push(error.to_string()),
            },
            Ok(None) => catalogue.notes.push(
                "the repository has no public.key: apt cannot check its signatures".to_owned(),
            ),
            Err(error) => catalogue.notes.push(format!("public.key: {error}")),
        }
        catalogue
    }
}

type SuiteContents = (
    SuiteRelease,
    Vec<catalogue_pages::apt_listing::PackageVersion>,
    Vec<String>,
);

fn read_suite(
    suite: &str,
    read: &impl Fn(&str) -> Result<Option<Vec<u8>>, AccessError>,
) -> Result<SuiteContents, String> {
    let text = |path: &str| -> Result<String, String> {
        match read(path) {
            Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8")),
            Ok(None) => Err(format!("{path} does not exist")),
            Err(error) => Err(format!("{path}: {error}")),
        }
    };
    let release = read_release(suite, &text(&format!("dists/{suite}/Release"))?)
        .map_err(|error| error.to_string())?;
    let mut versions = Vec::new();
    let mut notes = Vec::new();
    for file in &release.packages_files {
        let path = format!("dists/{suite}/{}", file.path);
        match text(&path).and_then(|packages| {
            read_packages(&packages, suite, &file.component)
                .map_err(|error| format!("{path}: {error}"))
        }) {
            Ok(read) => versions.extend(read),
            Err(reason) => notes.push(reason),
        }
    }
    Ok((release, versions, notes))
}

fn from_branch(
    repository: &RepositoryAccess<'_>,
    branch: &GitRef,
) -> Result<AptCatalogue, AccessError> {
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
    let mut catalogue = AptCatalogue::read(&suites, |path| {
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
