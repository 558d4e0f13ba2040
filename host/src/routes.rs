//! Spin's HTTP route matching: exact routes and `/...` wildcards, the most specific wins.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutePattern {
    /// `/health`: that path only.
    Exact(String),
    /// `/dists/...`: the prefix itself and everything below it; `/...` matches every path.
    Wildcard(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RouteError {
    #[error("route '{0}' must start with '/'")]
    NotAbsolute(String),
    #[error("route '{0}' has a parameter segment; wharf-host supports exact routes and '/...' wildcards")]
    Parameter(String),
    #[error("route '{0}' is declared twice")]
    Duplicate(String),
}

impl RoutePattern {
    pub fn parse(route: &str) -> Result<Self, RouteError> {
        if !route.starts_with('/') {
            return Err(RouteError::NotAbsolute(route.to_owned()));
        }
        if route.split('/').any(|segment| segment.starts_with(':')) {
            return Err(RouteError::Parameter(route.to_owned()));
        }
        Ok(match route.strip_suffix("/...") {
            Some(prefix) => RoutePattern::Wildcard(prefix.to_owned()),
            None => RoutePattern::Exact(route.trim_end_matches('/').to_owned()),
        })
    }

    /// The part of `path` below this route (Spin's `spin-path-info`), if the route matches.
    fn path_info<'p>(&self, path: &'p str) -> Option<&'p str> {
        match self {
            RoutePattern::Exact(exact) => {
                let candidate = if path.len() > 1 {
                    path.trim_end_matches('/')
                } else {
                    path
                };
                (candidate == exact || (exact.is_empty() && candidate == "/")).then_some("")
            }
            RoutePattern::Wildcard(prefix) => {
                let rest = path.strip_prefix(prefix.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then_some(rest)
            }
        }
    }

    /// Higher is more specific: any exact route beats any wildcard; longer prefixes beat shorter.
    fn specificity(&self) -> (bool, usize) {
        match self {
            RoutePattern::Exact(exact) => (true, exact.len()),
            RoutePattern::Wildcard(prefix) => (false, prefix.len()),
        }
    }

    /// The route without its wildcard, as Spin reports it in `spin-component-route`.
    pub fn base(&self) -> &str {
        match self {
            RoutePattern::Exact(path) | RoutePattern::Wildcard(path) => path,
        }
    }
}

/// One route of the application: what the manifest wrote and which component serves it.
#[derive(Debug, Clone)]
pub struct Route {
    pub raw: String,
    pub pattern: RoutePattern,
    pub component: String,
}

#[derive(Debug)]
pub struct RouteMatch<'r> {
    pub route: &'r Route,
    pub path_info: String,
}

#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    pub fn new(entries: impl IntoIterator<Item = (String, String)>) -> Result<Self, RouteError> {
        let mut routes: Vec<Route> = Vec::new();
        for (raw, component) in entries {
            let pattern = RoutePattern::parse(&raw)?;
            if routes.iter().any(|route| route.pattern == pattern) {
                return Err(RouteError::Duplicate(raw));
            }
            routes.push(Route {
                raw,
                pattern,
                component,
            });
        }
        Ok(Self { routes })
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The most specific route for `path` (no query string).
    pub fn find(&self, path: &str) -> Option<RouteMatch<'_>> {
        self.routes
            .iter()
            .filter_map(|route| {
                let path_info = route.pattern.path_info(path)?;
                Some((route, path_info))
            })
            .max_by_key(|(route, _)| route.pattern.specificity())
            .map(|(route, path_info)| RouteMatch {
                route,
                path_info: path_info.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(routes: &[(&str, &str)]) -> RouteTable {
        RouteTable::new(
            routes
                .iter()
                .map(|(route, component)| (route.to_string(), component.to_string())),
        )
        .expect("valid routes")
    }

    fn served_by<'t>(table: &'t RouteTable, path: &str) -> Option<(&'t str, String)> {
        table
            .find(path)
            .map(|found| (found.route.component.as_str(), found.path_info))
    }

    #[test]
    fn exact_route_matches_only_its_path() {
        let routes = table(&[("/health", "health")]);
        assert_eq!(
            served_by(&routes, "/health"),
            Some(("health", String::new()))
        );
        assert_eq!(
            served_by(&routes, "/health/"),
            Some(("health", String::new()))
        );
        assert_eq!(served_by(&routes, "/healthz"), None);
        assert_eq!(served_by(&routes, "/health/x"), None);
    }

    #[test]
    fn wildcard_matches_prefix_and_below_but_not_siblings() {
        let routes = table(&[("/dists/...", "apt")]);
        assert_eq!(served_by(&routes, "/dists"), Some(("apt", String::new())));
        assert_eq!(
            served_by(&routes, "/dists/stable/Release"),
            Some(("apt", "/stable/Release".to_owned()))
        );
        assert_eq!(served_by(&routes, "/distsx"), None);
    }

    #[test]
    fn most_specific_route_wins_whatever_the_order() {
        let routes = table(&[
            ("/...", "fallback"),
            ("/v1/modules/...", "modules"),
            ("/v1/...", "v1"),
            ("/v1/modules/exact", "exact"),
        ]);
        assert_eq!(served_by(&routes, "/other").map(|m| m.0), Some("fallback"));
        assert_eq!(served_by(&routes, "/v1/x").map(|m| m.0), Some("v1"));
        assert_eq!(
            served_by(&routes, "/v1/modules/a/b/c/versions"),
            Some(("modules", "/a/b/c/versions".to_owned()))
        );
        assert_eq!(
            served_by(&routes, "/v1/modules/exact").map(|m| m.0),
            Some("exact")
        );
    }

    #[test]
    fn root_wildcard_matches_root() {
        let routes = table(&[("/...", "all")]);
        assert_eq!(served_by(&routes, "/"), Some(("all", "/".to_owned())));
    }

    #[test]
    fn duplicate_routes_are_refused() {
        let error = RouteTable::new([
            ("/a/...".to_owned(), "x".to_owned()),
            ("/a/...".to_owned(), "y".to_owned()),
        ])
        .expect_err("duplicate");
        assert_eq!(error, RouteError::Duplicate("/a/...".to_owned()));
    }

    #[test]
    fn malformed_routes_are_refused() {
        assert!(matches!(
            RoutePattern::parse("health"),
            Err(RouteError::NotAbsolute(_))
        ));
        assert!(matches!(
            RoutePattern::parse("/users/:id"),
            Err(RouteError::Parameter(_))
        ));
    }
}
