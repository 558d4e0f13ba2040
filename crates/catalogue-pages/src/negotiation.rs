//! HTML or JSON, and the headers every catalogue answer carries.

use std::sync::OnceLock;

use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::html::STYLESHEET;

/// What the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// A page for a browser.
    Html,
    /// The page's model, for scripts.
    Json,
}

impl Representation {
    /// JSON when `Accept` names `application/json` (or `+json`) ahead of, or without,
    /// `text/html`; HTML otherwise (browsers send `text/html` first).
    pub fn from_accept(accept: Option<&str>) -> Self {
        let Some(accept) = accept else {
            return Representation::Html;
        };
        for media_range in accept.split(',') {
            let media_type = media_range
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if media_type == "text/html" || media_type == "application/xhtml+xml" {
                return Representation::Html;
            }
            if media_type == "application/json" || media_type.ends_with("+json") {
                return Representation::Json;
            }
        }
        Representation::Html
    }

    /// The body for `model`: `html(model)` or its JSON.
    pub fn render<T: Serialize>(self, model: &T, html: impl FnOnce(&T) -> String) -> String {
        match self {
            Representation::Html => html(model),
            // A page model holds only strings, numbers and lists: it always serializes.
            Representation::Json => serde_json::to_string_pretty(model).unwrap_or_else(|error| {
                format!("{{\"error\":\"cannot write the page as JSON: {error}\"}}")
            }),
        }
    }

    /// `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Representation::Html => "text/html; charset=utf-8",
            Representation::Json => "application/json",
        }
    }
}

/// The `Content-Security-Policy`: nothing may load or run but the page's own inline
/// stylesheet (by its hash): no scripts, no frames, no forms, no plugins, no images from
/// elsewhere (a README cannot make the browser call out), no `<base>` rewriting.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let digest = Sha256::digest(STYLESHEET.as_bytes());
        let hash = base64::engine::general_purpose::STANDARD.encode(digest);
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    })
}

/// Headers for a catalogue answer in `representation`.
pub fn response_headers(representation: Representation) -> Vec<(&'static str, String)> {
    vec![
        ("content-type", representation.content_type().to_owned()),
        (
            "content-security-policy",
            content_security_policy().to_owned(),
        ),
        ("x-content-type-options", "nosniff".to_owned()),
        ("referrer-policy", "no-referrer".to_owned()),
        ("x-frame-options", "DENY".to_owned()),
        // The page is for the signed-in viewer only and changes with every publish.
        ("cache-control", "private, no-cache".to_owned()),
        ("vary", "Accept, Authorization".to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_decides() {
        assert_eq!(Representation::from_accept(None), Representation::Html);
        assert_eq!(
            Representation::from_accept(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            )),
            Representation::Html
        );
        assert_eq!(
            Representation::from_accept(Some("application/json")),
            Representation::Json
        );
        assert_eq!(
            Representation::from_accept(Some("Application/JSON; charset=utf-8")),
            Representation::Json
        );
        assert_eq!(
            Representation::from_accept(Some("application/vnd.api+json, text/html")),
            Representation::Json
        );
        assert_eq!(
            Representation::from_accept(Some("*/*")),
            Representation::Html
        );
    }

    #[test]
    fn the_policy_allows_exactly_the_inline_stylesheet() {
        let policy = content_security_policy();
        assert!(policy.starts_with("default-src 'none';"), "{policy}");
        assert!(
            !policy.contains("script-src"),
            "scripts fall back to 'none': {policy}"
        );
        assert!(!policy.contains("unsafe"), "{policy}");
        let expected =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLESHEET.as_bytes()));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
    }
}
