//! Executes the `github` crate's requests natively: follows redirects by hand (so
//! `Authorization` never reaches the download host) and walks `Link` pages.

use std::io::Read;

use anyhow::Context;
use github::http::{Request, Response};
use github::{redirected_request, GitHubError, GitHubRequests, RedirectChain, RedirectPolicy};

pub struct GitHubClient {
    agent: ureq::Agent,
    pub requests: GitHubRequests,
    redirects: RedirectPolicy,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

impl GitHubClient {
    pub fn new(requests: GitHubRequests) -> Self {
        let allow_http = requests.config().api_url().starts_with("http://");
        let agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            agent,
            requests,
            redirects: RedirectPolicy {
                max_hops: 5,
                allow_http,
            },
        }
    }

    fn send(&self, request: &Request<Vec<u8>>) -> anyhow::Result<Response<ureq::Body>> {
        let uri = request.uri().clone();
        self.agent
            .run(github::duplicate_request(request))
            .with_context(|| {
                format!(
                    "cannot reach {}://{}",
                    uri.scheme_str().unwrap_or("?"),
                    uri.authority().map(|a| a.as_str()).unwrap_or("?")
                )
            })
    }

    /// A JSON answer, read whole (lists and metadata are small).
    pub fn fetch(&self, request: Request<Vec<u8>>) -> anyhow::Result<Response<Vec<u8>>> {
        let response = self.send(&request)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .read_to_vec()
            .context("reading GitHub's answer failed")?;
        let response = Response::from_parts(parts, bytes);
        github::classify_response(&response, now())?;
        Ok(response)
    }

    pub fn fetch_all_pages(
        &self,
        first: Request<Vec<u8>>,
    ) -> anyhow::Result<Vec<Response<Vec<u8>>>> {
        let mut pages = vec![self.fetch(first)?];
        while let Some(next) = pages
            .last()
            .and_then(|page| github::next_page_from_headers(page.headers()))
        {
            if pages.len() >= 1000 {
                anyhow::bail!("GitHub returned more than 1000 pages");
            }
            pages.push(self.fetch(self.requests.next_page(&next, None)?)?);
        }
        Ok(pages)
    }

    /// Opens a download, following redirects; returns the reader and the announced length.
    pub fn download(
        &self,
        request: Request<Vec<u8>>,
    ) -> anyhow::Result<(Box<dyn Read + Send>, Option<u64>)> {
        let mut request = request;
        let mut chain = RedirectChain::new(self.redirects);
        loop {
            let response = self.send(&request)?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned);
                let redirect = chain.follow(request.uri(), status, location.as_deref())?;
                request = redirected_request(&request, &redirect);
                continue;
            }
            github::classify(status, response.headers(), now())?;
            if !status.is_success() {
                return Err(GitHubError::Upstream {
                    status: status.as_u16(),
                    summary: "unexpected answer to a download".to_owned(),
                }
                .into());
            }
            let length = response
                .headers()
                .get("content-length")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse().ok());
            let reader = response.into_body().into_reader();
            return Ok((Box::new(reader), length));
        }
    }
}
