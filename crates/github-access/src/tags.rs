//! A repository's tags (module versions), cached page by page (see `paged_list`).

use github::{parse_tags, Tag};

use crate::origin_store::Served;
use crate::paged_list::PagedList;
use crate::{AccessError, RepositoryAccess};

impl RepositoryAccess<'_> {
    /// Every tag with the commit it points at.
    pub fn tags(&self) -> Result<Served<Vec<Tag>>, AccessError> {
        let list = PagedList {
            kind: "github-tags",
            what: format!("the tags of {}", self.repository),
            first_page: |requests, repository, etag| requests.list_tags(repository, etag),
            // Kept as (tag name, commit sha), as before releases were listed too.
            parse: |body| {
                Ok(parse_tags(body)?
                    .into_iter()
                    .map(|tag| (tag.name, tag.commit_sha))
                    .collect())
            },
        };
        Ok(self.paged_list(&list)?.map(|pairs: Vec<(String, String)>| {
            pairs
                .into_iter()
                .map(|(name, commit_sha)| Tag { name, commit_sha })
                .collect()
        }))
    }
}
