//! `allowed_owners`: the GitHub users and organisations wharf may read. Everything that reaches
//! GitHub for a repository passes through [`AllowedOwners::permits`], so no route, however it
//! names a repository, can read an owner outside the list.

use crate::Repository;

/// The owners from `allowed_owners` (comma-separated). Empty means none: wharf fails closed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOwners {
    owners: Vec<String>,
}

impl AllowedOwners {
    /// Parses the setting; blanks around names and empty items are ignored.
    pub fn parse(setting: &str) -> Self {
        Self {
            owners: setting
                .split(',')
                .map(str::trim)
                .filter(|owner| !owner.is_empty())
                .map(str::to_ascii_lowercase)
                .collect(),
        }
    }

    /// Whether wharf may read owner `owner`; names compare as GitHub compares them, ignoring
    /// ASCII case.
    pub fn allows(&self, owner: &str) -> bool {
        self.owners
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(owner))
    }

    /// Whether wharf may read `repository`.
    pub fn permits(&self, repository: &Repository) -> bool {
        self.allows(repository.owner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_owners_ignoring_case_and_blanks() {
        let allowed = AllowedOwners::parse(" acme , Homelab,,");
        assert!(allowed.allows("acme"));
        assert!(allowed.allows("ACME"));
        assert!(allowed.allows("homelab"));
        assert!(!allowed.allows("acme-evil"));
        assert!(!allowed.allows("acm"));
        assert!(!allowed.allows(""));
        let repository = Repository::new("Acme", "vpc").expect("valid");
        assert!(allowed.permits(&repository));
        let stranger = Repository::new("evil", "acme").expect("valid");
        assert!(!allowed.permits(&stranger));
    }

    #[test]
    fn empty_allows_nobody() {
        for setting in ["", " ", ",", " , "] {
            let allowed = AllowedOwners::parse(setting);
            assert!(!allowed.allows(""), "{setting:?}");
            assert!(!allowed.allows("acme"), "{setting:?}");
        }
    }
}
