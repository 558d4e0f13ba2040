//! A repository's tags (module versions), cached page by page (see `paged_list`).

use component_http::unix_now;
use github::{parse_tags, Tag};

use crate::origin_store::Served;
use crate::paged_list::PagedList;
use crate::pages::read_pages;
use crate::{AccessError, RepositoryAccess};

const TAGS_KIND: &str = "github-tags";

/// What wharf knows of a repository's tags without asking GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KnownTags {
    /// Confirmed by GitHub within the fresh window: as good as asking.
    Fresh(Vec<Tag>),
    /// Kept, but last confirmed `age` seconds ago.
    Aged { tags: Vec<Tag>, age: u64 },
    /// Never read, or no longer kept.
    Unknown,
}

impl RepositoryAccess<'_> {
    /// Every tag with the commit it points at.
    pub fn tags(&self) -> Result<Served<Vec<Tag>>, AccessError> {
        let list = PagedList {
            kind: TAGS_KIND,
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
        Ok(self.paged_list(&list)?.map(tags_from))
    }

    /// The tags as kept, without asking GitHub: for pages that show many repositories and
    /// may only spend a few GitHub calls on each view.
    pub fn known_tags(&self) -> KnownTags {
        let now = unix_now();
        let Some(entry) = self
            .access
            .cache
            .entry(&self.paged_list_key(TAGS_KIND), now)
        else {
            return KnownTags::Unknown;
        };
        let Some(tags) = read_pages(&entry.body).map(tags_from) else {
            return KnownTags::Unknown;
        };
        if self.mutable_policy().is_fresh(&entry, now) {
            KnownTags::Fresh(tags)
        } else {
            KnownTags::Aged {
                tags,
                age: now.saturating_sub(entry.checked_at),
            }
        }
    }
}

fn tags_from(pairs: Vec<(String, String)>) -> Vec<Tag> {
    pairs
        .into_iter()
        .map(|(name, commit_sha)| Tag { name, commit_sha })
        .collect()
}
