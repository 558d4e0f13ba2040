//! A paged GitHub list (tags, releases), cached with each page's ETag so that revalidating a
//! list of any length costs only conditional requests, which GitHub does not count against
//! the rate limit.

use github::http::Request;
use github::{GitHubError, GitHubRequests};
use origin_cache::CacheEntry;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::access::MAX_PAGES;
use crate::origin_store::{Fetched, Served};
use crate::repository::etag_of;
use crate::{AccessError, RepositoryAccess};

/// One page as cached.
#[derive(Clone, Serialize, Deserialize)]
struct CachedPage<T> {
    url: String,
    etag: Option<String>,
    /// The `Link: rel="next"` URL the page carried.
    next: Option<String>,
    /// `tags`: the name entries written before releases were listed too had.
    #[serde(alias = "tags")]
    items: Vec<T>,
}

/// Builds the (conditional) request for a list's first page.
pub(crate) type FirstPage =
    fn(&GitHubRequests, &github::Repository, Option<&str>) -> Result<Request<Vec<u8>>, GitHubError>;

/// Which list: how to ask for its first page and how to read a page.
pub(crate) struct PagedList<T> {
    /// The cache key's kind (`github-tags`).
    pub kind: &'static str,
    /// For messages: `the tags of acme/vpc`.
    pub what: String,
    pub first_page: FirstPage,
    pub parse: fn(&[u8]) -> Result<Vec<T>, GitHubError>,
}

impl RepositoryAccess<'_> {
    /// Every item of `list`, from GitHub or the cache.
    pub(crate) fn paged_list<T: Clone + Serialize + DeserializeOwned>(
        &self,
        list: &PagedList<T>,
    ) -> Result<Served<Vec<T>>, AccessError> {
        let key = self.cache_key(list.kind, "all");
        let served =
            self.access
                .cache
                .through(&key, self.mutable_policy(), &list.what, |cached, _| {
                    self.fetch_pages(list, cached)
                })?;
        served.read(&list.what, |bytes| {
            let pages: Vec<CachedPage<T>> = serde_json::from_slice(bytes).ok()?;
            Some(pages.into_iter().flat_map(|page| page.items).collect())
        })
    }

    /// Walks the pages, asking for each one conditionally when the cached copy has the same
    /// URL; `NotModified` only when every page was.
    fn fetch_pages<T: Clone + Serialize + DeserializeOwned>(
        &self,
        list: &PagedList<T>,
        cached: Option<&CacheEntry>,
    ) -> Result<Fetched, AccessError> {
        let known: Vec<CachedPage<T>> = cached
            .and_then(|entry| serde_json::from_slice(&entry.body).ok())
            .unwrap_or_default();
        let mut pages: Vec<CachedPage<T>> = Vec::new();
        let mut all_unchanged = !known.is_empty();
        let mut next: Option<String> = None;
        let first_url = (list.first_page)(
            &self.access.unauthenticated_requests(),
            self.repository,
            None,
        )?
        .uri()
        .to_string();
        for index in 0..MAX_PAGES {
            let url = next.clone().unwrap_or_else(|| first_url.clone());
            let previous = known.get(index).filter(|page| page.url == url);
            let etag = previous.and_then(|page| page.etag.as_deref());
            let response = self.access.fetch(|requests| match &next {
                Some(url) => requests.next_page(url, etag),
                None => (list.first_page)(requests, self.repository, etag),
            })?;
            let page = match (response.status().as_u16(), previous) {
                (304, Some(previous)) => previous.clone(),
                _ => {
                    all_unchanged = false;
                    CachedPage {
                        url,
                        etag: etag_of(&response),
                        next: github::next_page_from_headers(response.headers()),
                        items: (list.parse)(response.body())?,
                    }
                }
            };
            next = page.next.clone();
            pages.push(page);
            if next.is_none() {
                return Ok(if all_unchanged && pages.len() == known.len() {
                    Fetched::NotModified
                } else {
                    Fetched::Changed {
                        etag: None,
                        body: serde_json::to_vec(&pages).map_err(|error| {
                            GitHubError::Malformed(format!("cannot keep {}: {error}", list.what))
                        })?,
                    }
                });
            }
        }
        Err(GitHubError::Refused(format!("more than {MAX_PAGES} pages of {}", list.what)).into())
    }
}
