use credentials::AuthConfig;
use oidc::OidcPolicy;
use spin_sdk::variables;

/// What the operator configured, read from the variables of the component this verifier is
/// composed into (`dependencies_inherit_configuration = true`).
pub struct Settings {
    pub static_credentials: AuthConfig,
    /// `None`: OIDC is off (no audience or no allowed repositories).
    pub oidc: Option<OidcPolicy>,
}

fn variable(name: &str) -> Result<String, String> {
    variables::get(name).map_err(|error| {
        format!("cannot read variable {name} (is it listed in the component's variables?): {error}")
    })
}

impl Settings {
    pub fn load() -> Result<Self, String> {
        let static_credentials = AuthConfig::from_settings(
            &variable("basic_user")?,
            &variable("basic_password")?,
            &variable("api_tokens")?,
        )
        .map_err(|error| format!("authentication is misconfigured: {error}"))?;
        let oidc = OidcPolicy::from_settings(
            &variable("oidc_issuer")?,
            &variable("oidc_audience")?,
            &variable("oidc_allowed_repositories")?,
        )
        .map_err(|error| format!("GitHub Actions OIDC is misconfigured: {error}"))?;
        Ok(Self {
            static_credentials,
            oidc,
        })
    }
}
