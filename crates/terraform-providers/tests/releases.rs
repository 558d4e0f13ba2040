//! Releases judged from the files origin's layout, and the protocol documents built from them,
//! checked field by field against what Terraform's registry and mirror clients read.

use std::path::Path;

use rand_chacha::rand_core::SeedableRng;
use release_signing::SigningKey;
use serde_json::Value;
use sha2::{Digest, Sha256};
use terraform_providers::{
    download_document, manifest_for_protocols, mirror_index_document, mirror_version_document,
    versions_document, Checksums, DownloadUrls, FilesOrigin, MirrorArchiveEntry, Platform,
    ProviderAddress, ProviderVersion, ReleaseFileNames, ReleaseLayout, ReleaseRefusal,
    SignatureProblem, TrustedKeys,
};

const CREATED: u64 = 1_700_000_000;

fn key(seed: u64) -> SigningKey {
    SigningKey::generate_rsa(
        "Provider Author <author@example.org>",
        CREATED,
        2048,
        rand_chacha::ChaCha20Rng::seed_from_u64(seed),
    )
    .expect("key")
}

fn trusted(key: &SigningKey) -> TrustedKeys {
    let (keys, problems) = TrustedKeys::parse_armored(&key.public_key_armored().expect("armor"));
    assert!(problems.is_empty());
    keys
}

fn address() -> ProviderAddress {
    ProviderAddress::new("acme", "hello").expect("valid")
}

fn version(text: &str) -> ProviderVersion {
    ProviderVersion::parse(text).expect("valid")
}

/// Writes a release the way `wharf provider pack` does; returns the SHA-256 of each zip.
fn publish(
    root: &Path,
    version_text: &str,
    platforms: &[&str],
    signer: &SigningKey,
    manifest: Option<&[&str]>,
) -> Vec<String> {
    let version = version(version_text);
    let names = ReleaseFileNames::new("hello", &version);
    let directory = root.join("acme/hello").join(version_text);
    std::fs::create_dir_all(&directory).expect("mkdir");
    let mut digests = Vec::new();
    for platform in platforms {
        let platform = Platform::parse(platform).expect("platform");
        let bytes = format!("zip for {platform} {version_text}");
        let digest: [u8; 32] = Sha256::digest(bytes.as_bytes()).into();
        std::fs::write(directory.join(names.archive(&platform)), bytes).expect("zip");
        digests.push((names.archive(&platform), digest));
    }
    let checksums = Checksums::from_digests(digests.clone());
    let document = checksums.render();
    std::fs::write(directory.join(names.checksums()), &document).expect("sums");
    std::fs::write(
        directory.join(names.checksums_signature()),
        signer
            .detached_signature_bytes(document.as_bytes(), CREATED + 60)
            .expect("sig"),
    )
    .expect("sig");
    if let Some(protocols) = manifest {
        let protocols: Vec<String> = protocols.iter().map(|p| (*p).to_owned()).collect();
        std::fs::write(
            directory.join(names.manifest()),
            manifest_for_protocols(&protocols),
        )
        .expect("manifest");
    }
    digests
        .iter()
        .map(|(_, digest)| hex::encode(digest))
        .collect()
}

#[test]
fn the_files_origin_offers_signed_releases_and_explains_the_rest() {
    let root = tempfile::tempdir().expect("root");
    let author = key(1);
    let stranger = key(2);
    publish(
        root.path(),
        "1.0.0",
        &["linux_amd64", "darwin_arm64"],
        &author,
        None,
    );
    publish(
        root.path(),
        "1.1.0",
        &["linux_amd64"],
        &author,
        Some(&["6.0"]),
    );
    publish(root.path(), "2.0.0", &["linux_amd64"], &stranger, None);
    publish(root.path(), "2.1.0-rc.1", &["linux_amd64"], &author, None);
    std::fs::create_dir_all(root.path().join("acme/hello/latest")).expect("not a version");
    std::fs::create_dir_all(root.path().join("acme/hello/v3.0.0")).expect("not canonical");
    let unsigned = root.path().join("acme/hello/3.0.0");
    std::fs::create_dir_all(&unsigned).expect("mkdir");
    std::fs::write(
        unsigned.join("terraform-provider-hello_3.0.0_SHA256SUMS"),
        "",
    )
    .expect("sums");

    let origin = FilesOrigin::new(root.path());
    assert_eq!(origin.providers(), [address()]);
    let releases = origin
        .releases(&address(), &trusted(&author))
        .expect("known provider");
    let offered: Vec<String> = releases
        .offered
        .iter()
        .map(|r| r.version.to_string())
        .collect();
    assert_eq!(offered, ["2.1.0-rc.1", "1.1.0", "1.0.0"]);
    let one = releases.find(&version("1.0.0")).expect("offered");
    assert_eq!(one.protocols, ["5.0"], "no manifest: protocol 5.0");
    assert_eq!(one.signed_by, author.fingerprint());
    let platforms: Vec<String> = one
        .archives
        .iter()
        .map(|a| a.platform.to_string())
        .collect();
    assert_eq!(platforms, ["darwin_arm64", "linux_amd64"]);
    assert_eq!(
        releases.find(&version("1.1.0")).expect("offered").protocols,
        ["6.0"]
    );

    let warnings = releases.warnings(&address());
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w
                .starts_with("acme/hello 2.0.0 is not offered: SHA256SUMS.sig was made by key")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains(
            "3.0.0 is not offered: it has no terraform-provider-hello_3.0.0_SHA256SUMS.sig"
        )),
        "{warnings:?}"
    );

    assert!(origin
        .versions(&ProviderAddress::new("acme", "nothing").expect("valid"))
        .is_err_and(|error| error.kind() == std::io::ErrorKind::NotFound));
}

#[test]
fn what_a_release_offers_is_what_its_signed_checksums_vouch_for() {
    let root = tempfile::tempdir().expect("root");
    let author = key(3);
    let keys = trusted(&author);
    let origin = FilesOrigin::new(root.path());
    publish(root.path(), "1.0.0", &["linux_amd64"], &author, None);
    let directory = root.path().join("acme/hello/1.0.0");
    // A zip added after signing is not offered, and the release says so.
    std::fs::write(
        directory.join("terraform-provider-hello_1.0.0_windows_amd64.zip"),
        "late",
    )
    .expect("zip");
    let release = origin
        .release(&address(), &version("1.0.0"), &keys)
        .expect("offered");
    assert_eq!(release.archives.len(), 1);
    assert!(
        release.notes[0].contains("windows_amd64.zip is not listed in SHA256SUMS"),
        "{:?}",
        release.notes
    );

    // Checksums edited after signing: refused, the signature says so.
    let sums = directory.join("terraform-provider-hello_1.0.0_SHA256SUMS");
    let mut edited = std::fs::read_to_string(&sums).expect("sums");
    edited.push_str(&format!(
        "{}  terraform-provider-hello_1.0.0_windows_amd64.zip\n",
        "0".repeat(64)
    ));
    std::fs::write(&sums, &edited).expect("edit");
    let refusal = origin
        .release(&address(), &version("1.0.0"), &keys)
        .expect_err("edited");
    assert!(
        matches!(
            refusal,
            ReleaseRefusal::Signature(SignatureProblem::Invalid { .. })
        ),
        "{refusal}"
    );

    // Re-signed with a blank line: signed, but Terraform would crash on it.
    edited.push('\n');
    std::fs::write(&sums, &edited).expect("edit");
    std::fs::write(
        directory.join("terraform-provider-hello_1.0.0_SHA256SUMS.sig"),
        author
            .detached_signature_bytes(edited.as_bytes(), CREATED + 60)
            .expect("sig"),
    )
    .expect("sig");
    let refusal = origin
        .release(&address(), &version("1.0.0"), &keys)
        .expect_err("blank line");
    assert!(
        refusal
            .to_string()
            .contains("line 3 is empty, which crashes Terraform"),
        "{refusal}"
    );

    // A broken manifest.
    publish(root.path(), "1.1.0", &["linux_amd64"], &author, None);
    std::fs::write(
        root.path()
            .join("acme/hello/1.1.0/terraform-provider-hello_1.1.0_manifest.json"),
        r#"{"version":1,"metadata":{"protocol_versions":["five"]}}"#,
    )
    .expect("manifest");
    let refusal = origin
        .release(&address(), &version("1.1.0"), &keys)
        .expect_err("manifest");
    assert!(refusal.to_string().contains("'five'"), "{refusal}");

    // No keys at all: fail closed, and say how to configure them.
    let refusal = origin
        .release(&address(), &version("1.1.0"), &TrustedKeys::default())
        .expect_err("no keys");
    assert!(
        refusal.to_string().contains("provider_signing_keys"),
        "{refusal}"
    );
}

#[test]
fn namespace_key_files_are_read_from_the_layout() {
    let root = tempfile::tempdir().expect("root");
    let origin = FilesOrigin::new(root.path());
    assert_eq!(origin.namespace_keys("acme").expect("absent is fine"), None);
    let author = key(4);
    std::fs::create_dir_all(root.path().join("acme")).expect("mkdir");
    std::fs::write(
        origin.namespace_keys_path("acme"),
        author.public_key_armored().expect("armor"),
    )
    .expect("write");
    let text = origin
        .namespace_keys("acme")
        .expect("readable")
        .expect("present");
    let (keys, _) = TrustedKeys::parse_armored(&text);
    assert_eq!(
        keys.iter().next().map(|k| k.fingerprint().to_owned()),
        Some(author.fingerprint())
    );
}

#[test]
fn registry_documents_carry_every_field_terraform_reads() {
    let root = tempfile::tempdir().expect("root");
    let author = key(5);
    let keys = trusted(&author);
    let digests = publish(
        root.path(),
        "1.0.0",
        &["linux_amd64", "darwin_arm64"],
        &author,
        Some(&["5.0", "6.0"]),
    );
    publish(root.path(), "1.10.0", &["linux_amd64"], &author, None);
    let releases = FilesOrigin::new(root.path())
        .releases(&address(), &keys)
        .expect("known");

    let warnings = ["acme/hello 0.9.0 is not offered: it has no SHA256SUMS".to_owned()];
    let versions: Value =
        serde_json::from_str(&versions_document(&releases.offered, &warnings)).expect("JSON");
    assert_eq!(
        versions["versions"][0]["version"], "1.10.0",
        "newest first by semver"
    );
    assert_eq!(versions["versions"][1]["version"], "1.0.0");
    assert_eq!(
        versions["versions"][1]["protocols"],
        serde_json::json!(["5.0", "6.0"])
    );
    assert_eq!(
        versions["versions"][1]["platforms"],
        serde_json::json!([{"os": "darwin", "arch": "arm64"}, {"os": "linux", "arch": "amd64"}])
    );
    assert_eq!(versions["warnings"], serde_json::json!(warnings));
    let quiet: Value =
        serde_json::from_str(&versions_document(&releases.offered, &[])).expect("JSON");
    assert!(quiet.get("warnings").is_none());

    let release = releases.find(&version("1.0.0")).expect("offered");
    let linux = release
        .archive_for(&Platform::new("linux", "amd64").expect("valid"))
        .expect("linux");
    let urls = DownloadUrls {
        archive: "/provider-downloads/a.zip?expires=1&signature=2".to_owned(),
        checksums: "/provider-downloads/SHA256SUMS?expires=1&signature=3".to_owned(),
        signature: "/provider-downloads/SHA256SUMS.sig?expires=1&signature=4".to_owned(),
    };
    let signer = keys.iter().next().expect("key");
    let download: Value =
        serde_json::from_str(&download_document(release, linux, &urls, signer)).expect("JSON");
    assert_eq!(download["protocols"], serde_json::json!(["5.0", "6.0"]));
    assert_eq!(download["os"], "linux");
    assert_eq!(download["arch"], "amd64");
    assert_eq!(
        download["filename"],
        "terraform-provider-hello_1.0.0_linux_amd64.zip"
    );
    assert_eq!(download["download_url"], urls.archive.as_str());
    assert_eq!(download["shasums_url"], urls.checksums.as_str());
    assert_eq!(download["shasums_signature_url"], urls.signature.as_str());
    // The linux zip's digest, as the release's SHA256SUMS lists it.
    assert!(digests.contains(&download["shasum"].as_str().unwrap_or_default().to_owned()));
    assert_eq!(download["shasum"].as_str().map(str::len), Some(64));
    let key = &download["signing_keys"]["gpg_public_keys"][0];
    assert_eq!(key["key_id"], author.fingerprint()[24..]);
    assert_eq!(key["trust_signature"], "");
    let armored = key["ascii_armor"].as_str().unwrap_or_default();
    let (served, _) = TrustedKeys::parse_armored(armored);
    assert_eq!(
        served.iter().next().map(|k| k.fingerprint().to_owned()),
        Some(author.fingerprint())
    );
    assert_eq!(
        download["signing_keys"]["gpg_public_keys"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn mirror_documents_have_the_network_mirror_shape() {
    let versions = [version("1.0.0"), version("2.0.0-rc.1")];
    let index: Value = serde_json::from_str(&mirror_index_document(&versions)).expect("JSON");
    assert_eq!(
        index,
        serde_json::json!({"versions": {"1.0.0": {}, "2.0.0-rc.1": {}}})
    );
    let entry = MirrorArchiveEntry {
        platform: Platform::new("linux", "amd64").expect("valid"),
        url: "terraform-provider-hello_1.0.0_linux_amd64.zip?expires=1&signature=2".to_owned(),
        hashes: vec!["h1:abc=".to_owned(), "zh:0123".to_owned()],
    };
    let document: Value = serde_json::from_str(&mirror_version_document(&[entry])).expect("JSON");
    assert_eq!(
        document,
        serde_json::json!({"archives": {"linux_amd64": {
            "url": "terraform-provider-hello_1.0.0_linux_amd64.zip?expires=1&signature=2",
            "hashes": ["h1:abc=", "zh:0123"]
        }}})
    );
    let empty: Value = serde_json::from_str(&mirror_index_document(&[])).expect("JSON");
    assert_eq!(empty, serde_json::json!({"versions": {}}));
}

#[test]
fn a_manifest_changed_after_signing_is_refused() {
    let author = key(6);
    let keys = trusted(&author);
    let version = version("1.0.0");
    let names = ReleaseFileNames::new("hello", &version);
    let linux = Platform::new("linux", "amd64").expect("valid");
    let manifest = manifest_for_protocols(&["6.0".to_owned()]);
    // As GoReleaser does: the manifest is listed in SHA256SUMS.
    let checksums = Checksums::from_digests([
        (names.archive(&linux), Sha256::digest(b"zip").into()),
        (names.manifest(), Sha256::digest(manifest.as_bytes()).into()),
    ])
    .render();
    let signature = author
        .detached_signature_bytes(checksums.as_bytes(), CREATED + 60)
        .expect("sig");
    let files = [
        names.archive(&linux),
        names.checksums(),
        names.checksums_signature(),
        names.manifest(),
    ];
    let layout = ReleaseLayout::from_names(&address(), &version, files.iter().map(String::as_str))
        .expect("complete");
    let verified = layout
        .verify(
            checksums.as_bytes(),
            &signature,
            Some(manifest.as_bytes()),
            &keys,
        )
        .expect("as signed");
    assert_eq!(verified.protocols, ["6.0"]);
    let swapped = manifest_for_protocols(&["5.0".to_owned()]);
    let refusal = layout
        .verify(
            checksums.as_bytes(),
            &signature,
            Some(swapped.as_bytes()),
            &keys,
        )
        .expect_err("changed after signing");
    assert!(
        refusal
            .to_string()
            .contains("manifest.json does not match its checksum in SHA256SUMS"),
        "{refusal}"
    );
}
