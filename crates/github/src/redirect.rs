//! Following GitHub's redirects by hand (wasi:http does not), without leaking the token.
//!
//! GitHub answers archive and asset downloads with a 302 to another host (codeload,
//! objects.githubusercontent.com) whose signed URL is the credential; those hosts reject
//! requests that also carry `Authorization`, and the token must not travel there anyway.

use http::header::AUTHORIZATION;
use http::{Request, StatusCode, Uri};

use crate::config::printable;
use crate::origin::{Origin, OriginProblem, Scheme};
use crate::url_reference::resolve;
use crate::GitHubError;

/// Limits for following redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectPolicy {
    /// How many redirects one download may take.
    pub max_hops: u32,
    /// Whether plain-http targets are allowed; only for tests against a local fake GitHub.
    /// Even then an https URL never redirects to http.
    pub allow_http: bool,
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        Self {
            max_hops: 5,
            allow_http: false,
        }
    }
}

/// Where to go next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The absolute URL to request.
    pub uri: Uri,
    /// Whether the next request may carry `Authorization`: only while every hop so far stayed
    /// on the same scheme, host and port.
    pub keep_authorization: bool,
}

/// The redirects of one download: counts hops and remembers once `Authorization` was dropped,
/// so it is never re-attached even if a later hop comes back to the API host.
#[derive(Debug, Clone)]
pub struct RedirectChain {
    policy: RedirectPolicy,
    hops: u32,
    authorization_dropped: bool,
}

impl RedirectChain {
    /// A chain that has not been redirected yet.
    pub fn new(policy: RedirectPolicy) -> Self {
        Self {
            policy,
            hops: 0,
            authorization_dropped: false,
        }
    }

    /// Redirects taken so far.
    pub fn hops(&self) -> u32 {
        self.hops
    }

    /// Decides the next hop for a redirect answer from `current`.
    ///
    /// Accepts 301, 302, 303, 307 and 308 with a `Location` (absolute or relative); refuses
    /// non-http(s) targets, credentials in the URL, https→http, http targets unless
    /// `allow_http`, and more than `max_hops` hops.
    pub fn follow(
        &mut self,
        current: &Uri,
        status: StatusCode,
        location: Option<&str>,
    ) -> Result<Redirect, GitHubError> {
        if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            return Err(GitHubError::Malformed(format!(
                "HTTP {status} from {} is not a redirect",
                printable(without_query(&current.to_string()))
            )));
        }
        let location = location.ok_or_else(|| {
            GitHubError::Malformed(format!(
                "redirect {status} from {} has no Location header",
                printable(without_query(&current.to_string()))
            ))
        })?;
        let refuse = |why: &str| {
            GitHubError::Refused(format!(
                "refusing redirect to '{}': {why}",
                printable(without_query(location))
            ))
        };
        if self.hops >= self.policy.max_hops {
            return Err(refuse(&format!(
                "more than {} redirects",
                self.policy.max_hops
            )));
        }
        let from = Origin::of(current).map_err(|_| refuse("the current URL is not absolute"))?;
        let target = resolve(current, location).ok_or_else(|| refuse("not a usable URL"))?;
        let to = Origin::of(&target).map_err(|problem| match problem {
            OriginProblem::NotAbsolute => refuse("not an absolute URL"),
            OriginProblem::UnsupportedScheme(scheme) => {
                refuse(&format!("scheme '{scheme}' is not http or https"))
            }
            OriginProblem::HasUserInfo => refuse("it carries credentials in the URL"),
        })?;
        if from.scheme == Scheme::Https && to.scheme == Scheme::Http {
            return Err(refuse("it downgrades https to http"));
        }
        if to.scheme == Scheme::Http && !self.policy.allow_http {
            return Err(refuse("plain http is not allowed"));
        }
        self.hops += 1;
        if from != to {
            self.authorization_dropped = true;
        }
        Ok(Redirect {
            uri: target,
            keep_authorization: !self.authorization_dropped,
        })
    }
}

/// A copy of a request (`http::Request` is not `Clone`): executors send a copy and keep the
/// original to build the next hop from.
pub fn duplicate_request(request: &Request<Vec<u8>>) -> Request<Vec<u8>> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// Download hosts put their signature in the query string: error messages leave it out.
fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// The request for the next hop: same method and headers as `previous`, aimed at
/// `redirect.uri`, without `Authorization` unless the redirect keeps it. The method is kept
/// as is: wharf only follows redirects of GETs (a 303 after a POST would call for GET).
pub fn redirected_request(previous: &Request<Vec<u8>>, redirect: &Redirect) -> Request<Vec<u8>> {
    let mut next = duplicate_request(previous);
    *next.uri_mut() = redirect.uri.clone();
    if !redirect.keep_authorization {
        next.headers_mut().remove(AUTHORIZATION);
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_do_not_repeat_a_signed_query() {
        let mut chain = RedirectChain::new(RedirectPolicy::default());
        let error = chain
            .follow(
                &"https://api.github.com/repos/o/r/tarball/x"
                    .parse()
                    .expect("uri"),
                StatusCode::FOUND,
                Some("http://codeload.example/o/r?X-Amz-Signature=topsecret"),
            )
            .expect_err("https to http is refused");
        assert!(!error.to_string().contains("topsecret"), "{error}");
    }

    fn uri(text: &str) -> Uri {
        text.parse().expect("valid test URI")
    }

    const FOUND: StatusCode = StatusCode::FOUND;

    #[test]
    fn other_host_drops_authorization() {
        let mut chain = RedirectChain::new(RedirectPolicy::default());
        let redirect = chain
            .follow(
                &uri("https://api.github.com/repos/o/r/tarball/abc"),
                FOUND,
                Some("https://codeload.github.com/o/r/legacy.tar.gz/abc?token=x"),
            )
            .expect("allowed");
        assert_eq!(
            redirect.uri,
            "https://codeload.github.com/o/r/legacy.tar.gz/abc?token=x"
        );
        assert!(!redirect.keep_authorization);
    }

    #[test]
    fn same_origin_keeps_authorization() {
        let mut chain = RedirectChain::new(RedirectPolicy::default());
        let redirect = chain
            .follow(
                &uri("https://api.github.com/repos/o/r"),
                StatusCode::MOVED_PERMANENTLY,
                Some("https://API.github.com:443/repositories/1"),
            )
            .expect("allowed");
        assert!(redirect.keep_authorization);
    }

    #[test]
    fn port_change_counts_as_another_origin() {
        let mut chain = RedirectChain::new(RedirectPolicy::default());
        let redirect = chain
            .follow(&uri("https://h/a"), FOUND, Some("https://h:8443/a"))
            .expect("allowed");
        assert!(!redirect.keep_authorization);
    }

    #[test]
    fn dropped_authorization_is_never_restored() {
        let mut chain = RedirectChain::new(RedirectPolicy::default());
        let first = chain
            .follow(
                &uri("https://api.github.com/a"),
                FOUND,
                Some("https://cdn.example/b"),
            )
            .expect("allowed");
        let back = chain
            .follow(&first.uri, FOUND, Some("https://cdn.example/c"))
            .expect("allowed");
        assert!(!back.keep_authorization);
    }

    #[test]
    fn relative_location_resolves_against_current() {
        let mut chain = RedirectChain::new(RedirectPolicy::default());
        let redirect = chain
            .follow(
                &uri("https://api.github.com/repos/o/r/releases/assets/1"),
                StatusCode::TEMPORARY_REDIRECT,
                Some("/repositories/9/releases/assets/1"),
            )
            .expect("allowed");
        assert_eq!(
            redirect.uri,
            "https://api.github.com/repositories/9/releases/assets/1"
        );
        assert!(redirect.keep_authorization);
    }

    #[test]
    fn https_to_http_is_refused_even_in_tests() {
        let policy = RedirectPolicy {
            max_hops: 5,
            allow_http: true,
        };
        let error = RedirectChain::new(policy)
            .follow(
                &uri("https://api.github.com/a"),
                FOUND,
                Some("http://api.github.com/a"),
            )
            .expect_err("downgrade");
        assert!(
            matches!(error, GitHubError::Refused(ref m) if m.contains("downgrade")),
            "{error}"
        );
    }

    #[test]
    fn http_only_when_allowed() {
        let current = uri("http://127.0.0.1:9000/repos/o/r/tarball/a");
        let location = Some("http://127.0.0.1:9001/archive.tar.gz");
        assert!(RedirectChain::new(RedirectPolicy::default())
            .follow(&current, FOUND, location)
            .is_err());
        let test_policy = RedirectPolicy {
            max_hops: 5,
            allow_http: true,
        };
        let redirect = RedirectChain::new(test_policy)
            .follow(&current, FOUND, location)
            .expect("allowed in tests");
        assert!(!redirect.keep_authorization);
    }

    #[test]
    fn non_http_schemes_and_userinfo_are_refused() {
        for location in [
            "ftp://h/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://u:p@h/x",
        ] {
            let result = RedirectChain::new(RedirectPolicy::default()).follow(
                &uri("https://api.github.com/a"),
                FOUND,
                Some(location),
            );
            assert!(
                matches!(result, Err(GitHubError::Refused(_))),
                "{location}: {result:?}"
            );
        }
    }

    #[test]
    fn hop_limit_is_enforced() {
        let policy = RedirectPolicy {
            max_hops: 2,
            allow_http: false,
        };
        let mut chain = RedirectChain::new(policy);
        let start = uri("https://h/0");
        let one = chain.follow(&start, FOUND, Some("/1")).expect("hop 1");
        let two = chain.follow(&one.uri, FOUND, Some("/2")).expect("hop 2");
        assert_eq!(chain.hops(), 2);
        let error = chain
            .follow(&two.uri, FOUND, Some("/3"))
            .expect_err("hop 3");
        assert!(
            error.to_string().contains("more than 2 redirects"),
            "{error}"
        );
    }

    #[test]
    fn not_a_redirect_or_no_location() {
        let mut chain = RedirectChain::new(RedirectPolicy::default());
        assert!(matches!(
            chain.follow(&uri("https://h/"), StatusCode::OK, Some("/x")),
            Err(GitHubError::Malformed(_))
        ));
        assert!(matches!(
            chain.follow(&uri("https://h/"), FOUND, None),
            Err(GitHubError::Malformed(_))
        ));
        assert_eq!(chain.hops(), 0);
    }

    #[test]
    fn redirected_request_strips_authorization_when_told() {
        let previous = Request::builder()
            .uri("https://api.github.com/repos/o/r/tarball/a")
            .header("authorization", "Bearer t")
            .header("user-agent", "wharf")
            .body(Vec::new())
            .expect("valid request");
        let away = Redirect {
            uri: uri("https://codeload.github.com/x"),
            keep_authorization: false,
        };
        let next = redirected_request(&previous, &away);
        assert_eq!(next.uri(), "https://codeload.github.com/x");
        assert!(next.headers().get("authorization").is_none());
        assert_eq!(
            next.headers().get("user-agent").map(|v| v.as_bytes()),
            Some(&b"wharf"[..])
        );
        let same = Redirect {
            uri: uri("https://api.github.com/y"),
            keep_authorization: true,
        };
        assert!(redirected_request(&previous, &same)
            .headers()
            .get("authorization")
            .is_some());
    }
}
