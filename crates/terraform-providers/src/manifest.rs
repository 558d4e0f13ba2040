//! `…_manifest.json` (GoReleaser's copy of `terraform-registry-manifest.json`): which plugin
//! protocol versions a provider release speaks.
//!
//! `{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`. Without the file the release
//! speaks protocol 5.0, as HashiCorp's registry assumes.

use serde::Deserialize;

/// The largest manifest read.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;

/// The protocols a release lists when it has no manifest.
pub const DEFAULT_PROTOCOLS: &[&str] = &["5.0"];

/// Why a manifest is unusable; the message says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("manifest.json is unusable: {0}; write {{\"version\": 1, \"metadata\": {{\"protocol_versions\": [\"5.0\"]}}}}")]
pub struct ManifestError(String);

#[derive(Deserialize)]
struct Manifest {
    version: u32,
    metadata: Metadata,
}

#[derive(Deserialize)]
struct Metadata {
    protocol_versions: Vec<String>,
}

/// The protocol versions a manifest lists (`"5.0"`, `"6.0"`), in its order.
pub fn protocols_from_manifest(document: &[u8]) -> Result<Vec<String>, ManifestError> {
    if document.len() > MAX_MANIFEST_BYTES {
        return Err(ManifestError(format!(
            "it is larger than {MAX_MANIFEST_BYTES} bytes"
        )));
    }
    let manifest: Manifest = serde_json::from_slice(document)
        .map_err(|error| ManifestError(format!("not the expected JSON ({error})")))?;
    if manifest.version != 1 {
        return Err(ManifestError(format!(
            "version {} is unknown (only 1 is)",
            manifest.version
        )));
    }
    let protocols = manifest.metadata.protocol_versions;
    if protocols.is_empty() {
        return Err(ManifestError("protocol_versions is empty".to_owned()));
    }
    if let Some(bad) = protocols
        .iter()
        .find(|protocol| !is_protocol_version(protocol))
    {
        return Err(ManifestError(format!(
            "protocol version '{}' is not MAJOR.MINOR",
            terraform_registry::printable(bad)
        )));
    }
    Ok(protocols)
}

/// A manifest listing `protocols`, as `wharf provider pack` writes it.
pub fn manifest_for_protocols(protocols: &[String]) -> String {
    serde_json::json!({ "version": 1, "metadata": { "protocol_versions": protocols } }).to_string()
}

/// `MAJOR.MINOR`, small numbers without leading zeros: what Terraform parses as a protocol.
pub fn is_protocol_version(text: &str) -> bool {
    let number = |part: &str| {
        (1..=3).contains(&part.len())
            && part.bytes().all(|byte| byte.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
    };
    matches!(text.split_once('.'), Some((major, minor)) if number(major) && number(minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goreleaser_manifest() {
        let protocols = protocols_from_manifest(
            br#"{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}"#,
        )
        .expect("valid");
        assert_eq!(protocols, ["6.0"]);
        let written = manifest_for_protocols(&["5.0".to_owned(), "6.0".to_owned()]);
        assert_eq!(
            protocols_from_manifest(written.as_bytes()).expect("valid"),
            ["5.0", "6.0"]
        );
    }

    #[test]
    fn unusable_manifests_say_why() {
        for (document, hint) in [
            (&b"{}"[..], "expected JSON"),
            (
                br#"{"version": 2, "metadata": {"protocol_versions": ["5.0"]}}"#,
                "version 2",
            ),
            (
                br#"{"version": 1, "metadata": {"protocol_versions": []}}"#,
                "empty",
            ),
            (
                br#"{"version": 1, "metadata": {"protocol_versions": ["5"]}}"#,
                "'5'",
            ),
            (
                br#"{"version": 1, "metadata": {"protocol_versions": ["v5.0"]}}"#,
                "'v5.0'",
            ),
            (b"not json", "expected JSON"),
        ] {
            let error = protocols_from_manifest(document).expect_err(hint);
            assert!(error.to_string().contains(hint), "{error}");
        }
    }

    #[test]
    fn protocol_versions() {
        for good in ["5.0", "6.0", "10.12", "0.1"] {
            assert!(is_protocol_version(good), "{good}");
        }
        for bad in ["5", "5.", ".0", "05.0", "5.0.0", "a.b", "5.0 ", "1234.0"] {
            assert!(!is_protocol_version(bad), "{bad}");
        }
    }
}
