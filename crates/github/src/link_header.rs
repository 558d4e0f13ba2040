//! Pagination: the `Link` header's `rel="next"` URL (RFC 8288).

use http::HeaderMap;

/// The URL of the `rel="next"` link, if any.
///
/// Tolerates any spacing, any order of links and parameters, quoted or bare `rel` values,
/// several relation types in one `rel` (`rel="next last"`) and commas or semicolons inside
/// quoted parameters. A malformed header yields `None`, which ends pagination.
///
/// The URL is not checked here: pass it to [`crate::GitHubRequests::next_page`], which
/// refuses links that leave the API's origin.
pub fn next_page(link_header: &str) -> Option<String> {
    let mut parser = Parser { rest: link_header };
    loop {
        parser.skip(|c| c == ',' || c.is_whitespace());
        if parser.rest.is_empty() {
            return None;
        }
        let target = parser.target()?;
        if parser.parameters_name_next()? {
            return Some(target.to_owned());
        }
    }
}

/// [`next_page`] over every `Link` header line of a response.
pub fn next_page_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(next_page)
}

struct Parser<'a> {
    rest: &'a str,
}

impl<'a> Parser<'a> {
    fn skip(&mut self, what: impl Fn(char) -> bool) {
        self.rest = self.rest.trim_start_matches(what);
    }

    /// `<url>`
    fn target(&mut self) -> Option<&'a str> {
        let inner = self.rest.strip_prefix('<')?;
        let end = inner.find('>')?;
        self.rest = &inner[end + 1..];
        Some(inner[..end].trim())
    }

    /// Reads `; name[=value]` parameters up to the comma that ends this link (or the end),
    /// and says whether the first `rel` names `next`. `None` on a syntax error.
    fn parameters_name_next(&mut self) -> Option<bool> {
        let mut is_next = false;
        let mut seen_rel = false;
        loop {
            self.skip(char::is_whitespace);
            match self.rest.chars().next() {
                None => return Some(is_next),
                Some(',') => {
                    self.rest = &self.rest[1..];
                    return Some(is_next);
                }
                Some(';') => self.rest = &self.rest[1..],
                Some(_) => return None,
            }
            self.skip(char::is_whitespace);
            let name_end = self
                .rest
                .find(|c: char| c == '=' || c == ';' || c == ',' || c.is_whitespace())
                .unwrap_or(self.rest.len());
            let name = &self.rest[..name_end];
            self.rest = &self.rest[name_end..];
            self.skip(char::is_whitespace);
            let value = if let Some(after_equals) = self.rest.strip_prefix('=') {
                self.rest = after_equals;
                self.skip(char::is_whitespace);
                Some(self.value()?)
            } else {
                None
            };
            // RFC 8288: only the first rel parameter counts.
            if name.eq_ignore_ascii_case("rel") && !seen_rel {
                seen_rel = true;
                is_next = value.is_some_and(|rels| {
                    rels.split_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
                });
            }
        }
    }

    /// A quoted string (with `\` escapes) or a bare token.
    fn value(&mut self) -> Option<String> {
        if let Some(quoted) = self.rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            while let Some((index, c)) = chars.next() {
                match c {
                    '"' => {
                        self.rest = &quoted[index + 1..];
                        return Some(value);
                    }
                    '\\' => value.push(chars.next()?.1),
                    other => value.push(other),
                }
            }
            None
        } else {
            let end = self
                .rest
                .find(|c: char| c == ';' || c == ',' || c.is_whitespace())
                .unwrap_or(self.rest.len());
            let value = self.rest[..end].to_owned();
            self.rest = &self.rest[end..];
            Some(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_style_header() {
        let header = r#"<https://api.github.com/repositories/1/tags?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/tags?per_page=100&page=5>; rel="last""#;
        assert_eq!(
            next_page(header).as_deref(),
            Some("https://api.github.com/repositories/1/tags?per_page=100&page=2")
        );
    }

    #[test]
    fn next_in_any_position_and_spacing() {
        let header = r#"<https://x/a?page=1>;rel="prev",<https://x/a?page=1>; rel = first ,   <https://x/a?page=3> ;  rel=next"#;
        assert_eq!(next_page(header).as_deref(), Some("https://x/a?page=3"));
    }

    #[test]
    fn no_next_on_the_last_page() {
        let header = r#"<https://x/a?page=1>; rel="prev", <https://x/a?page=1>; rel="first""#;
        assert_eq!(next_page(header), None);
        assert_eq!(next_page(""), None);
    }

    #[test]
    fn similar_relation_names_are_not_next() {
        let header = r#"<https://x/a?page=9>; rel="nextish", <https://x/b>; title="next""#;
        assert_eq!(next_page(header), None);
    }

    #[test]
    fn several_relations_and_quoted_punctuation() {
        let header = r#"<https://x/a?page=0>; title="a, b; c", <https://x/a?page=2>; title="x\"y"; rel="last NEXT""#;
        assert_eq!(next_page(header).as_deref(), Some("https://x/a?page=2"));
    }

    #[test]
    fn only_the_first_rel_counts() {
        let header = r#"<https://x/a?page=2>; rel="prev"; rel="next""#;
        assert_eq!(next_page(header), None);
    }

    #[test]
    fn malformed_headers_end_pagination() {
        assert_eq!(next_page(r#"https://x/a; rel="next""#), None);
        assert_eq!(next_page(r#"<https://x/a; rel="next""#), None);
        assert_eq!(next_page(r#"<https://x/a>; rel="next"#), None);
    }

    #[test]
    fn reads_all_link_header_lines() {
        let mut headers = HeaderMap::new();
        headers.append(
            http::header::LINK,
            r#"<https://x/a?page=1>; rel="prev""#.parse().expect("valid"),
        );
        headers.append(
            http::header::LINK,
            r#"<https://x/a?page=3>; rel="next""#.parse().expect("valid"),
        );
        assert_eq!(
            next_page_from_headers(&headers).as_deref(),
            Some("https://x/a?page=3")
        );
    }
}
