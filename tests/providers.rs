//! The Terraform provider registry end to end with the real terraform CLI (1.11.x and 1.0.3):
//! providers published with `wharf provider pack` (files origin) and as GitHub releases in
//! GoReleaser's layout (GitHub origin), signed with keys GnuPG made.

use std::time::Duration;

use end_to_end::fake_github::{
    FakeAsset, FakeGitHub, FakeRelease, FakeRepository, GitHubFailure, REVALIDATE_AFTER,
};
use end_to_end::providers::{
    goreleaser_release, terraform_says, Application, Author, ProviderProject, HOST_PLATFORM,
};
use end_to_end::terraform::{describe, terraform_binaries, terraform_version};
use end_to_end::WharfHost;

const TOKEN: &str = "provider-token-0123456789";
const SIGNING_KEY: &str = "provider-url-signing-key-0123456789";
const GITHUB_TOKEN: &str = "ghp_providerfakefakefakefakefakefake01";
const SOURCE: &str = "registry.test/acme/hello";

fn files_wharf(application: &Application, state: &std::path::Path) -> WharfHost {
    WharfHost::start(
        &application.manifest(),
        state,
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    )
}

#[test]
fn terraform_installs_a_private_provider_from_the_files_origin_and_its_lock_file_holds() {
    let application = Application::new();
    let author = Author::new("author@example.org", "rsa3072");
    let summary = application.pack_release("1.0.0", &[HOST_PLATFORM, "darwin_arm64"], &author);
    assert!(
        summary.contains("published acme/hello 1.0.0 for darwin_arm64, linux_amd64"),
        "{summary}"
    );
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&application, state.path());

    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "~> 1.0");
        let output = project.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        let text = terraform_says(&output);
        assert!(
            text.contains(&format!(
                "Installed {SOURCE} v1.0.0 (self-signed, key ID {})",
                author.key_id()
            )),
            "{version}: {text}"
        );
        let executable = project
            .installed_executable(SOURCE, "1.0.0", "hello")
            .unwrap_or_default();
        assert!(
            executable.contains("hello 1.0.0 for linux_amd64"),
            "{version}: {executable}"
        );

        // The lock file records the package and every signed checksum; from a fresh checkout
        // the next init verifies the package against it and leaves it as it was.
        let lock = project.lock_file().expect("lock file");
        let hashes = project.locked_hashes();
        assert!(hashes.iter().any(|hash| hash.starts_with("h1:")), "{lock}");
        assert!(
            hashes.iter().filter(|hash| hash.starts_with("zh:")).count() >= 2,
            "{lock}"
        );
        project.clean();
        let again = project.init(&binary);
        assert!(again.status.success(), "{version}: {}", describe(&again));
        assert_eq!(
            project.lock_file().as_deref(),
            Some(lock.as_str()),
            "{version}"
        );
    }
    // wharf-host's access log says which requests carried a token (Spin writes none).
    if wharf.runner().is_spin() {
        return;
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = wharf.log().join("\n");
    assert!(
        log.contains("/v1/providers/acme/hello/versions 200")
            && log.contains("provider-registry auth=bearer"),
        "{log}"
    );
    assert!(
        log.contains("provider-registry auth=none"),
        "downloads carry no token:\n{log}"
    );
}

/// A GitHub release from GoReleaser's files; asset ids are `id * 100 + n`.
fn release(id: u64, tag: &str, files: Vec<(String, Vec<u8>)>) -> FakeRelease {
    FakeRelease {
        id,
        tag: tag.to_owned(),
        assets: files
            .into_iter()
            .enumerate()
            .map(|(index, (name, bytes))| FakeAsset {
                id: id * 100 + index as u64,
                name,
                bytes,
            })
            .collect(),
    }
}

fn github_with_provider(releases: Vec<FakeRelease>) -> FakeGitHub {
    let github = FakeGitHub::start();
    github.add_repository(
        "acme/terraform-provider-hello",
        FakeRepository {
            private: true,
            ..Default::default()
        },
    );
    for release in releases {
        github.add_release("acme/terraform-provider-hello", release);
    }
    github.add_token(GITHUB_TOKEN);
    github
}

fn github_wharf(
    github: &FakeGitHub,
    state: &std::path::Path,
    signing_keys: &str,
    extra: &[(&str, &str)],
) -> WharfHost {
    let api_url = github.api_url();
    let downloads = github.downloads_url();
    let mut variables = vec![
        ("origin", "github"),
        ("github_api_url", api_url.as_str()),
        ("github_asset_host", downloads.as_str()),
        ("github_token", GITHUB_TOKEN),
        ("allowed_owners", "acme"),
        ("api_tokens", TOKEN),
        ("url_signing_key", SIGNING_KEY),
        ("provider_signing_keys", signing_keys),
    ];
    variables.extend_from_slice(extra);
    WharfHost::start(&end_to_end::wharf_host::wharf_manifest(), state, &variables)
}

/// Downloads from GitHub's asset host (HEADs, which go-getter sends first, not counted).
fn download_count(github: &FakeGitHub) -> usize {
    github
        .calls()
        .iter()
        .filter(|call| call.host == "downloads" && call.method == "GET")
        .count()
}

#[test]
fn terraform_installs_a_private_provider_from_github_releases() {
    let author = Author::new("author@example.org", "rsa3072");
    let github = github_with_provider(vec![
        release(
            1,
            "v1.0.0",
            goreleaser_release("hello", "1.0.0", &[HOST_PLATFORM], &["5.0"], &author),
        ),
        release(
            2,
            "v1.1.0",
            goreleaser_release(
                "hello",
                "1.1.0",
                &[HOST_PLATFORM, "windows_amd64"],
                &["6.0"],
                &author,
            ),
        ),
        release(
            3,
            "v2.0.0-beta.1",
            goreleaser_release("hello", "2.0.0-beta.1", &[HOST_PLATFORM], &["6.0"], &author),
        ),
    ]);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &author.public_key(), &[]);

    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        github.clear_calls();
        let project = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "~> 1.0");
        let output = project.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        // ~> 1.0 picks 1.1.0 (protocol 6): the newer 2.0.0-beta.1 is a prerelease.
        let executable = project
            .installed_executable(SOURCE, "1.1.0", "hello")
            .unwrap_or_default();
        assert!(
            executable.contains("hello 1.1.0 for linux_amd64"),
            "{version}: {}",
            describe(&output)
        );
        let calls = github.calls();
        assert!(calls
            .iter()
            .filter(|c| c.host == "api")
            .all(|c| c.authorization.is_some()));
        assert!(calls
            .iter()
            .filter(|c| c.host == "downloads")
            .all(|c| c.authorization.is_none()));
        let cold_downloads = download_count(&github);
        println!(
            "{version}: terraform init cost {} GitHub API calls and {cold_downloads} downloads",
            calls.iter().filter(|c| c.host == "api").count()
        );

        let lock = project.lock_file().expect("lock");
        project.clean();
        github.clear_calls();
        let again = project.init(&binary);
        assert!(again.status.success(), "{version}: {}", describe(&again));
        assert_eq!(
            project.lock_file().as_deref(),
            Some(lock.as_str()),
            "{version}"
        );
        // Warm: the releases' signatures were checked before (by the first binary, for the
        // second binary's cold round too); only terraform's own three downloads (package,
        // SHA256SUMS, signature) reach GitHub's asset host.
        assert_eq!(
            download_count(&github),
            3,
            "{version}: {:#?}\n{}",
            github.calls(),
            wharf.log().join("\n")
        );
        assert!(cold_downloads >= 3, "{version}");
    }
    // wharf-host's access log says which requests carried a token (Spin writes none).
    if wharf.runner().is_spin() {
        return;
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = wharf.log().join("\n");
    assert!(log.contains("provider-registry auth=none"), "{log}");
}

#[test]
fn a_release_signed_by_another_key_is_not_offered_and_terraform_shows_why() {
    let author = Author::new("author@example.org", "rsa3072");
    let stranger = Author::new("stranger@example.org", "rsa3072");
    let github = github_with_provider(vec![
        release(
            1,
            "v1.0.0",
            goreleaser_release("hello", "1.0.0", &[HOST_PLATFORM], &["5.0"], &author),
        ),
        release(
            2,
            "v1.1.0",
            goreleaser_release("hello", "1.1.0", &[HOST_PLATFORM], &["5.0"], &stranger),
        ),
    ]);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &author.public_key(), &[]);
    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let pinned = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "1.1.0");
        let output = pinned.init(&binary);
        assert!(!output.status.success(), "{version}: {}", describe(&output));
        let text = terraform_says(&output);
        assert!(
            text.contains("no available releases match the given constraints"),
            "{version}: {text}"
        );
        assert!(
            text.contains(&format!(
                "acme/hello 1.1.0 is not offered: SHA256SUMS.sig was made by key {}",
                stranger.key_id()
            )),
            "{version}: {text}"
        );
        assert!(pinned
            .installed_executable(SOURCE, "1.1.0", "hello")
            .is_none());

        let newest_good = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "~> 1.0");
        let output = newest_good.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        assert!(
            newest_good
                .installed_executable(SOURCE, "1.0.0", "hello")
                .is_some(),
            "{version}"
        );
    }
    let log = wharf.log().join("\n");
    assert!(
        log.contains("acme/hello 1.1.0 is not offered: SHA256SUMS.sig was made by key"),
        "{log}"
    );
}

#[test]
fn a_missing_platform_and_a_wrong_token_fail_with_terraforms_own_errors() {
    let application = Application::new();
    let author = Author::new("author@example.org", "rsa3072");
    application.pack_release("1.0.0", &["darwin_arm64"], &author);
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&application, state.path());
    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "1.0.0");
        let output = project.init(&binary);
        assert!(!output.status.success(), "{version}: {}", describe(&output));
        let text = terraform_says(&output);
        assert!(
            text.contains(&format!("{SOURCE} v1.0.0 does not have a package available for your current platform, linux_amd64")),
            "{version}: {text}"
        );

        let intruder =
            ProviderProject::from_registry(wharf.address, "not-the-token-0123456", SOURCE, "1.0.0");
        let output = intruder.init(&binary);
        assert!(!output.status.success(), "{version}: {}", describe(&output));
        let text = terraform_says(&output);
        assert!(
            text.contains("host registry.test rejected the given authentication credentials"),
            "{version}: {text}"
        );
        assert!(intruder.lock_file().is_none());
    }
}

/// Terraform before 1.6 reads RSA, DSA and ECDSA keys only; with an Ed25519 key it refuses
/// every provider ("unsupported feature: public key type: 22"). wharf tells such a Terraform why
/// before it fails, and newer Terraform installs the provider.
#[test]
fn an_ed25519_signed_provider_installs_on_new_terraform_and_old_terraform_is_told_why() {
    let application = Application::new();
    let author = Author::new("author@example.org", "ed25519");
    application.pack_release("1.0.0", &[HOST_PLATFORM], &author);
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&application, state.path());
    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "1.0.0");
        let output = project.init(&binary);
        let text = terraform_says(&output);
        let old = ["v1.0.", "v1.1.", "v1.2.", "v1.3.", "v1.4.", "v1.5."]
            .iter()
            .any(|prefix| version.contains(prefix));
        if old {
            assert!(!output.status.success(), "{version}: {text}");
            assert!(
                text.contains("unsupported feature: public key type: 22"),
                "{version}: {text}"
            );
            assert!(
                text.contains(&format!(
                    "acme/hello 1.0.0: key {} is EdDSALegacy: Terraform before 1.6 cannot read it",
                    author.key_id()
                )),
                "{version}: {text}"
            );
        } else {
            assert!(output.status.success(), "{version}: {text}");
            assert!(
                !text.contains("Terraform before 1.6"),
                "{version}: no warning for it: {text}"
            );
        }
    }
}

#[test]
fn a_lock_file_recording_another_package_is_enforced() {
    let application = Application::new();
    let author = Author::new("author@example.org", "rsa3072");
    application.pack_release("1.0.0", &[HOST_PLATFORM], &author);
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&application, state.path());
    let binary = &terraform_binaries()[0];
    let project = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "1.0.0");
    let output = project.init(binary);
    assert!(output.status.success(), "{}", describe(&output));
    let lock = project.lock_file().expect("lock");
    // Another package was recorded for 1.0.0: wharf's must not be accepted in its place.
    let mut forged = String::new();
    for line in lock.lines() {
        if line.trim_start().starts_with("\"h1:") || line.trim_start().starts_with("\"zh:") {
            continue;
        }
        forged.push_str(line);
        forged.push('\n');
        if line.trim_start().starts_with("hashes = [") {
            forged.push_str(&format!("    \"zh:{}\",\n", "0".repeat(64)));
        }
    }
    project.clean();
    project.write_lock_file(&forged);
    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let output = project.init(&binary);
        assert!(!output.status.success(), "{version}: {}", describe(&output));
        let text = terraform_says(&output);
        assert!(
            text.contains("doesn't match any of the checksums previously recorded in the dependency lock file"),
            "{version}: {text}"
        );
        project.clean();
    }
}

#[test]
fn download_urls_are_signed_short_lived_and_refuse_tampering() {
    let application = Application::new();
    let author = Author::new("author@example.org", "rsa3072");
    application.pack_release("1.0.0", &[HOST_PLATFORM], &author);
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&application, state.path());
    let bearer = format!("Bearer {TOKEN}");
    let auth = [("Authorization", bearer.as_bytes())];
    let download = wharf.get_with("/v1/providers/acme/hello/1.0.0/download/linux/amd64", &auth);
    assert_eq!(download.status, 200, "{}", download.text());
    assert_eq!(download.header("content-type"), Some("application/json"));
    let document: serde_json::Value = serde_json::from_slice(&download.body).expect("JSON");
    let archive_url = document["download_url"]
        .as_str()
        .expect("download_url")
        .to_owned();
    let sums_url = document["shasums_url"]
        .as_str()
        .expect("shasums_url")
        .to_owned();
    assert!(archive_url.starts_with("/provider-downloads/files/acme/hello/1.0.0/terraform-provider-hello_1.0.0_linux_amd64.zip?expires="), "{archive_url}");

    let archive = wharf.get(&archive_url);
    assert_eq!(archive.status, 200, "{}", archive.text());
    assert_eq!(archive.header("content-type"), Some("application/zip"));
    assert_eq!(
        end_to_end::providers::sha256_hex(&archive.body),
        document["shasum"].as_str().expect("shasum")
    );
    let sums = wharf.get(&sums_url);
    assert_eq!(sums.status, 200);
    assert!(sums
        .text()
        .contains(document["shasum"].as_str().expect("shasum")));
    let head = wharf.send("HEAD", &archive_url, &[], b"");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length").map(str::to_owned),
        Some(archive.body.len().to_string())
    );

    let (path, query) = archive_url.split_once('?').expect("query");
    let reordered: Vec<&str> = query.split('&').rev().collect();
    assert_eq!(
        wharf.get(&format!("{path}?{}", reordered.join("&"))).status,
        200
    );
    let unsigned = wharf.get(path);
    assert_eq!(unsigned.status, 403, "{}", unsigned.text());
    assert!(
        unsigned.text().contains("lacks the 'expires' parameter"),
        "{}",
        unsigned.text()
    );
    let other_file = wharf.get(&archive_url.replace("linux_amd64.zip", "SHA256SUMS"));
    assert_eq!(
        other_file.status, 403,
        "a signature covers its own path only"
    );
    let expired = wharf.get(&format!("{path}?expires=1&signature={}", "0".repeat(64)));
    assert_eq!(expired.status, 403);
    // An operator with credentials may fetch without a signature, but only release files.
    assert_eq!(wharf.get_with(path, &auth).status, 200);
    let key_file = wharf.get_with(
        "/provider-downloads/files/acme/hello/1.0.0/..%2f..%2fsigning-keys.asc",
        &auth,
    );
    assert_eq!(key_file.status, 400, "{}", key_file.text());
    assert!(
        key_file.text().contains("encoded '/'"),
        "{}",
        key_file.text()
    );
    let wrong_token = wharf.get_with(path, &[("Authorization", b"Bearer not-the-token-0123456")]);
    assert_eq!(wrong_token.status, 401);
}

#[test]
fn malformed_and_unknown_requests_get_precise_answers() {
    let application = Application::new();
    let author = Author::new("author@example.org", "rsa3072");
    application.pack_release("1.0.0", &[HOST_PLATFORM], &author);
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&application, state.path());
    let bearer = format!("Bearer {TOKEN}");
    let auth = [("Authorization", bearer.as_bytes())];
    for (path, status, reason) in [
        (
            "/v1/providers/acme/hello/versions",
            200,
            "\"version\":\"1.0.0\"",
        ),
        (
            "/v1/providers/ACME/hello/versions",
            200,
            "\"version\":\"1.0.0\"",
        ),
        (
            "/v1/providers/acme/nothing/versions",
            404,
            "unknown provider acme/nothing",
        ),
        (
            "/v1/providers/ac_me/hello/versions",
            400,
            "invalid provider namespace 'ac_me'",
        ),
        (
            "/v1/providers/acme/hello/1.0.0~rc1/download/linux/amd64",
            400,
            "invalid provider version '1.0.0~rc1'",
        ),
        (
            "/v1/providers/acme/hello/1.0.0+build/download/linux/amd64",
            404,
            "has no version 1.0.0+build",
        ),
        (
            "/v1/providers/acme/hello/9.9.9/download/linux/amd64",
            404,
            "has no version 9.9.9",
        ),
        (
            "/v1/providers/acme/hello/1.0.0/download/linux/arm64",
            404,
            "has no package for linux_arm64",
        ),
        (
            "/v1/providers/acme/hello/1.0.0/download/Linux/amd64",
            400,
            "invalid platform os 'Linux'",
        ),
        (
            "/v1/providers/acme/hello",
            404,
            "no such provider registry endpoint",
        ),
        (
            "/mirror/v1/registry.terraform.io/hashicorp/null/index.json",
            404,
            "is not mirrored here",
        ),
        (
            "/mirror/v1/../hashicorp/null/index.json",
            400,
            "'.' or '..' segment",
        ),
    ] {
        let response = wharf.get_with(path, &auth);
        assert_eq!(response.status, status, "{path}: {}", response.text());
        assert!(
            response.text().contains(reason),
            "{path}: {}",
            response.text()
        );
    }
    // Without credentials nothing is revealed, not even which paths exist.
    for path in [
        "/v1/providers/acme/hello/versions",
        "/v1/providers/anything",
        "/mirror/v1/x",
    ] {
        let response = wharf.get(path);
        assert_eq!(response.status, 401, "{path}");
        assert!(response.header("www-authenticate").is_some());
    }
    let post = wharf.send("POST", "/v1/providers/acme/hello/versions", &auth, b"");
    assert_eq!(post.status, 405);
}

#[test]
fn github_failures_serve_what_wharf_knew_or_a_retryable_error_and_owners_outside_allowed_owners_do_not_exist(
) {
    let author = Author::new("author@example.org", "rsa3072");
    let github = github_with_provider(vec![release(
        1,
        "v1.0.0",
        goreleaser_release("hello", "1.0.0", &[HOST_PLATFORM], &["5.0"], &author),
    )]);
    github.add_repository(
        "outsiders/terraform-provider-hello",
        FakeRepository {
            private: false,
            ..Default::default()
        },
    );
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &author.public_key(), &[]);
    let bearer = format!("Bearer {TOKEN}");
    let auth = [("Authorization", bearer.as_bytes())];
    let outsider = wharf.get_with("/v1/providers/outsiders/hello/versions", &auth);
    assert_eq!(outsider.status, 404, "{}", outsider.text());
    assert!(
        github
            .calls()
            .iter()
            .all(|call| !call.path.contains("outsiders")),
        "never asked"
    );

    let fresh = wharf.get_with("/v1/providers/acme/hello/versions", &auth);
    assert_eq!(fresh.status, 200, "{}", fresh.text());
    assert_eq!(fresh.header("warning"), None);
    let (host_os, host_arch) = HOST_PLATFORM.split_once('_').expect("os_arch");
    let download_path = format!("/v1/providers/acme/hello/1.0.0/download/{host_os}/{host_arch}");

    // GitHub fails after wharf has seen the provider: its copy stands in, marked stale.
    github.fail(Some(GitHubFailure::ServerError));
    // Past the fresh window: GitHub must be asked to confirm what wharf knows.
    std::thread::sleep(REVALIDATE_AFTER);
    let stale = wharf.get_with("/v1/providers/acme/hello/versions", &auth);
    assert_eq!(stale.status, 200, "{}", stale.text());
    assert_eq!(stale.text(), fresh.text());
    assert!(stale.header("warning").is_some(), "{:?}", stale.headers);
    let download = wharf.get_with(&download_path, &auth);
    assert_eq!(download.status, 200, "{}", download.text());
    assert!(
        download.header("warning").is_some(),
        "{:?}",
        download.headers
    );
    assert!(
        wharf.log().iter().any(
            |line| line.contains("serving the releases of acme/terraform-provider-hello stale")
        ),
        "{:#?}",
        wharf.log()
    );

    // Rate-limited for a provider wharf never saw: nothing stands in, and the client is told
    // when to retry.
    github.fail(Some(GitHubFailure::RateLimited {
        reset_in: Duration::from_secs(120),
    }));
    let limited = wharf.get_with("/v1/providers/acme/other/versions", &auth);
    assert_eq!(limited.status, 503, "{}", limited.text());
    assert!(limited.header("retry-after").is_some());
    assert!(
        limited
            .text()
            .contains("no earlier copy of the releases of acme/terraform-provider-other"),
        "{}",
        limited.text()
    );
    github.fail(None);
}

#[test]
fn provider_repository_template_maps_providers_to_other_repositories() {
    let author = Author::new("author@example.org", "rsa3072");
    let github = FakeGitHub::start();
    github.add_repository(
        "platform/tf-acme-hello",
        FakeRepository {
            private: true,
            ..Default::default()
        },
    );
    github.add_release(
        "platform/tf-acme-hello",
        release(
            7,
            "v3.1.0",
            goreleaser_release("hello", "3.1.0", &[HOST_PLATFORM], &["5.0"], &author),
        ),
    );
    github.add_token(GITHUB_TOKEN);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(
        &github,
        state.path(),
        &author.public_key(),
        &[
            (
                "provider_repository_template",
                "platform/tf-{namespace}-{type}",
            ),
            // The owner wharf reads is the template's, not the namespace.
            ("allowed_owners", "platform"),
        ],
    );
    let project = ProviderProject::from_registry(wharf.address, TOKEN, SOURCE, "~> 3.0");
    let output = project.init(&terraform_binaries()[0]);
    assert!(output.status.success(), "{}", describe(&output));
    assert!(project
        .installed_executable(SOURCE, "3.1.0", "hello")
        .is_some());
}

/// `make run` serves the repository's sample registry: its provider installs as published.
#[test]
fn the_sample_provider_installs_from_the_repository_registry() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &end_to_end::wharf_host::wharf_manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    );
    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project = ProviderProject::from_registry(
            wharf.address,
            TOKEN,
            "registry.test/wharf/hello",
            "~> 1.0",
        );
        let output = project.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        let executable = project
            .installed_executable("registry.test/wharf/hello", "1.0.0", "hello")
            .unwrap_or_default();
        assert!(
            executable.contains("wharf/hello is a sample package"),
            "{version}: {executable}"
        );
    }
}
