//! Builders for the GitHub REST requests wharf makes. They only build: the caller sends them
//! (wasi:http in a component, a native client in the CLI) and hands the answer back to
//! [`crate::classify`] and the parsers.

use http::header::{ACCEPT, AUTHORIZATION, IF_NONE_MATCH, USER_AGENT};
use http::{HeaderValue, Method, Request};

use crate::percent_encoding::{encode_component, encode_keeping_slashes};
use crate::{Credentials, GitHubConfig, GitHubError, GitRef, RepoPath, Repository, Secret};

/// The REST API version every request pins, so GitHub does not change shapes under us.
pub const API_VERSION: &str = "2022-11-28";
/// `Accept` for JSON answers.
pub const ACCEPT_JSON: &str = "application/vnd.github+json";
/// `Accept` for a file's raw bytes from the contents API.
pub const ACCEPT_RAW: &str = "application/vnd.github.raw";
/// `Accept` for release asset bytes (GitHub then redirects to its asset host).
pub const ACCEPT_OCTET_STREAM: &str = "application/octet-stream";

/// Lists are fetched in GitHub's largest pages to spend as few requests as possible.
const PER_PAGE: u32 = 100;

/// Builds authenticated requests against one GitHub API.
#[derive(Debug, Clone)]
pub struct GitHubRequests {
    config: GitHubConfig,
    credentials: Credentials,
}

impl GitHubRequests {
    /// Requests for `config`'s API, authenticated with `credentials`.
    pub fn new(config: GitHubConfig, credentials: Credentials) -> Self {
        Self {
            config,
            credentials,
        }
    }

    /// The configuration requests are built for.
    pub fn config(&self) -> &GitHubConfig {
        &self.config
    }

    /// `GET /repos/{o}/{r}/tags?per_page=100` (each tag carries `commit.sha`).
    pub fn list_tags(
        &self,
        repo: &Repository,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!("{}/tags?per_page={PER_PAGE}", repo_path(repo));
        self.get(&path, ACCEPT_JSON, etag)
    }

    /// `GET /repos/{o}/{r}/commits/{ref}`: resolves a tag, branch or short sha to a commit.
    pub fn commit(
        &self,
        repo: &Repository,
        reference: &GitRef,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!(
            "{}/commits/{}",
            repo_path(repo),
            encode_keeping_slashes(reference.as_str())
        );
        self.get(&path, ACCEPT_JSON, etag)
    }

    /// `GET /repos/{o}/{r}/branches/{branch}`: the branch's head commit (`commit.sha`).
    pub fn branch(
        &self,
        repo: &Repository,
        branch: &GitRef,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!(
            "{}/branches/{}",
            repo_path(repo),
            encode_keeping_slashes(branch.as_str())
        );
        self.get(&path, ACCEPT_JSON, etag)
    }

    /// `GET /repos/{o}/{r}/tarball/{ref}`; GitHub answers 302 to its archive host.
    pub fn tarball(
        &self,
        repo: &Repository,
        reference: &GitRef,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!(
            "{}/tarball/{}",
            repo_path(repo),
            encode_keeping_slashes(reference.as_str())
        );
        self.get(&path, ACCEPT_JSON, None)
    }

    /// `GET /repos/{o}/{r}/releases/tags/{tag}`: one release with its assets.
    pub fn release_by_tag(
        &self,
        repo: &Repository,
        tag: &GitRef,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!(
            "{}/releases/tags/{}",
            repo_path(repo),
            encode_keeping_slashes(tag.as_str())
        );
        self.get(&path, ACCEPT_JSON, etag)
    }

    /// `GET /repos/{o}/{r}/releases?per_page=100`.
    pub fn list_releases(
        &self,
        repo: &Repository,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!("{}/releases?per_page={PER_PAGE}", repo_path(repo));
        self.get(&path, ACCEPT_JSON, etag)
    }

    /// `GET /repos/{o}/{r}/releases/assets/{id}` for the bytes (302 to the asset host, or 200).
    pub fn release_asset(
        &self,
        repo: &Repository,
        asset_id: u64,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!("{}/releases/assets/{asset_id}", repo_path(repo));
        self.get(&path, ACCEPT_OCTET_STREAM, None)
    }

    /// `GET /repos/{o}/{r}/contents/{path}?ref={ref}` as raw bytes (up to 100 MB).
    pub fn raw_file(
        &self,
        repo: &Repository,
        path: &RepoPath,
        reference: &GitRef,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!(
            "{}/contents/{}?ref={}",
            repo_path(repo),
            encode_keeping_slashes(path.as_str()),
            encode_component(reference.as_str())
        );
        self.get(&path, ACCEPT_RAW, etag)
    }

    /// `GET /installation/repositories?per_page=100`: what a GitHub App installation reads.
    pub fn list_installation_repositories(
        &self,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        self.get(
            &format!("/installation/repositories?per_page={PER_PAGE}"),
            ACCEPT_JSON,
            etag,
        )
    }

    /// `GET /user/repos?per_page=100`: what the token's user reads (own, collaborator and
    /// organisation repositories, private ones included).
    pub fn list_token_repositories(
        &self,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        self.get(
            &format!("/user/repos?per_page={PER_PAGE}"),
            ACCEPT_JSON,
            etag,
        )
    }

    /// `GET /users/{owner}/repos?type=owner&per_page=100`: an owner's public repositories
    /// (all that can be listed without credentials).
    pub fn list_public_repositories(
        &self,
        owner: &str,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!(
            "/users/{}/repos?type=owner&per_page={PER_PAGE}",
            encode_component(owner)
        );
        self.get(&path, ACCEPT_JSON, etag)
    }

    /// `GET /repos/{o}/{r}/contents/{path}?ref={ref}` as JSON: a directory's entries.
    pub fn directory(
        &self,
        repo: &Repository,
        path: &RepoPath,
        reference: &GitRef,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let path = format!(
            "{}/contents/{}?ref={}",
            repo_path(repo),
            encode_keeping_slashes(path.as_str()),
            encode_component(reference.as_str())
        );
        self.get(&path, ACCEPT_JSON, None)
    }

    /// `GET` of a `Link: rel="next"` URL, after checking it stays on the API's origin.
    pub fn next_page(
        &self,
        next_url: &str,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let uri = self.config.same_origin_uri(next_url)?;
        finish(
            base_request(&self.config, Method::GET, uri.to_string(), ACCEPT_JSON),
            self.credentials.bearer(),
            etag,
        )
    }

    fn get(
        &self,
        path_and_query: &str,
        accept: &'static str,
        etag: Option<&str>,
    ) -> Result<Request<Vec<u8>>, GitHubError> {
        let url = format!("{}{path_and_query}", self.config.api_url());
        finish(
            base_request(&self.config, Method::GET, url, accept),
            self.credentials.bearer(),
            etag,
        )
    }
}

/// `POST /app/installations/{id}/access_tokens`, authenticated with the App's JWT (see
/// [`crate::app_jwt`]) rather than with any token.
pub fn installation_token_request(
    config: &GitHubConfig,
    installation_id: u64,
    app_jwt: &Secret,
) -> Result<Request<Vec<u8>>, GitHubError> {
    let url = format!(
        "{}/app/installations/{installation_id}/access_tokens",
        config.api_url()
    );
    finish(
        base_request(config, Method::POST, url, ACCEPT_JSON),
        Some(app_jwt),
        None,
    )
}

fn repo_path(repo: &Repository) -> String {
    // Owner and name are validated to URL-safe characters; encoding is a second fence.
    format!(
        "/repos/{}/{}",
        encode_component(repo.owner()),
        encode_component(repo.name())
    )
}

fn base_request(
    config: &GitHubConfig,
    method: Method,
    url: String,
    accept: &'static str,
) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(url)
        .header(USER_AGENT, config.user_agent().clone())
        .header("X-GitHub-Api-Version", API_VERSION)
        .header(ACCEPT, accept)
}

fn finish(
    mut builder: http::request::Builder,
    bearer: Option<&Secret>,
    etag: Option<&str>,
) -> Result<Request<Vec<u8>>, GitHubError> {
    if let Some(secret) = bearer {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", secret.expose()))
            .map_err(|_| {
                GitHubError::Configuration(
                    "the GitHub token contains characters that cannot go in an HTTP header: copy it again without spaces or line breaks"
                        .to_owned(),
                )
            })?;
        // http's Debug output then prints "Sensitive" instead of the token.
        value.set_sensitive(true);
        builder = builder.header(AUTHORIZATION, value);
    }
    if let Some(etag) = etag {
        let value = HeaderValue::from_str(etag).map_err(|_| {
            GitHubError::InvalidInput(
                "the cached ETag cannot be sent back as If-None-Match: drop the cache entry"
                    .to_owned(),
            )
        })?;
        builder = builder.header(IF_NONE_MATCH, value);
    }
    builder.body(Vec::new()).map_err(|error| {
        GitHubError::InvalidInput(format!("cannot build the GitHub request: {error}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requests(credentials: Credentials) -> GitHubRequests {
        let config = GitHubConfig::new("https://ghe.example/api/v3", "wharf-test").expect("valid");
        GitHubRequests::new(config, credentials)
    }

    fn repo() -> Repository {
        Repository::new("octo", "mods").expect("valid")
    }

    fn header<'r>(request: &'r Request<Vec<u8>>, name: &str) -> Option<&'r str> {
        request.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn every_request_carries_the_standard_headers() {
        let request = requests(Credentials::None)
            .list_tags(&repo(), None)
            .expect("builds");
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri(),
            "https://ghe.example/api/v3/repos/octo/mods/tags?per_page=100"
        );
        assert_eq!(header(&request, "user-agent"), Some("wharf-test"));
        assert_eq!(header(&request, "x-github-api-version"), Some("2022-11-28"));
        assert_eq!(header(&request, "accept"), Some(ACCEPT_JSON));
        assert_eq!(header(&request, "authorization"), None);
        assert_eq!(header(&request, "if-none-match"), None);
        assert!(request.body().is_empty());
    }

    #[test]
    fn token_becomes_bearer_and_etag_becomes_if_none_match() {
        let request = requests(Credentials::Token(Secret::new("ghp_abc")))
            .list_releases(&repo(), Some("W/\"etag-1\""))
            .expect("builds");
        assert_eq!(
            request.uri(),
            "https://ghe.example/api/v3/repos/octo/mods/releases?per_page=100"
        );
        assert_eq!(header(&request, "authorization"), Some("Bearer ghp_abc"));
        assert_eq!(header(&request, "if-none-match"), Some("W/\"etag-1\""));
        let installation = requests(Credentials::InstallationToken(Secret::new("ghs_x")))
            .list_tags(&repo(), None)
            .expect("builds");
        assert_eq!(header(&installation, "authorization"), Some("Bearer ghs_x"));
    }

    #[test]
    fn request_debug_does_not_show_the_token() {
        let request = requests(Credentials::Token(Secret::new("ghp_hidden")))
            .list_tags(&repo(), None)
            .expect("builds");
        let printed = format!("{request:?}");
        assert!(!printed.contains("ghp_hidden"), "{printed}");
    }

    #[test]
    fn paths_of_every_endpoint() {
        let requests = requests(Credentials::None);
        let tag = GitRef::new("v1.0.0+build.1").expect("valid");
        let slashed = GitRef::new("release/2.0").expect("valid");
        let cases = [
            (
                requests.commit(&repo(), &slashed, None),
                "/repos/octo/mods/commits/release/2.0",
            ),
            (
                requests.branch(&repo(), &GitRef::new("main").expect("valid"), None),
                "/repos/octo/mods/branches/main",
            ),
            (
                requests.tarball(&repo(), &GitRef::new("abc1234").expect("valid")),
                "/repos/octo/mods/tarball/abc1234",
            ),
            (
                requests.release_by_tag(&repo(), &tag, None),
                "/repos/octo/mods/releases/tags/v1.0.0%2Bbuild.1",
            ),
            (
                requests.release_asset(&repo(), 987_654),
                "/repos/octo/mods/releases/assets/987654",
            ),
            (
                requests.raw_file(
                    &repo(),
                    &RepoPath::new("dists/stable/Release notes").expect("valid"),
                    &slashed,
                    None,
                ),
                "/repos/octo/mods/contents/dists/stable/Release%20notes?ref=release%2F2.0",
            ),
        ];
        for (request, expected) in cases {
            let request = request.expect("builds");
            assert_eq!(
                request.uri().path_and_query().map(|pq| pq.as_str()),
                Some(format!("/api/v3{expected}").as_str())
            );
        }
    }

    #[test]
    fn download_endpoints_use_their_accept_headers() {
        let requests = requests(Credentials::None);
        let asset = requests.release_asset(&repo(), 1).expect("builds");
        assert_eq!(header(&asset, "accept"), Some("application/octet-stream"));
        let raw = requests
            .raw_file(
                &repo(),
                &RepoPath::new("public.key").expect("valid"),
                &GitRef::new("apt-metadata").expect("valid"),
                None,
            )
            .expect("builds");
        assert_eq!(header(&raw, "accept"), Some("application/vnd.github.raw"));
    }

    #[test]
    fn installation_token_request_uses_the_jwt() {
        let config = GitHubConfig::default();
        let request =
            installation_token_request(&config, 42, &Secret::new("jwt.value.sig")).expect("builds");
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri(),
            "https://api.github.com/app/installations/42/access_tokens"
        );
        assert_eq!(
            header(&request, "authorization"),
            Some("Bearer jwt.value.sig")
        );
        assert_eq!(header(&request, "x-github-api-version"), Some(API_VERSION));
    }

    #[test]
    fn next_page_stays_on_origin() {
        let requests = requests(Credentials::Token(Secret::new("t")));
        let next = requests
            .next_page(
                "https://ghe.example/api/v3/repositories/7/tags?per_page=100&page=2",
                None,
            )
            .expect("same origin");
        assert_eq!(
            next.uri(),
            "https://ghe.example/api/v3/repositories/7/tags?per_page=100&page=2"
        );
        assert!(matches!(
            requests.next_page("https://attacker.example/api/v3/x?page=2", None),
            Err(GitHubError::Refused(_))
        ));
    }

    #[test]
    fn unusable_token_or_etag_is_an_error_without_the_value() {
        let error = requests(Credentials::Token(Secret::new("ghp_bad\nvalue")))
            .list_tags(&repo(), None)
            .expect_err("newline in token");
        assert!(!error.to_string().contains("ghp_bad"), "{error}");
        assert!(requests(Credentials::None)
            .list_tags(&repo(), Some("bad\r\netag"))
            .is_err());
    }
}
