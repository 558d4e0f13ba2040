use component_http::unix_now as now;
use github::http::{header::LOCATION, Request, Response, Uri};
use github::{
    duplicate_request, redirected_request, AppKey, Credentials, GitHubConfig, GitHubError,
    GitHubRequests, RedirectChain, RedirectPolicy,
};
use spin_sdk::http::IncomingResponse;
use spin_sdk::variables;

use crate::app_token::AppIdentity;
use crate::transport::{send_buffered, send_streaming, AccessError};

const USER_AGENT: &str = "wharf";

/// Everything a component needs to talk to GitHub, built from its Spin variables.
pub struct GitHubAccess {
    config: GitHubConfig,
    token: Option<String>,
    app: Option<AppIdentity>,
    redirects: RedirectPolicy,
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
        })
    }

    fn requests(&self, refresh_app_token: bool) -> Result<GitHubRequests, AccessError> {
        let credentials = match (&self.app, &self.token) {
            (Some(app), _) => app
                .token(&self.config, now(), refresh_app_token)?
                .credentials(),
            (None, Some(token)) => Credentials::from_token(token),
            (None, None) => Credentials::None,
        };
        Ok(GitHubRequests::new(self.config.clone(), credentials))
    }

    /// Sends the request `build` makes and returns GitHub's 2xx/304 answer; with a GitHub App,
    /// a 401 refreshes the installation token once and tries again.
    pub fn fetch(
        &self,
        build: impl Fn(&GitHubRequests) -> Result<Request<Vec<u8>>, GitHubError>,
    ) -> Result<Response<Vec<u8>>, AccessError> {
        let response = send_buffered(build(&self.requests(false)?)?)?;
        let response = if response.status() == 401 && self.app.is_some() {
            send_buffered(build(&self.requests(true)?)?)?
        } else {
            response
        };
        github::classify_response(&response, now())?;
        Ok(response)
    }

    /// Every page of a list, following `Link: rel="next"` on the API's own origin.
    pub fn fetch_all_pages(
        &self,
        first: impl Fn(&GitHubRequests) -> Result<Request<Vec<u8>>, GitHubError>,
    ) -> Result<Vec<Response<Vec<u8>>>, AccessError> {
        let mut pages = vec![self.fetch(first)?];
        // GitHub caps lists at a few hundred pages; the bound only stops a looping server.
        for _ in 0..1000 {
            let Some(next) = pages
                .last()
                .and_then(|page| github::next_page_from_headers(page.headers()))
            else {
                return Ok(pages);
            };
            pages.push(self.fetch(|requests| requests.next_page(&next, None))?);
        }
        Err(GitHubError::Refused("more than 1000 pages of results".to_owned()).into())
    }

    /// Opens a download (archive, release asset): follows GitHub's redirects to the download
    /// host without `Authorization`, and returns the 2xx answer to stream from.
    pub fn open_download(
        &self,
        build: impl Fn(&GitHubRequests) -> Result<Request<Vec<u8>>, GitHubError>,
    ) -> Result<IncomingResponse, AccessError> {
        let mut request = build(&self.requests(false)?)?;
        let mut chain = RedirectChain::new(self.redirects);
        let mut refreshed = false;
        loop {
            let uri: Uri = request.uri().clone();
            let response = send_streaming(duplicate_request(&request))?;
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
                    github::http::StatusCode::from_u16(status)
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
