use component_http::unix_now as now;
use github::http::{header::LOCATION, Request, Response, StatusCode, Uri};
use github::{
    duplicate_request, redirected_request, AllowedOwners, AppKey, Credentials, GitHubConfig,
    GitHubError, GitHubRequests, RedirectChain, RedirectPolicy, Repository,
};
use origin_cache::{parse_stale_limit, UpstreamTimeouts};
use spin_sdk::http::IncomingResponse;
use spin_sdk::variables;

use crate::app_token::AppIdentity;
use crate::origin_store::OriginStore;
use crate::transport::{send, send_buffered};
use crate::{AccessError, RepositoryAccess};

const USER_AGENT: &str = "wharf";
/// GitHub caps lists at a few hundred pages; the bound only stops a looping server.
pub(crate) const MAX_PAGES: usize = 1000;

/// Everything a component needs to talk to GitHub, built from its Spin variables. It reads a
/// repository only through [`GitHubAccess::repository`], which checks `allowed_owners`.
pub struct GitHubAccess {
    config: GitHubConfig,
    token: Option<String>,
    app: Option<AppIdentity>,
    redirects: RedirectPolicy,
    allowed_owners: AllowedOwners,
    /// `stale_if_error`, in seconds.
    pub(crate) stale_if_error: u64,
    pub(crate) cache: OriginStore,
}

fn variable(name: &str) -> Result<String, AccessError> {
    variables::get(name).map_err(|error| {
        AccessError::GitHub(GitHubError::Configuration(format!(
            "cannot read variable {name}: {error}"
        )))
    })
}

impl GitHubAccess {
    pub fn from_variables() -> Result<Self, AccessError> {
        let api_url = variable("github_api_url")?;
        let config = GitHubConfig::new(&api_url, USER_AGENT)?;
        let app_id = variable("github_app_id")?;
        let installation_id = variable("github_app_installation_id")?;
        let private_key = variable("github_app_private_key")?;
        let app = match (app_id.is_empty(), installation_id.is_empty(), private_key.is_empty()) {
            (true, true, true) => None,
            (false, false, false) => Some(AppIdentity {
                app_id,
                installation_id: installation_id.parse().map_err(|_| {
                    GitHubError::Configuration(
                        "github_app_installation_id must be a number".to_owned(),
                    )
                })?,
                key: AppKey::from_pem(&private_key)?,
            }),
            _ => {
                return Err(GitHubError::Configuration(
                    "a GitHub App needs all of github_app_id, github_app_installation_id and github_app_private_key".to_owned(),
                )
                .into())
            }
        };
        let token = Some(variable("github_token")?).filter(|token| !token.is_empty());
        let stale_if_error = parse_stale_limit(&variable("stale_if_error")?)
            .map_err(|error| GitHubError::Configuration(error.to_string()))?;
        Ok(Self {
            config,
            token,
            app,
            redirects: RedirectPolicy {
                max_hops: 5,
                // Plain http only where the operator pointed wharf at a plain-http API (tests,
                // a local mirror); against GitHub every hop stays on https.
                allow_http: api_url.starts_with("http://"),
            },
            allowed_owners: AllowedOwners::parse(&variable("allowed_owners")?),
            stale_if_error,
            cache: OriginStore::open(),
        })
    }

    /// The way to read `repository`, from GitHub or the cache; refused for an owner outside
    /// `allowed_owners`, whatever route asked.
    pub fn repository<'a>(
        &'a self,
        repository: &'a Repository,
    ) -> Result<RepositoryAccess<'a>, AccessError> {
        if self.allowed_owners.permits(repository) {
            Ok(RepositoryAccess {
                access: self,
                repository,
            })
        } else {
            Err(AccessError::OwnerNotAllowed(repository.owner().to_owned()))
        }
    }

    fn requests(&self, refresh_app_token: bool) -> Result<GitHubRequests, AccessError> {
        let credentials = match (&self.app, &self.token) {
            (Some(app), _) => app
                .token(&self.config, &self.cache, now(), refresh_app_token)?
                .credentials(),
            (None, Some(token)) => Credentials::from_token(token),
            (None, None) => Credentials::None,
        };
        Ok(GitHubRequests::new(self.config.clone(), credentials))
    }

    /// Requests without credentials, for knowing a URL without minting an App token.
    pub(crate) fn unauthenticated_requests(&self) -> GitHubRequests {
        GitHubRequests::new(self.config.clone(), Credentials::None)
    }

    /// Sends the request `build` makes and returns GitHub's 2xx/304 answer; with a GitHub App,
    /// a 401 refreshes the installation token once and tries again.
    pub(crate) fn fetch(
        &self,
        build: impl Fn(&GitHubRequests) -> Result<Request<Vec<u8>>, GitHubError>,
    ) -> Result<Response<Vec<u8>>, AccessError> {
        let api = UpstreamTimeouts::API;
        let response = send_buffered(&build(&self.requests(false)?)?, &api)?;
        let response = if response.status() == 401 && self.app.is_some() {
            send_buffered(&build(&self.requests(true)?)?, &api)?
        } else {
            response
        };
        github::classify_response(&response, now())?;
        Ok(response)
    }

    /// Opens a download (archive, release asset): follows GitHub's redirects to the download
    /// host without `Authorization`, and returns the 2xx answer to stream from.
    pub(crate) fn open_download(
        &self,
        build: impl Fn(&GitHubRequests) -> Result<Request<Vec<u8>>, GitHubError>,
    ) -> Result<IncomingResponse, AccessError> {
        let mut request = build(&self.requests(false)?)?;
        let mut chain = RedirectChain::new(self.redirects);
        let mut refreshed = false;
        loop {
            let uri: Uri = request.uri().clone();
            let response = send(&duplicate_request(&request), &UpstreamTimeouts::DOWNLOAD)?;
            let status = response.status();
            // A revoked or expired installation token: mint a new one, once, and start over.
            if status == 401 && self.app.is_some() && !refreshed && chain.hops() == 0 {
                refreshed = true;
                request = build(&self.requests(true)?)?;
                continue;
            }
            if (300..400).contains(&status) && status != 304 {
                let location = response
                    .headers()
                    .get(LOCATION.as_str())
                    .into_iter()
                    .next()
                    .and_then(|value| String::from_utf8(value).ok());
                let redirect = chain.follow(
                    &uri,
                    StatusCode::from_u16(status)
                        .map_err(|_| GitHubError::Malformed(format!("invalid status {status}")))?,
                    location.as_deref(),
                )?;
                request = redirected_request(&request, &redirect);
                continue;
            }
            if (200..300).contains(&status) {
                return Ok(response);
            }
            let mut head = Response::builder().status(status);
            for (name, value) in response.headers().entries() {
                head = head.header(name, value);
            }
            let head = head
                .body(())
                .map_err(|error| GitHubError::Malformed(error.to_string()))?;
            github::classify(head.status(), head.headers(), now())?;
            return Err(GitHubError::Upstream {
                status,
                summary: "unexpected answer to a download".to_owned(),
            }
            .into());
        }
    }
}
