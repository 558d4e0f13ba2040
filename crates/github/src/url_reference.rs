//! Resolving a `Location` header against the URL that answered (RFC 3986 §5.2), because
//! wasi:http does not follow redirects for us.

use http::Uri;

/// Resolves `reference` (absolute, `//host/…`, `/path`, `?query` or a relative path) against
/// `base`. Fragments are dropped: they never reach a server. `None` when the result is not
/// a valid absolute URI or `reference` contains characters a URL cannot carry.
pub(crate) fn resolve(base: &Uri, reference: &str) -> Option<Uri> {
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    let reference = reference.split('#').next().unwrap_or_default();
    let base_scheme = base.scheme_str()?;
    let base_authority = base.authority()?.as_str();

    let resolved = if has_scheme(reference) {
        let (scheme, rest) = reference.split_once(':')?;
        let rest = rest.strip_prefix("//")?;
        let (authority, path_and_query) = split_authority(rest);
        format!(
            "{}://{authority}{}",
            scheme.to_ascii_lowercase(),
            normalise(path_and_query)
        )
    } else if let Some(rest) = reference.strip_prefix("//") {
        let (authority, path_and_query) = split_authority(rest);
        format!("{base_scheme}://{authority}{}", normalise(path_and_query))
    } else if reference.starts_with('/') {
        format!("{base_scheme}://{base_authority}{}", normalise(reference))
    } else if reference.starts_with('?') || reference.is_empty() {
        let query = if reference.is_empty() {
            base.query().map(|q| format!("?{q}")).unwrap_or_default()
        } else {
            reference.to_owned()
        };
        format!("{base_scheme}://{base_authority}{}{query}", base.path())
    } else {
        let base_path = base.path();
        let directory = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        let merged = if directory.is_empty() {
            format!("/{reference}")
        } else {
            format!("{directory}{reference}")
        };
        format!("{base_scheme}://{base_authority}{}", normalise(&merged))
    };
    resolved.parse().ok()
}

fn has_scheme(reference: &str) -> bool {
    let Some(colon) = reference.find(':') else {
        return false;
    };
    let scheme = &reference[..colon];
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Splits `host:port/path?query` after `//` into authority and the rest.
fn split_authority(rest: &str) -> (&str, &str) {
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    (&rest[..end], &rest[end..])
}

/// Removes `.` and `..` segments from the path part, keeping the query as it is.
fn normalise(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.find('?') {
        Some(index) => path_and_query.split_at(index),
        None => (path_and_query, ""),
    };
    let path = if path.is_empty() { "/" } else { path };
    let mut output: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (index, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {
                if index == last {
                    output.push("");
                }
            }
            ".." => {
                output.pop();
                if index == last {
                    output.push("");
                }
            }
            other => output.push(other),
        }
    }
    format!("/{}{query}", output.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(base: &str, reference: &str) -> Option<String> {
        resolve(&base.parse().expect("valid base"), reference).map(|uri| uri.to_string())
    }

    #[test]
    fn absolute_location_is_taken_as_is() {
        assert_eq!(
            resolved(
                "https://api.github.com/a/b",
                "https://codeload.github.com/o/r/tar.gz/abc?token=t#frag"
            )
            .as_deref(),
            Some("https://codeload.github.com/o/r/tar.gz/abc?token=t")
        );
    }

    #[test]
    fn relative_forms() {
        let base = "https://h.example:8443/api/v3/repos/o/r?x=1";
        assert_eq!(
            resolved(base, "/other/path?y=2").as_deref(),
            Some("https://h.example:8443/other/path?y=2")
        );
        assert_eq!(
            resolved(base, "//cdn.example/file").as_deref(),
            Some("https://cdn.example/file")
        );
        assert_eq!(
            resolved(base, "sibling").as_deref(),
            Some("https://h.example:8443/api/v3/repos/o/sibling")
        );
        assert_eq!(
            resolved(base, "../up/./there").as_deref(),
            Some("https://h.example:8443/api/v3/repos/up/there")
        );
        assert_eq!(
            resolved(base, "?page=2").as_deref(),
            Some("https://h.example:8443/api/v3/repos/o/r?page=2")
        );
    }

    #[test]
    fn dot_segments_cannot_climb_above_root() {
        assert_eq!(
            resolved("http://h/a", "/../../x").as_deref(),
            Some("http://h/x")
        );
    }

    #[test]
    fn garbage_is_refused() {
        assert_eq!(resolved("https://h/a", ""), None);
        assert_eq!(resolved("https://h/a", "has space"), None);
        assert_eq!(resolved("https://h/a", "/a\nb"), None);
        assert_eq!(resolved("https://h/a", "mailto:x@y"), None);
    }
}
