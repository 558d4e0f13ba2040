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

use crate::access::ListingScope;
use crate::origin_store::Served;
use crate::pages::{fetch_pages, read_pages};
use crate::{AccessError, GitHubAccess};

impl GitHubAccess {
    /// Every repository of an allowed owner that wharf can list, in GitHub's order.
    pub fn listed_repositories(&self) -> Result<Served<Vec<ListedRepository>>, AccessError> {
        let lists = match self.listing_scope() {
            ListingScope::Installation => vec![self.repository_list(
                "installation",
                "the repositories of the GitHub App installation",
                None,
            )?],
            ListingScope::Token => vec![self.repository_list(
                "token",
                "the repositories github_token can read",
                None,
            )?],
            ListingScope::PublicOnly => self
                .allowed_owners()
                .owners()
                .iter()
                .map(|owner| {
                    self.repository_list(
                        &format!("public/{owner}"),
                        &format!("the public repositories of {owner}"),
                        Some(owner),
                    )
                })
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
        scope: &str,
        what: &str,
        owner: Option<&str>,
    ) -> Result<Served<Vec<ListedRepository>>, AccessError> {
        // Only the scope's name and an owner go into the key: nothing secret.
        let key = format!("v2/github-repositories/{scope}");
        let served = self
            .cache
            .through(&key, self.listing_policy(), what, |cached, _| {
                fetch_pages(
                    self,
                    cached,
                    what,
                    |requests, etag| match owner {
                        Some(owner) => requests.list_public_repositories(owner, etag),
                        None if scope == "installation" => {
                            requests.list_installation_repositories(etag)
                        }
                        None => requests.list_token_repositories(etag),
                    },
                    github::parse_repositories,
                )
            })?;
        served.read(what, read_pages)
    }

    fn listing_policy(&self) -> origin_cache::CachePolicy {
        origin_cache::CachePolicy::mutable(self.stale_if_error)
    }
}
