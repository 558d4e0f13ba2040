//! A repository's paged GitHub list (tags, releases), cached page by page with each page's
//! ETag through [`crate::pages`], under the repository's cache key.

use github::http::Request;
use github::{GitHubError, GitHubRequests};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::origin_store::Served;
use crate::pages::{fetch_pages, read_pages};
use crate::{AccessError, RepositoryAccess};

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
        let served = self.access.cache.through(
            &self.paged_list_key(list.kind),
            self.mutable_policy(),
            &list.what,
            |cached, _| {
                fetch_pages(
                    self.access,
                    cached,
                    &list.what,
                    |requests, etag| (list.first_page)(requests, self.repository, etag),
                    list.parse,
                )
            },
        )?;
        served.read(&list.what, read_pages)
    }

    /// Where a list of this repository is kept.
    pub(crate) fn paged_list_key(&self, kind: &str) -> String {
        self.cache_key(kind, "all")
    }
}
