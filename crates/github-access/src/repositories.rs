//! The repositories of allowed owners that wharf's credentials can read, for pages that list
//! modules. One list, paginated and revalidated like tag lists (see `pages`):
//!
//! - a GitHub App: `GET /installation/repositories` (what the installation was granted);
//! - a token: `GET /user/repos` (the token user's own, collaborator and organisation
//!   repositories, private ones included);
//! - no credentials: `GET /users/{owner}/repos` for each allowed owner (public only).
//!
//! Repositories of owners outside `allowed_owners` are dropped before anyone sees them.

use github::ListedRepository;
use origin_cache::CachePolicy;

use crate::access::ListingScope;
use crate::origin_store::Served;
use crate::pages::{fetch_pages, read_pages};
use crate::{AccessError, GitHubAccess};

/// One list GitHub keeps for wharf's credentials.
#[derive(Clone, Copy)]
enum RepositoryList<'a> {
    Installation,
    Token,
    PublicOf(&'a str),
}

impl RepositoryList<'_> {
    /// Only the scope's name and an owner go into the key: nothing secret.
    fn key(self) -> String {
        match self {
            RepositoryList::Installation => "v2/github-repositories/installation".to_owned(),
            RepositoryList::Token => "v2/github-repositories/token".to_owned(),
            RepositoryList::PublicOf(owner) => format!("v2/github-repositories/public/{owner}"),
        }
    }

    fn what(self) -> String {
        match self {
            RepositoryList::Installation => {
                "the repositories of the GitHub App installation".to_owned()
            }
            RepositoryList::Token => "the repositories github_token can read".to_owned(),
            RepositoryList::PublicOf(owner) => format!("the public repositories of {owner}"),
        }
    }
}

impl GitHubAccess {
    /// Every repository of an allowed owner that wharf can list, in GitHub's order.
    pub fn listed_repositories(&self) -> Result<Served<Vec<ListedRepository>>, AccessError> {
        let lists = match self.listing_scope() {
            ListingScope::Installation => vec![self.repository_list(RepositoryList::Installation)?],
            ListingScope::Token => vec![self.repository_list(RepositoryList::Token)?],
            ListingScope::PublicOnly => self
                .allowed_owners()
                .owners()
                .iter()
                .map(|owner| self.repository_list(RepositoryList::PublicOf(owner)))
                .collect::<Result<_, _>>()?,
        };
        let mut stale = None;
        let mut repositories = Vec::new();
        for list in lists {
            stale = stale.or(list.stale);
            repositories.extend(
                list.value
                    .into_iter()
                    .filter(|repository| self.allowed_owners().allows(&repository.owner)),
            );
        }
        Ok(Served {
            value: repositories,
            stale,
        })
    }

    fn repository_list(
        &self,
        list: RepositoryList<'_>,
    ) -> Result<Served<Vec<ListedRepository>>, AccessError> {
        let what = list.what();
        let served = self.cache.through(
            &list.key(),
            CachePolicy::mutable(self.stale_if_error),
            &what,
            |cached, _| {
                fetch_pages(
                    self,
                    cached,
                    &what,
                    |requests, etag| match list {
                        RepositoryList::Installation => {
                            requests.list_installation_repositories(etag)
                        }
                        RepositoryList::Token => requests.list_token_repositories(etag),
                        RepositoryList::PublicOf(owner) => {
                            requests.list_public_repositories(owner, etag)
                        }
                    },
                    github::parse_repositories,
                )
            },
        )?;
        served.read(&what, read_pages)
    }
}
