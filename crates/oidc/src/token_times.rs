//! `exp`, `nbf` and `iat`: when a token may be used.

use crate::errors::OidcError;

/// Clock difference tolerated between GitHub and this host, in seconds.
pub const CLOCK_LEEWAY_SECS: u64 = 60;

/// Longest `exp - iat` accepted. GitHub's tokens live about 5 minutes; a longer-lived token
/// is not one GitHub issued for a job, or is one worth less trust if it leaks.
pub const MAX_TOKEN_LIFETIME_SECS: u64 = 3600;

/// The time claims, as Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenTimes {
    pub(crate) expires_at: u64,
    pub(crate) issued_at: u64,
    pub(crate) not_before: Option<u64>,
}

impl TokenTimes {
    pub(crate) fn check(&self, now_unix: u64) -> Result<(), OidcError> {
        if now_unix >= self.expires_at.saturating_add(CLOCK_LEEWAY_SECS) {
            return Err(OidcError::Expired);
        }
        if self
            .not_before
            .is_some_and(|nbf| nbf > now_unix.saturating_add(CLOCK_LEEWAY_SECS))
        {
            return Err(OidcError::NotYetValid);
        }
        if self.issued_at > now_unix.saturating_add(CLOCK_LEEWAY_SECS) {
            return Err(OidcError::IssuedInFuture);
        }
        let lifetime = match self.expires_at.checked_sub(self.issued_at) {
            Some(lifetime) if lifetime > 0 => lifetime,
            _ => return Err(OidcError::ExpiresBeforeIssued),
        };
        if lifetime > MAX_TOKEN_LIFETIME_SECS {
            return Err(OidcError::LifetimeTooLong {
                max_secs: MAX_TOKEN_LIFETIME_SECS,
            });
        }
        Ok(())
    }
}

/// A NumericDate (RFC 7519 §2) as this crate accepts it: a non-negative JSON integer.
/// Strings are refused (a claim that changed type is not GitHub's), and so are fractions,
/// which GitHub never sends.
pub(crate) fn numeric_date(
    value: Option<&serde_json::Value>,
    claim: &'static str,
) -> Result<Option<u64>, OidcError> {
    match value {
        None => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or(OidcError::TimeClaimNotInteger(claim)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: u64 = 1_750_000_000;

    fn times(iat: u64, exp: u64) -> TokenTimes {
        TokenTimes {
            expires_at: exp,
            issued_at: iat,
            not_before: Some(iat),
        }
    }

    #[test]
    fn leeway_edges() {
        assert_eq!(times(NOW - 300, NOW - 59).check(NOW), Ok(()));
        assert_eq!(
            times(NOW - 300, NOW - 60).check(NOW),
            Err(OidcError::Expired)
        );
        assert_eq!(times(NOW + 60, NOW + 360).check(NOW), Ok(()));
        assert_eq!(
            times(NOW + 61, NOW + 361).check(NOW),
            Err(OidcError::NotYetValid)
        );
    }

    #[test]
    fn lifetime_must_be_positive_and_capped() {
        assert_eq!(
            times(NOW, NOW).check(NOW),
            Err(OidcError::ExpiresBeforeIssued)
        );
        assert_eq!(times(NOW - 10, NOW - 10 + 3600).check(NOW), Ok(()));
        assert!(matches!(
            times(NOW - 10, NOW - 10 + 3601).check(NOW),
            Err(OidcError::LifetimeTooLong { .. })
        ));
    }

    #[test]
    fn far_future_values_do_not_overflow() {
        assert_eq!(
            times(u64::MAX - 10, u64::MAX).check(u64::MAX),
            Err(OidcError::Expired)
        );
    }

    #[test]
    fn numeric_dates_are_integers() {
        assert_eq!(numeric_date(Some(&json!(5)), "exp"), Ok(Some(5)));
        assert_eq!(numeric_date(None, "exp"), Ok(None));
        for bad in [json!("5"), json!(5.5), json!(-5), json!(null), json!([5])] {
            assert_eq!(
                numeric_date(Some(&bad), "exp"),
                Err(OidcError::TimeClaimNotInteger("exp")),
                "{bad}"
            );
        }
    }
}
