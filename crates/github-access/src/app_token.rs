//! GitHub App installation tokens: minted with the App's JWT, cached in key-value until shortly
//! before they expire, so a request normally costs no token exchange.

use github::{installation_token_request, AppKey, GitHubConfig, InstallationToken};
use origin_cache::UpstreamTimeouts;

use crate::origin_store::OriginStore;
use crate::transport::send_buffered;
use crate::AccessError;

pub struct AppIdentity {
    pub app_id: String,
    pub installation_id: u64,
    pub key: AppKey,
}

impl AppIdentity {
    /// Only ids: the cache key must not contain anything secret.
    fn cache_key(&self) -> String {
        format!(
            "v1/github-installation-token/{}/{}",
            self.app_id, self.installation_id
        )
    }

    /// A fresh installation token, from the cache unless `refresh` or stale.
    pub fn token(
        &self,
        config: &GitHubConfig,
        cache: &OriginStore,
        now: u64,
        refresh: bool,
    ) -> Result<InstallationToken, AccessError> {
        if !refresh {
            let cached = cache
                .get(&self.cache_key())
                .and_then(|bytes| InstallationToken::from_cache_bytes(&bytes).ok())
                .filter(|token| token.is_fresh(now));
            if let Some(token) = cached {
                return Ok(token);
            }
        }
        let jwt = self.key.jwt(&self.app_id, now)?;
        let response = send_buffered(
            &installation_token_request(config, self.installation_id, &jwt)?,
            &UpstreamTimeouts::API,
        )?;
        github::classify_response(&response, now)?;
        let token = InstallationToken::parse_response(response.body())?;
        // A cache that cannot be written costs one more exchange next time; not an error.
        cache.put(&self.cache_key(), &token.to_cache_bytes(), token.expires_at);
        Ok(token)
    }
}
