//! A README is untrusted input: rendered from Markdown, then cut down to an allow-list of
//! tags, attributes and URL schemes.

use std::collections::HashSet;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// The longest summary, in characters.
const SUMMARY_CHARACTERS: usize = 300;

/// Markdown (CommonMark with GitHub's tables, strikethrough and task lists) to sanitized HTML.
///
/// What survives is ammonia's default allow-list (formatting, headings, lists, tables, code,
/// links and images) with these choices: only `http`, `https` and `mailto` URLs; relative URLs
/// are dropped (they would point into wharf, not the repository); links get
/// `rel="noopener noreferrer"`; raw HTML in the Markdown goes through the same filter, so a
/// `<script>`, an `onclick` or a `javascript:` link never reaches the page.
pub fn render_readme(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// The first paragraph's text (after any headings and badges), shortened, for module lists.
pub fn summary_of(markdown: &str) -> Option<String> {
    let mut depth_in_paragraph = 0usize;
    // Badges are images inside the first paragraph; their alt text is no description.
    let mut depth_in_image = 0usize;
    // Text between raw `<script>`/`<style>` tags is code, not prose.
    let mut in_raw_code = false;
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Paragraph) => depth_in_paragraph += 1,
            Event::End(TagEnd::Paragraph) if depth_in_paragraph > 0 => {
                depth_in_paragraph -= 1;
                let trimmed = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !trimmed.is_empty() {
                    return Some(shorten(&trimmed));
                }
                text.clear();
            }
            Event::InlineHtml(tag) | Event::Html(tag) => {
                let tag = tag.trim_start().to_ascii_lowercase();
                if tag.starts_with("<script") || tag.starts_with("<style") {
                    in_raw_code = true;
                } else if tag.starts_with("</script") || tag.starts_with("</style") {
                    in_raw_code = false;
                }
            }
            Event::Start(Tag::Image { .. }) => depth_in_image += 1,
            Event::End(TagEnd::Image) => depth_in_image = depth_in_image.saturating_sub(1),
            Event::Text(chunk) | Event::Code(chunk)
                if depth_in_paragraph > 0 && depth_in_image == 0 && !in_raw_code =>
            {
                text.push_str(&chunk)
            }
            Event::SoftBreak | Event::HardBreak if depth_in_paragraph > 0 => text.push(' '),
            _ => {}
        }
    }
    None
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= SUMMARY_CHARACTERS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(SUMMARY_CHARACTERS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_common_markdown() {
        let html = render_readme(
            "# Title\n\nSome *emphasis* and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```hcl\nmodule \"x\" {}\n```\n",
        );
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<em>emphasis</em>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(
            html.contains("module \"x\" {}") || html.contains("module &quot;x&quot; {}"),
            "{html}"
        );
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_do_not_survive() {
        let hostile = concat!(
            "# Hi\n\n<script>alert(1)</script>\n\n",
            "[click](javascript:alert(2)) <a href=\"javascript:alert(3)\">raw</a>\n\n",
            "<img src=x onerror=alert(4)> <div onclick=\"alert(5)\">div</div>\n\n",
            "<iframe src=\"https://evil.example\"></iframe><style>body{display:none}</style>\n\n",
            "[data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) ",
            "<a href=\"JaVaScRiPt:alert(6)\">mixed case</a> <svg onload=alert(7)></svg>\n"
        );
        let html = render_readme(hostile);
        let lower = html.to_ascii_lowercase();
        for forbidden in [
            "<script",
            "javascript:",
            "onerror",
            "onclick",
            "onload",
            "<iframe",
            "<style",
            "data:text",
            "vbscript:",
            "<svg",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden} in {html}");
        }
        assert!(html.contains("click"), "link text stays: {html}");
    }

    #[test]
    fn links_keep_safe_urls_and_lose_relative_ones() {
        let html = render_readme(
            "[docs](https://example.com/x) [local](docs/usage.md) [mail](mailto:a@b.example)",
        );
        assert!(html.contains("href=\"https://example.com/x\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
        assert!(html.contains("href=\"mailto:a@b.example\""), "{html}");
        assert!(!html.contains("docs/usage.md"), "{html}");
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        assert_eq!(
            summary_of("# VPC\n\n[![badge](https://x/y.svg)](https://x)\n\nBuilds a **private**\nnetwork.\n\nMore.").as_deref(),
            Some("Builds a private network.")
        );
        assert_eq!(summary_of("# Only a heading\n"), None);
        assert_eq!(
            summary_of("Mark <b>bold</b> <script>steal()</script> text.\n").as_deref(),
            Some("Mark bold text.")
        );
        let long = format!("{}\n", "word ".repeat(200));
        let summary = summary_of(&long).expect("a summary");
        assert_eq!(summary.chars().count(), SUMMARY_CHARACTERS);
        assert!(summary.ends_with('…'));
    }
}
