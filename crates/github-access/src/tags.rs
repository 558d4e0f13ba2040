//! A repository's tags (module versions), cached with each page's ETag so that revalidating
//! a list of any length costs only conditional requests, which GitHub does not count against
//! the rate limit.

use github::{parse_tags, Tag};
use origin_cache::CacheEntry;
use serde::{Deserialize, Serialize};

use crate::access::MAX_PAGES;
use crate::origin_store::{Fetched, Served};
use crate::repository::etag_of;
use crate::{AccessError, RepositoryAccess};

/// One page of `GET /repos/{o}/{r}/tags` as cached.
#[derive(Clone, Serialize, Deserialize)]
struct CachedPage {
    url: String,
    etag: Option<String>,
    /// The `Link: rel="next"` URL the page carried.
    next: Option<String>,
    /// (tag name, commit sha)
    tags: Vec<(String, String)>,
}

impl RepositoryAccess<'_> {
    /// Every tag with the commit it points at.
    pub fn tags(&self) -> Result<Served<Vec<Tag>>, AccessError> {
        let key = self.cache_key("github-tags", "all");
        let what = format!("the tags of {}", self.repository);
        let served =
            self.access
                .cache
                .through(&key, self.mutable_policy(), &what, |cached, _| {
                    self.fetch_tag_pages(cached)
                })?;
        served.read(&what, |bytes| {
            let pages: Vec<CachedPage> = serde_json::from_slice(bytes).ok()?;
            Some(
                pages
                    .into_iter()
                    .flat_map(|page| page.tags)
                    .map(|(name, commit_sha)| Tag { name, commit_sha })
                    .collect(),
            )
        })
    }

    /// Walks the pages, asking for each one conditionally when the cached copy has the same
    /// URL; `NotModified` only when every page was.
    fn fetch_tag_pages(&self, cached: Option<&CacheEntry>) -> Result<Fetched, AccessError> {
        let known: Vec<CachedPage> = cached
            .and_then(|entry| serde_json::from_slice(&entry.body).ok())
            .unwrap_or_default();
        let mut pages: Vec<CachedPage> = Vec::new();
        let mut all_unchanged = !known.is_empty();
        let mut next: Option<String> = None;
        for index in 0..MAX_PAGES {
            let url = match &next {
                Some(url) => url.clone(),
                None => self.first_tag_page_url()?,
            };
            let previous = known.get(index).filter(|page| page.url == url);
            let etag = previous.and_then(|page| page.etag.as_deref());
            let response = self.access.fetch(|requests| match &next {
                Some(url) => requests.next_page(url, etag),
                None => requests.list_tags(self.repository, etag),
            })?;
            let page = match (response.status().as_u16(), previous) {
                (304, Some(previous)) => previous.clone(),
                _ => {
                    all_unchanged = false;
                    CachedPage {
                        url,
                        etag: etag_of(&response),
                        next: github::next_page_from_headers(response.headers()),
                        tags: parse_tags(response.body())?
                            .into_iter()
                            .map(|tag| (tag.name, tag.commit_sha))
                            .collect(),
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
                            github::GitHubError::Malformed(format!(
                                "cannot keep the tag list: {error}"
                            ))
                        })?,
                    }
                });
            }
        }
        Err(github::GitHubError::Refused(format!("more than {MAX_PAGES} pages of tags")).into())
    }

    fn first_tag_page_url(&self) -> Result<String, AccessError> {
        Ok(self
            .access
            .unauthenticated_requests()
            .list_tags(self.repository, None)?
            .uri()
            .to_string())
    }
}
