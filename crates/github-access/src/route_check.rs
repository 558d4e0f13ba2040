//! `allowed_owners` for a route that checks before it builds a [`crate::GitHubAccess`] (defence
//! in depth: the access checks again), with the same rules ([`github::AllowedOwners`]).

use component_http::variable;
use github::AllowedOwners;
use spin_sdk::http::Response;

/// Whether `allowed_owners` lets wharf read GitHub owner `owner`. Empty = no owner.
pub fn owner_is_allowed(owner: &str) -> Result<bool, Response> {
    Ok(AllowedOwners::parse(&variable("allowed_owners")?).allows(owner))
}
