//! Who a verified GitHub Actions token speaks for.

/// The workflow run behind a verified token, taken from its claims (never from `sub`, whose
/// format GitHub has changed and which repository owners can customise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubActionsIdentity {
    /// `owner/name`, as GitHub spells it in the `repository` claim.
    pub repository: String,
    /// The `repository_owner` claim.
    pub repository_owner: String,
    /// The `repository_id` claim (a decimal string); survives renames, unlike the name.
    pub repository_id: Option<String>,
    /// The `repository_owner_id` claim (a decimal string).
    pub repository_owner_id: Option<String>,
    /// The `ref` claim, e.g. `refs/heads/main`.
    pub ref_: Option<String>,
    /// The `environment` claim, present when the job targets a deployment environment.
    pub environment: Option<String>,
    /// The `job_workflow_ref` claim, e.g. `owner/repo/.github/workflows/ci.yml@refs/heads/main`.
    pub job_workflow_ref: Option<String>,
    /// Unix time after which the token (or the exchanged token) is no longer good.
    pub expires_at: u64,
}
