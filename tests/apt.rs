//! The APT repository end to end with the real apt client: the sample registry (files origin),
//! and packages published as GitHub Release assets, indexed by `wharf apt index` onto the
//! `apt-metadata` branch of the fake GitHub.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use end_to_end::apt::{build_deb, describe, AptClient};
use end_to_end::fake_github::{
    CallCounts, FakeGitHub, FakeRepository, GitHubFailure, REVALIDATE_AFTER,
};
use end_to_end::github_fixtures::{keygen, release_with, wharf_cli, AptPublisher};
use end_to_end::paths::repository_root;
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;

const USER: &str = "fleet";
const PASSWORD: &str = "apt-password-0123";
const SIGNING_KEY: &str = "apt-test-url-signing-key-0123";
const GITHUB_TOKEN: &str = "ghp_aptfakefakefakefakefakefakefakefake01";

fn sha256_of(path: &Path) -> String {
    let output = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

fn files_wharf(state: &Path) -> WharfHost {
    WharfHost::start(
        &wharf_manifest(),
        state,
        &[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
        ],
    )
}

#[test]
fn apt_installs_from_the_sample_repository() {
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(state.path());
    let public_key = wharf.get("/public.key");
    assert_eq!(public_key.status, 200, "public.key is public");
    let apt = AptClient::new(wharf.address, &public_key.body, USER, PASSWORD);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert!(
        !String::from_utf8_lossy(&update.stderr).contains("W:"),
        "{}",
        describe(&update)
    );
    assert_eq!(apt.candidate("hello-wharf").as_deref(), Some("1.0.0"));
    let download = apt.download("hello-wharf");
    assert!(download.status.success(), "{}", describe(&download));
    assert_eq!(
        sha256_of(&apt.downloaded("hello-wharf_1.0.0_all.deb")),
        sha256_of(
            &repository_root()
                .join("registry/apt/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb")
        )
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = wharf.log().join("\n");
    assert!(
        log.contains("/by-hash/SHA512/"),
        "apt used by-hash (the strongest hash listed):\n{log}"
    );
    assert!(!log.contains(PASSWORD), "{log}");
}

#[test]
fn a_wrong_password_fails_apt_get_update() {
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(state.path());
    let public_key = wharf.get("/public.key");
    let apt = AptClient::new(wharf.address, &public_key.body, USER, "not-the-password");
    let update = apt.update();
    let text = describe(&update);
    assert!(!update.status.success() || text.contains("401"), "{text}");
    assert!(text.contains("401"), "{text}");
    assert_eq!(apt.candidate("hello-wharf"), None);
}

#[test]
fn metadata_revalidates_and_packages_resume() {
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(state.path());
    let authorization = basic();
    let auth = [("Authorization", authorization.as_bytes())];

    let release = wharf.get_with("/dists/stable/InRelease", &auth);
    assert_eq!(release.status, 200);
    assert!(release
        .text()
        .starts_with("-----BEGIN PGP SIGNED MESSAGE-----"));
    let last_modified = release
        .header("last-modified")
        .expect("Last-Modified")
        .to_owned();
    let since = [
        ("Authorization", authorization.as_bytes()),
        ("If-Modified-Since", last_modified.as_bytes()),
    ];
    assert_eq!(
        wharf.get_with("/dists/stable/InRelease", &since).status,
        304
    );
    assert_eq!(
        wharf.get_with("/dists/stable/nothing-here", &auth).status,
        404
    );
    assert_eq!(
        wharf
            .get_with("/dists/stable/main/binary-amd64/Packages.gz", &auth)
            .header("content-type"),
        Some("application/gzip")
    );

    let package = "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb";
    let whole = wharf.get_with(package, &auth);
    assert_eq!(whole.status, 200);
    let ranged = wharf.get_with(
        package,
        &[
            ("Authorization", authorization.as_bytes()),
            ("Range", b"bytes=100-"),
        ],
    );
    assert_eq!(ranged.status, 206);
    assert_eq!(ranged.body, whole.body[100..].to_vec());
    assert_eq!(
        ranged.header("content-range"),
        Some(format!("bytes 100-{}/{}", whole.body.len() - 1, whole.body.len()).as_str())
    );
    let head = wharf.send("HEAD", package, &auth, b"");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(whole.body.len().to_string().as_str())
    );
    assert_eq!(wharf.get(package).status, 401, "packages need credentials");
    assert_eq!(
        wharf.get_with("/pool/main/../../etc/passwd", &auth).status,
        404
    );
}

#[test]
fn apt_installs_release_assets_through_the_github_origin_and_sees_new_releases() {
    let publisher = AptPublisher::new("acme/tools", GITHUB_TOKEN);
    let work = publisher.work.path();
    let github = FakeGitHub::start();
    github.add_repository(
        "acme/tools",
        FakeRepository {
            private: true,
            ..Default::default()
        },
    );
    github.add_token(GITHUB_TOKEN);
    let first = build_deb(work, "acme-tool", "1.0.0", "amd64", 200_000);
    github.add_release("acme/tools", release_with(1, "v1.0.0", &first));
    publisher.publish(&github, &"a".repeat(40));

    let state = tempfile::tempdir().expect("state");
    let api_url = github.api_url();
    let downloads = github.downloads_url();
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("origin", "github"),
            ("github_api_url", &api_url),
            ("github_asset_host", &downloads),
            ("github_token", GITHUB_TOKEN),
            ("allowed_owners", "acme"),
            ("apt_repo", "acme/tools"),
            ("apt_branch", "apt-metadata"),
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let public_key = wharf.get("/public.key");
    assert_eq!(public_key.status, 200, "{}", public_key.text());
    let apt = AptClient::new(wharf.address, &public_key.body, USER, PASSWORD);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert_eq!(apt.candidate("acme-tool").as_deref(), Some("1.0.0"));
    let download = apt.download("acme-tool");
    assert!(download.status.success(), "{}", describe(&download));
    assert_eq!(
        sha256_of(&apt.downloaded("acme-tool_1.0.0_amd64.deb")),
        sha256_of(&first)
    );
    assert!(
        github
            .calls()
            .iter()
            .filter(|call| call.host == "downloads")
            .all(|call| call.authorization.is_none()),
        "the asset host never sees the token"
    );

    // A new release, a re-index that downloads only the new asset, a new commit on the branch.
    let second = build_deb(work, "acme-tool", "1.1.0", "amd64", 200_000);
    github.add_release("acme/tools", release_with(2, "v1.1.0", &second));
    github.clear_calls();
    let reindexed = publisher.index(&github);
    assert!(reindexed.status.success(), "{}", describe(&reindexed));
    let summary = String::from_utf8_lossy(&reindexed.stdout);
    assert!(
        summary.contains("1 downloaded, 1 known from earlier runs"),
        "{summary}"
    );
    let asset_downloads = github
        .calls()
        .iter()
        .filter(|call| call.host == "downloads")
        .count();
    assert_eq!(asset_downloads, 1, "only the new asset is downloaded");
    publisher.commit(&github, &"b".repeat(40));

    // wharf trusts a resolved branch head for 10 s before asking GitHub again.
    std::thread::sleep(REVALIDATE_AFTER);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert_eq!(apt.candidate("acme-tool").as_deref(), Some("1.1.0"));
    let download = apt.download("acme-tool");
    assert!(download.status.success(), "{}", describe(&download));
    assert_eq!(
        sha256_of(&apt.downloaded("acme-tool_1.1.0_amd64.deb")),
        sha256_of(&second)
    );

    let authorization = basic();
    let ranged = wharf.get_with(
        "/pool/github/acme/tools/v1.1.0/acme-tool_1.1.0_amd64.deb",
        &[
            ("Authorization", authorization.as_bytes()),
            ("Range", b"bytes=100-599"),
        ],
    );
    assert_eq!(ranged.status, 206, "{}", ranged.text());
    assert_eq!(
        ranged.body,
        std::fs::read(&second).expect("deb")[100..600].to_vec()
    );

    // Rate-limited: what wharf saw stands in, marked stale; what it never saw is a 503.
    github.fail(Some(GitHubFailure::RateLimited {
        reset_in: std::time::Duration::from_secs(120),
    }));
    std::thread::sleep(REVALIDATE_AFTER);
    let auth = [("Authorization", authorization.as_bytes())];
    let stale = wharf.get_with("/dists/stable/InRelease", &auth);
    assert_eq!(stale.status, 200, "{}", stale.text());
    assert_eq!(
        stale.header("warning"),
        Some("110 - \"Response is Stale\""),
        "{:?}",
        stale.headers
    );
    assert!(stale
        .header("age")
        .and_then(|age| age.parse::<u64>().ok())
        .is_some_and(|age| age >= 11));
    let limited = wharf.get_with(
        "/pool/github/acme/tools/v9.9.9/acme-tool_9.9.9_amd64.deb",
        &auth,
    );
    assert_eq!(limited.status, 503, "{}", limited.text());
    assert!(limited.header("retry-after").is_some());
    assert!(
        limited.text().contains("rate limit"),
        "apt retries only when the error has a body: {}",
        limited.text()
    );
}

#[test]
fn the_index_builder_names_a_corrupt_deb_and_fails_or_skips_it() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path());
    let debs = work.path().join("debs");
    std::fs::create_dir(&debs).expect("debs");
    build_deb(&debs, "good", "1.0", "amd64", 1000);
    std::fs::write(debs.join("broken_1.0_amd64.deb"), b"!<arch>\nnot really").expect("corrupt");
    let output = work.path().join("repo");
    let from_dir = debs.to_str().expect("utf-8");
    let args = |skip: bool| {
        let mut args = vec![
            "apt",
            "index",
            "--output",
            output.to_str().expect("utf-8"),
            "--from-dir",
            from_dir,
            "--signing-key",
            key.to_str().expect("utf-8"),
        ];
        if skip {
            args.push("--skip-corrupt");
        }
        args.iter().map(|arg| arg.to_string()).collect::<Vec<_>>()
    };
    let failed = wharf_cli(
        &args(false).iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    assert!(!failed.status.success());
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("broken_1.0_amd64.deb"),
        "{}",
        describe(&failed)
    );
    assert!(
        !output.join("dists/stable/InRelease").exists(),
        "nothing half-published"
    );

    let skipped = wharf_cli(
        &args(true).iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    assert!(skipped.status.success(), "{}", describe(&skipped));
    assert!(String::from_utf8_lossy(&skipped.stderr).contains("broken_1.0_amd64.deb"));
    let packages = std::fs::read_to_string(output.join("dists/stable/main/binary-amd64/Packages"))
        .expect("Packages");
    assert!(packages.contains("Package: good"));
    assert!(!packages.contains("broken"));
    // gpgv (what apt verifies with) accepts the InRelease signature with public.key.
    let keyring = work.path().join("keyring.gpg");
    let dearmor = Command::new("gpg")
        .args(["--batch", "--yes", "--dearmor", "-o"])
        .arg(&keyring)
        .arg(output.join("public.key"))
        .output()
        .expect("gpg --dearmor");
    assert!(dearmor.status.success(), "{}", describe(&dearmor));
    let verified = Command::new("gpgv")
        .arg("--keyring")
        .arg(&keyring)
        .arg(output.join("dists/stable/InRelease"))
        .output()
        .expect("gpgv");
    assert!(verified.status.success(), "{}", describe(&verified));
}

/// Issue 12 must 4: once wharf has served the repository, `apt-get update` and a package
/// download cost GitHub no call that returns a body: within the fresh window no call at all,
/// after it only conditional requests answered 304. (apt-get download fetches the package the
/// way apt-get install does, without needing root to unpack it.)
#[test]
fn a_warm_apt_get_update_and_download_cost_github_no_call_that_returns_a_body() {
    let publisher = AptPublisher::new("acme/tools", GITHUB_TOKEN);
    let github = FakeGitHub::start();
    github.add_repository(
        "acme/tools",
        FakeRepository {
            private: true,
            ..Default::default()
        },
    );
    github.add_token(GITHUB_TOKEN);
    let deb = build_deb(
        publisher.work.path(),
        "acme-tool",
        "1.0.0",
        "amd64",
        200_000,
    );
    github.add_release("acme/tools", release_with(1, "v1.0.0", &deb));
    publisher.publish(&github, &"c".repeat(40));
    let state = tempfile::tempdir().expect("state");
    let api_url = github.api_url();
    let downloads = github.downloads_url();
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("origin", "github"),
            ("github_api_url", &api_url),
            ("github_asset_host", &downloads),
            ("github_token", GITHUB_TOKEN),
            ("allowed_owners", "acme"),
            ("apt_repo", "acme/tools"),
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    // Each round is a machine that has never seen the repository.
    let round = |name: &str| {
        github.clear_calls();
        let public_key = wharf.get("/public.key");
        assert_eq!(public_key.status, 200, "{}", public_key.text());
        let apt = AptClient::new(wharf.address, &public_key.body, USER, PASSWORD);
        let update = apt.update();
        assert!(update.status.success(), "{name}: {}", describe(&update));
        let download = apt.download("acme-tool");
        assert!(download.status.success(), "{name}: {}", describe(&download));
        assert_eq!(
            sha256_of(&apt.downloaded("acme-tool_1.0.0_amd64.deb")),
            sha256_of(&deb)
        );
        let counts = github.call_counts();
        println!("apt-get update + download, {name}: {counts}");
        counts
    };

    let cold = round("cold");
    assert_eq!(
        cold.api_with_body, 5,
        "branch, public.key, InRelease, Packages, release: {cold}"
    );
    assert_eq!(cold.downloads, 1, "the package, once: {cold}");

    let within_window = round("warm, within the fresh window");
    assert_eq!(within_window, CallCounts::default(), "all from key-value");

    std::thread::sleep(REVALIDATE_AFTER);
    let revalidated = round("warm, revalidated");
    assert_eq!(revalidated.with_body(), 0, "{revalidated}");
    assert_eq!(
        revalidated.api_not_modified, 2,
        "the warm path asked GitHub about the branch and the release, conditionally"
    );
    assert_eq!(revalidated.other, 0, "{revalidated}");
}

/// `apt_repo` is read through the same `allowed_owners` check as everything else: an owner
/// outside the list is the operator's mistake, reported in the log, and nothing is read.
#[test]
fn an_apt_repo_outside_allowed_owners_is_refused_and_logged() {
    let github = FakeGitHub::start();
    github.add_repository("acme/tools", FakeRepository::default());
    let state = tempfile::tempdir().expect("state");
    let api_url = github.api_url();
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("origin", "github"),
            ("github_api_url", &api_url),
            ("allowed_owners", "homelab"),
            ("apt_repo", "acme/tools"),
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let refused = wharf.get("/public.key");
    assert_eq!(refused.status, 500, "{}", refused.text());
    assert!(
        refused.text().contains("misconfigured"),
        "{}",
        refused.text()
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        wharf.log().iter().any(|line| line
            .contains("apt_repo 'acme/tools': GitHub owner 'acme' is not in allowed_owners")),
        "{:#?}",
        wharf.log()
    );
    assert!(github.calls().is_empty(), "{:?}", github.calls());
}
