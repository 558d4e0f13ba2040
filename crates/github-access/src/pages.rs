//! Paginated lists (tags, releases, repositories), cached page by page with each page's ETag, so that
//! revalidating a list of any length costs only conditional requests, which GitHub does not
//! count against the rate limit.

use github::http::Request;
use github::{GitHubError, GitHubRequests};
use origin_cache::CacheEntry;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::access::MAX_PAGES;
use crate::origin_store::Fetched;
use crate::repository::etag_of;
use crate::{AccessError, GitHubAccess};

/// One page as cached.
#[derive(Clone, Serialize, Deserialize)]
struct CachedPage<T> {
    url: String,
    etag: Option<String>,
    /// The `Link: rel="next"` URL the page carried.
    next: Option<String>,
    /// Tag pages were cached with this field named `tags`; they still read.
    #[serde(alias = "tags")]
    items: Vec<T>,
}

/// Every item of a cached list, in order; `None` for bytes that are no such list.
pub(crate) fn read_pages<T: DeserializeOwned>(bytes: &[u8]) -> Option<Vec<T>> {
    let pages: Vec<CachedPage<T>> = serde_json::from_slice(bytes).ok()?;
    Some(pages.into_iter().flat_map(|page| page.items).collect())
}

/// Walks a list's pages from the one `first` builds, asking for each conditionally when the
/// cached copy has a page at the same URL; `NotModified` only when every page was.
pub(crate) fn fetch_pages<T: Clone + Serialize + DeserializeOwned>(
    access: &GitHubAccess,
    cached: Option<&CacheEntry>,
    what: &str,
    first: impl Fn(&GitHubRequests, Option<&str>) -> Result<Request<Vec<u8>>, GitHubError>,
    parse: impl Fn(&[u8]) -> Result<Vec<T>, GitHubError>,
) -> Result<Fetched, AccessError> {
    let known: Vec<CachedPage<T>> = cached
        .and_then(|entry| serde_json::from_slice(&entry.body).ok())
        .unwrap_or_default();
    let first_url = first(&access.unauthenticated_requests(), None)?
        .uri()
        .to_string();
    let mut pages: Vec<CachedPage<T>> = Vec::new();
    let mut all_unchanged = !known.is_empty();
    let mut next: Option<String> = None;
    for index in 0..MAX_PAGES {
        let url = next.clone().unwrap_or_else(|| first_url.clone());
        let previous = known.get(index).filter(|page| page.url == url);
        let etag = previous.and_then(|page| page.etag.as_deref());
        let response = access.fetch(|requests| match &next {
            Some(url) => requests.next_page(url, etag),
            None => first(requests, etag),
        })?;
        let page = match (response.status().as_u16(), previous) {
            (304, Some(previous)) => previous.clone(),
            _ => {
                all_unchanged = false;
                CachedPage {
                    url,
                    etag: etag_of(&response),
                    next: github::next_page_from_headers(response.headers()),
                    items: parse(response.body())?,
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
                        GitHubError::Malformed(format!("cannot keep {what}: {error}"))
                    })?,
                }
            });
        }
    }
    Err(GitHubError::Refused(format!("{what} has more than {MAX_PAGES} pages")).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_pages_cached_before_the_generic_form_still_read() {
        let old = br#"[{"url":"u","etag":null,"next":null,"tags":[["v1.0.0","abc"]]}]"#;
        assert_eq!(
            read_pages::<(String, String)>(old),
            Some(vec![("v1.0.0".to_owned(), "abc".to_owned())])
        );
        assert_eq!(read_pages::<(String, String)>(b"not json"), None);
    }
}
