//! The APT repository end to end with the real apt client: the sample registry (files origin),
//! and packages published as GitHub Release assets, indexed by `wharf apt index` onto the
//! `apt-metadata` branch of the fake GitHub.

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use end_to_end::apt::{build_deb, describe, AptClient, DebContents};
use end_to_end::fake_github::{
    CallCounts, FakeAsset, FakeGitHub, FakeRelease, FakeRepository, GitHubFailure, REVALIDATE_AFTER,
};
use end_to_end::files_origin::manifest_serving;
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
    if let Some(request_log) = wharf.request_log() {
        let log = request_log.join("\n");
        assert!(
            log.contains("/by-hash/SHA512/"),
            "apt used by-hash (the strongest hash listed):\n{log}"
        );
    }
    let log = wharf.log().join("\n");
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
    let directory = wharf.get_with("/dists/stable/main", &auth);
    assert_eq!(directory.status, 404, "a directory is not a file");
    assert_eq!(directory.text(), "dists/stable/main does not exist\n");
    // Dated by the suite's Release, whose Date is read from its first lines only (the sample
    // Release is longer than what is read of it).
    let sample_release =
        std::fs::metadata(repository_root().join("registry/apt/dists/stable/Release"))
            .expect("the sample Release");
    assert!(sample_release.len() > debian::RELEASE_DATE_WITHIN as u64);
    assert_eq!(
        wharf
            .get_with("/dists/stable/main/binary-amd64/Packages", &auth)
            .header("last-modified"),
        Some(last_modified.as_str())
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
    let traversal = wharf.get_with("/pool/main/../../etc/passwd", &auth);
    assert_eq!(traversal.status, 400, "{}", traversal.text());
    assert_eq!(
        traversal.text(),
        "the request path has a '.' or '..' segment\n"
    );
}

/// `acme/tools`, private, readable with `GITHUB_TOKEN`.
fn github_with_tools_repository() -> FakeGitHub {
    let github = FakeGitHub::start();
    github.add_repository(
        "acme/tools",
        FakeRepository {
            private: true,
            ..Default::default()
        },
    );
    github.add_token(GITHUB_TOKEN);
    github
}

/// wharf serving the APT metadata on the `apt-metadata` branch of `acme/tools` and the packages
/// attached to its releases.
fn github_apt_wharf(github: &FakeGitHub, state: &Path) -> WharfHost {
    let api_url = github.api_url();
    let downloads = github.downloads_url();
    WharfHost::start(
        &wharf_manifest(),
        state,
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
    )
}

/// An apt client that trusts the key wharf publishes (public) and logs in as `USER`.
fn apt_client(wharf: &WharfHost) -> AptClient {
    let public_key = wharf.get("/public.key");
    assert_eq!(public_key.status, 200, "{}", public_key.text());
    AptClient::new(wharf.address, &public_key.body, USER, PASSWORD)
}

#[test]
fn apt_installs_release_assets_through_the_github_origin_and_sees_new_releases() {
    let publisher = AptPublisher::new("acme/tools", GITHUB_TOKEN);
    let work = publisher.work.path();
    let github = github_with_tools_repository();
    let first = build_deb(work, "acme-tool", "1.0.0", "amd64", 200_000);
    github.add_release("acme/tools", release_with(1, "v1.0.0", &first));
    publisher.publish(&github, &"a".repeat(40));

    let state = tempfile::tempdir().expect("state");
    let wharf = github_apt_wharf(&github, state.path());
    let apt = apt_client(&wharf);
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
    let github = github_with_tools_repository();
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
    let wharf = github_apt_wharf(&github, state.path());
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

/// `wharf apt index --output OUTPUT --from-dir DIR… --signing-key KEY EXTRA…`.
fn index_directories(output: &Path, key: &Path, directories: &[&Path], extra: &[&str]) -> Output {
    let mut args = vec![
        "apt".to_owned(),
        "index".to_owned(),
        "--output".to_owned(),
        output.display().to_string(),
        "--signing-key".to_owned(),
        key.display().to_string(),
    ];
    for directory in directories {
        args.push("--from-dir".to_owned());
        args.push(directory.display().to_string());
    }
    args.extend(extra.iter().map(|arg| arg.to_string()));
    wharf_cli(&args.iter().map(String::as_str).collect::<Vec<_>>(), &[])
}

/// A field of the published `dists/stable/Release`.
fn release_field(output: &Path, field: &str) -> String {
    let release =
        std::fs::read_to_string(output.join("dists/stable/Release")).expect("Release written");
    release
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}: ")))
        .unwrap_or_else(|| panic!("Release has no {field}:\n{release}"))
        .to_owned()
}

/// wharf serving `registry` (holding `apt/…`) through the files origin.
fn serve_registry(registry: &Path, state: &Path) -> WharfHost {
    WharfHost::start(
        &manifest_serving(registry),
        state,
        &[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
        ],
    )
}

/// Sets every file's modification time to the same instant, as a deploy that copies files
/// into an image (or a git checkout in CI) may do.
fn normalise_file_times(directory: &Path) {
    let instant = std::time::UNIX_EPOCH + std::time::Duration::from_secs(978_307_200);
    for entry in std::fs::read_dir(directory)
        .expect("read dir")
        .map_while(Result::ok)
    {
        let path = entry.path();
        if path.is_dir() {
            normalise_file_times(&path);
        } else {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|file| file.set_modified(instant))
                .expect("set the file time");
        }
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn publishes_within_a_second_reach_apt_even_when_file_times_are_normalised() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path());
    let registry = work.path().join("registry");
    let output = registry.join("apt");
    let debs = work.path().join("debs");
    std::fs::create_dir(&debs).expect("debs");
    let publish = || {
        let published = index_directories(&output, &key, &[&debs], &["--architectures", "amd64"]);
        assert!(published.status.success(), "{}", describe(&published));
        normalise_file_times(&registry);
        release_field(&output, "Date")
    };

    build_deb(&debs, "first-tool", "1.0", "all", 1000);
    let first_date = publish();
    let state = tempfile::tempdir().expect("state");
    let wharf = serve_registry(&registry, state.path());
    let apt = apt_client(&wharf);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert_eq!(apt.candidate("first-tool").as_deref(), Some("1.0"));
    let authorization = basic();
    let auth = [("Authorization", authorization.as_bytes())];
    let first = wharf.get_with("/dists/stable/InRelease", &auth);
    let first_modified = first
        .header("last-modified")
        .expect("Last-Modified")
        .to_owned();
    let first_tag = first.header("etag").expect("ETag").to_owned();

    // A second publish, file times normalised again: apt revalidates with If-Modified-Since
    // (the Last-Modified of its copy) and must get the new InRelease, not a 304.
    build_deb(&debs, "second-tool", "1.0", "all", 1000);
    let second_date = publish();
    assert_ne!(second_date, first_date);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert_eq!(apt.candidate("second-tool").as_deref(), Some("1.0"));
    // Last-Modified is the Release's Date, not the (normalised) file time.
    assert_eq!(first_modified.replace("GMT", "UTC"), first_date);

    let since_first = [
        ("Authorization", authorization.as_bytes()),
        ("If-Modified-Since", first_modified.as_bytes()),
    ];
    let changed = wharf.get_with("/dists/stable/InRelease", &since_first);
    assert_eq!(changed.status, 200);
    assert_eq!(
        changed.body,
        std::fs::read(output.join("dists/stable/InRelease")).expect("InRelease")
    );
    let second_modified = changed
        .header("last-modified")
        .expect("Last-Modified")
        .to_owned();
    let second_tag = changed.header("etag").expect("ETag").to_owned();
    assert_eq!(second_modified.replace("GMT", "UTC"), second_date);
    assert_ne!(second_tag, first_tag);
    let conditional = |name: &str, value: &str| {
        wharf
            .get_with(
                "/dists/stable/InRelease",
                &[
                    ("Authorization", authorization.as_bytes()),
                    (name, value.as_bytes()),
                ],
            )
            .status
    };
    assert_eq!(conditional("If-None-Match", &first_tag), 200);
    assert_eq!(conditional("If-None-Match", &second_tag), 304);
    assert_eq!(conditional("If-Modified-Since", &second_modified), 304);
    for file in ["Release", "Release.gpg", "main/binary-amd64/Packages.xz"] {
        let response = wharf.get_with(&format!("/dists/stable/{file}"), &since_first);
        assert_eq!(response.status, 200, "{file}");
        assert_eq!(
            response.header("last-modified"),
            Some(second_modified.as_str()),
            "{file} is dated by the suite's Release"
        );
    }

    // Two publishes back to back, in the same second as often as not: the second is still
    // dated later, never in the future, and apt sees it.
    build_deb(&debs, "third-tool", "1.0", "all", 1000);
    let third_date = publish();
    let now = std::time::SystemTime::now();
    let third = wharf.get_with("/dists/stable/Release", &auth);
    let third_modified = third
        .header("last-modified")
        .expect("Last-Modified")
        .to_owned();
    assert_eq!(third_modified.replace("GMT", "UTC"), third_date);
    assert_ne!(third_date, second_date);
    let since_second = [
        ("Authorization", authorization.as_bytes()),
        ("If-Modified-Since", second_modified.as_bytes()),
    ];
    assert_eq!(
        wharf
            .get_with("/dists/stable/InRelease", &since_second)
            .status,
        200
    );
    let dated =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(release_date_seconds(&third_date));
    assert!(dated <= now, "{third_date} is not in the future");
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert_eq!(apt.candidate("third-tool").as_deref(), Some("1.0"));
}

/// Unix seconds of a Release `Date`, read with date(1), an independent parser.
fn release_date_seconds(date: &str) -> u64 {
    let output = Command::new("date")
        .args(["-u", "-d", date, "+%s"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("date cannot read {date:?}"))
}

#[test]
fn an_arm64_client_installs_from_a_repository_of_architecture_all_packages() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path());
    let registry = work.path().join("registry");
    let output = registry.join("apt");
    let debs = work.path().join("debs");
    std::fs::create_dir(&debs).expect("debs");
    let deb = build_deb(&debs, "noarch-tool", "2.0-1", "all", 5000);
    // No --architectures.
    let published = index_directories(&output, &key, &[&debs], &[]);
    assert!(published.status.success(), "{}", describe(&published));
    assert!(
        stderr(&published).contains("warning: every package is `Architecture: all`"),
        "{}",
        describe(&published)
    );
    let listed = release_field(&output, "Architectures");
    for architecture in [
        "amd64", "arm64", "armhf", "i386", "ppc64el", "s390x", "riscv64",
    ] {
        assert!(listed.split(' ').any(|a| a == architecture), "{listed}");
    }

    let state = tempfile::tempdir().expect("state");
    let wharf = serve_registry(&registry, state.path());
    let public_key = wharf.get("/public.key").body;
    let apt = AptClient::for_architecture(wharf.address, &public_key, USER, PASSWORD, "arm64");
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert!(
        !describe(&update).contains("doesn't support architecture"),
        "{}",
        describe(&update)
    );
    assert_eq!(apt.candidate("noarch-tool").as_deref(), Some("2.0-1"));
    let download = apt.download("noarch-tool");
    assert!(download.status.success(), "{}", describe(&download));
    assert_eq!(
        sha256_of(&apt.downloaded("noarch-tool_2.0-1_all.deb")),
        sha256_of(&deb)
    );
    if let Some(request_log) = wharf.request_log() {
        let log = request_log.join("\n");
        assert!(
            log.contains("/main/binary-arm64/"),
            "apt asked for the arm64 index:\n{log}"
        );
    }
}

#[test]
fn a_latin1_package_and_huge_control_fields_reach_apt_cache_show() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path());
    let registry = work.path().join("registry");
    let output = registry.join("apt");
    let debs = work.path().join("debs");
    std::fs::create_dir(&debs).expect("debs");
    let legacy = DebContents {
        control: b"Package: legacy-tool\nVersion: 1.0\nArchitecture: all\nMaintainer: Jos\xe9 M\xfcller <jose@example.invalid>\nDescription: caf\xe9 tool \xa9 2009\n Gr\xfc\xdfe aus K\xf6ln.\n",
        ..DebContents::default()
    }
    .build(&debs.join("legacy-tool_1.0_all.deb"));
    // About 900 KB of control file: a Description of 12,000 lines and a 2,000-alternative Depends.
    let mut huge = String::from("Package: huge-fields\nVersion: 1.0\nArchitecture: all\nMaintainer: Test <test@example.invalid>\nDepends: ");
    huge.push_str(
        &(0..2000)
            .map(|index| format!("virtual-dependency-{index}"))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    huge.push_str("\nDescription: a package with very large fields\n");
    for line in 0..12_000 {
        huge.push_str(&format!(
            " line {line:05} of a long description, with some words in it\n"
        ));
    }
    DebContents {
        control: huge.as_bytes(),
        ..DebContents::default()
    }
    .build(&debs.join("huge-fields_1.0_all.deb"));

    let published = index_directories(&output, &key, &[&debs], &["--architectures", "amd64"]);
    assert!(published.status.success(), "{}", describe(&published));
    assert!(
        stderr(&published).contains(&format!(
            "warning: {}: the control file is not UTF-8",
            legacy.display()
        )),
        "{}",
        describe(&published)
    );

    let state = tempfile::tempdir().expect("state");
    let wharf = serve_registry(&registry, state.path());
    let apt = apt_client(&wharf);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    let shown = apt.show("legacy-tool");
    assert!(shown.status.success(), "{}", describe(&shown));
    let text = stdout(&shown);
    assert!(
        text.contains("Maintainer: José Müller <jose@example.invalid>"),
        "{text}"
    );
    assert!(text.contains("Grüße aus Köln."), "{text}");
    let shown = apt.show("huge-fields");
    assert!(shown.status.success(), "{}", describe(&shown));
    let text = stdout(&shown);
    assert!(
        text.contains(" line 11999 of a long description"),
        "{}",
        &text[..200]
    );
    assert!(text.contains("virtual-dependency-0 | virtual-dependency-1 |"));
    assert!(text.contains("| virtual-dependency-1999\n"));
    let download = apt.download("legacy-tool");
    assert!(download.status.success(), "{}", describe(&download));
}

#[test]
fn merged_build_outputs_never_give_apt_a_size_or_hash_mismatch() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path());
    let registry = work.path().join("registry");
    let output = registry.join("apt");
    let (first, second, third) = (
        work.path().join("a"),
        work.path().join("b"),
        work.path().join("c"),
    );
    for directory in [&first, &second, &third] {
        std::fs::create_dir(directory).expect("build output");
    }
    // Two builds of bar 1.1-1 with different bytes, under the same file name.
    let bar = build_deb(&first, "bar", "1.1-1", "amd64", 1000);
    let other_bar = build_deb(&second, "bar", "1.1-1", "amd64", 1100);
    assert_ne!(sha256_of(&bar), sha256_of(&other_bar));

    let refused = index_directories(&output, &key, &[&first, &second], &[]);
    assert!(!refused.status.success(), "{}", describe(&refused));
    let message = stderr(&refused);
    for named in [
        bar.display().to_string(),
        other_bar.display().to_string(),
        "pool/main/b/bar/bar_1.1-1_amd64.deb".to_owned(),
    ] {
        assert!(message.contains(&named), "{named} is not named:\n{message}");
    }
    assert!(
        !output.join("dists/stable/InRelease").exists(),
        "nothing published"
    );
    assert!(
        !output.join("pool/main/b/bar/bar_1.1-1_amd64.deb").exists(),
        "no pool file"
    );

    // The same bytes in both outputs (plus another package) are merged into one stanza.
    std::fs::copy(&bar, &other_bar).expect("same build in both outputs");
    build_deb(&second, "baz", "2.0", "amd64", 1000);
    let merged = index_directories(&output, &key, &[&first, &second], &[]);
    assert!(merged.status.success(), "{}", describe(&merged));
    assert!(
        stdout(&merged).contains("1 duplicates merged"),
        "{}",
        describe(&merged)
    );
    let packages = std::fs::read_to_string(output.join("dists/stable/main/binary-amd64/Packages"))
        .expect("Packages");
    assert_eq!(packages.matches("Package: bar\n").count(), 1, "{packages}");

    let state = tempfile::tempdir().expect("state");
    let wharf = serve_registry(&registry, state.path());
    let apt = apt_client(&wharf);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    for (package, file, expected) in [
        ("bar", "bar_1.1-1_amd64.deb", &bar),
        (
            "baz",
            "baz_2.0_amd64.deb",
            &second.join("baz_2.0_amd64.deb"),
        ),
    ] {
        let download = apt.download(package);
        assert!(download.status.success(), "{}", describe(&download));
        assert_eq!(sha256_of(&apt.downloaded(file)), sha256_of(expected));
    }

    // A rebuild of the published bar 1.1-1 with other bytes is refused: the pool file and
    // the published index stay as apt knows them.
    let in_release = std::fs::read(output.join("dists/stable/InRelease")).expect("InRelease");
    let rebuilt = build_deb(&third, "bar", "1.1-1", "amd64", 1200);
    let refused = index_directories(&output, &key, &[&third], &[]);
    assert!(!refused.status.success(), "{}", describe(&refused));
    assert!(
        stderr(&refused).contains("already published with other contents")
            && stderr(&refused).contains(&rebuilt.display().to_string()),
        "{}",
        describe(&refused)
    );
    assert_eq!(
        std::fs::read(output.join("dists/stable/InRelease")).expect("InRelease"),
        in_release
    );
    assert_eq!(
        sha256_of(&output.join("pool/main/b/bar/bar_1.1-1_amd64.deb")),
        sha256_of(&bar)
    );
    std::fs::remove_file(apt.downloaded("bar_1.1-1_amd64.deb")).expect("remove download");
    let download = apt.download("bar");
    assert!(download.status.success(), "{}", describe(&download));
    assert_eq!(
        sha256_of(&apt.downloaded("bar_1.1-1_amd64.deb")),
        sha256_of(&bar)
    );
}

#[test]
fn one_version_in_several_github_releases_is_listed_once_and_installs() {
    let publisher = AptPublisher::new("acme/tools", GITHUB_TOKEN);
    let work = publisher.work.path();
    let index = publisher.index_directory();
    let github = github_with_tools_repository();
    let builds = |name: &str| {
        let directory = work.join(name);
        std::fs::create_dir_all(&directory).expect("build directory");
        directory
    };
    let tool = build_deb(&builds("first"), "tool", "1.0", "amd64", 1000);
    let rebuilt_tool = build_deb(&builds("nightly"), "tool", "1.0", "amd64", 1100);
    let epoch_tool = build_deb(
        &builds("epoch"),
        "libfoo++1",
        "1:2.3~rc1+dfsg-1",
        "amd64",
        1000,
    );
    let colon_asset = build_deb(&builds("colon"), "odd", "1.0", "amd64", 1000);
    let slash_tag = build_deb(&builds("slash"), "three", "3.0", "amd64", 1000);
    let asset = |id: u64, name: &str, deb: &Path| FakeAsset {
        id,
        name: name.to_owned(),
        bytes: std::fs::read(deb).expect("deb bytes"),
    };
    let release = |id: u64, tag: &str, assets: Vec<FakeAsset>| FakeRelease {
        id,
        tag: tag.to_owned(),
        assets,
    };
    // Oldest first; the fake lists them newest first, as GitHub does.
    github.add_release(
        "acme/tools",
        release(1, "v1.0", vec![asset(11, "tool_1.0_amd64.deb", &tool)]),
    );
    github.add_release(
        "acme/tools",
        release(
            2,
            "v1.0-again",
            vec![asset(21, "tool_1.0_amd64.deb", &tool)],
        ),
    );
    github.add_release(
        "acme/tools",
        release(
            3,
            "nightly",
            vec![asset(31, "tool_1.0_amd64.deb", &rebuilt_tool)],
        ),
    );
    github.add_release(
        "acme/tools",
        release(
            4,
            "v2.3",
            vec![
                asset(41, "libfoo++1_2.3~rc1+dfsg-1_amd64.deb", &epoch_tool),
                asset(42, "odd_1:1.0_amd64.deb", &colon_asset),
            ],
        ),
    );
    github.add_release(
        "acme/tools",
        release(
            5,
            "release/3.0",
            vec![asset(51, "three_3.0_amd64.deb", &slash_tag)],
        ),
    );

    let indexed = publisher.index(&github);
    assert!(indexed.status.success(), "{}", describe(&indexed));
    let warnings = stderr(&indexed);
    assert!(
        warnings.contains("tool 1.0 (amd64) in component main comes from two different files: kept asset tool_1.0_amd64.deb of release v1.0 in acme/tools")
            && warnings.contains("left out asset tool_1.0_amd64.deb of release nightly in acme/tools"),
        "{warnings}"
    );
    assert!(
        warnings.contains("leaving out asset odd_1:1.0_amd64.deb"),
        "{warnings}"
    );
    assert!(
        warnings.contains("leaving out asset three_3.0_amd64.deb of release release/3.0"),
        "{warnings}"
    );
    assert!(
        stdout(&indexed).contains("1 duplicates merged"),
        "{}",
        describe(&indexed)
    );
    let packages = std::fs::read_to_string(index.join("dists/stable/main/binary-amd64/Packages"))
        .expect("Packages");
    assert_eq!(packages.matches("Package: tool\n").count(), 1, "{packages}");
    assert!(packages.contains("Filename: pool/github/acme/tools/v1.0/tool_1.0_amd64.deb\n"));
    assert!(!packages.contains("Package: odd\n") && !packages.contains("Package: three\n"));
    publisher.commit(&github, &"c".repeat(40));

    let state = tempfile::tempdir().expect("state");
    let wharf = github_apt_wharf(&github, state.path());
    let apt = apt_client(&wharf);
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert_eq!(
        apt.candidate("libfoo++1").as_deref(),
        Some("1:2.3~rc1+dfsg-1")
    );
    for (package, file, expected) in [
        ("tool", "tool_1.0_amd64.deb", &tool),
        // apt-get download keeps the epoch in the name it saves under, quoted.
        (
            "libfoo++1",
            "libfoo++1_1%3a2.3~rc1+dfsg-1_amd64.deb",
            &epoch_tool,
        ),
    ] {
        let download = apt.download(package);
        assert!(download.status.success(), "{}", describe(&download));
        assert_eq!(sha256_of(&apt.downloaded(file)), sha256_of(expected));
    }
    // GitHub origin: InRelease is dated by its Release, whatever wharf knows of the commit.
    let authorization = basic();
    let in_release = wharf.get_with(
        "/dists/stable/InRelease",
        &[("Authorization", authorization.as_bytes())],
    );
    assert_eq!(
        in_release
            .header("last-modified")
            .map(|date| date.replace("GMT", "UTC")),
        Some(release_field(index, "Date"))
    );
}

/// A package whose version apt percent-encodes in URLs: `~` (a prerelease), an epoch, `+`.
struct UnusualPackage {
    name: &'static str,
    version: &'static str,
    deb: std::path::PathBuf,
}

/// `pkg 1.0~rc1-1`, `libfoo++1 1:2.3+dfsg-1` (named as dpkg-name names it, without the epoch)
/// and `backport-tool 2:0.9~bpo12+1` (with the epoch's colon in its file name).
fn unusual_packages(directory: &Path, with_colon_in_file_name: bool) -> Vec<UnusualPackage> {
    let mut packages = vec![
        ("pkg", "1.0~rc1-1", "amd64", "pkg_1.0~rc1-1_amd64.deb"),
        (
            "libfoo++1",
            "1:2.3+dfsg-1",
            "all",
            "libfoo++1_2.3+dfsg-1_all.deb",
        ),
    ];
    if with_colon_in_file_name {
        packages.push((
            "backport-tool",
            "2:0.9~bpo12+1",
            "amd64",
            "backport-tool_2:0.9~bpo12+1_amd64.deb",
        ));
    }
    packages
        .into_iter()
        .map(|(name, version, architecture, file_name)| {
            let built = build_deb(directory, name, version, architecture, 5_000);
            let deb = directory.join(file_name);
            std::fs::rename(&built, &deb).expect("name the package file");
            UnusualPackage { name, version, deb }
        })
        .collect()
}

/// apt finds each package at its exact version, installs it (dpkg records the version, epoch
/// included), and fetched exactly the published bytes; and it did send `~` and `+` encoded.
fn install_and_check(wharf: &WharfHost, apt: &AptClient, packages: &[UnusualPackage]) {
    let update = apt.update();
    assert!(update.status.success(), "{}", describe(&update));
    assert!(
        !String::from_utf8_lossy(&update.stderr).contains("W:"),
        "{}",
        describe(&update)
    );
    for package in packages {
        assert_eq!(
            apt.candidate(package.name).as_deref(),
            Some(package.version),
            "{}",
            package.name
        );
        let install = apt.install(package.name);
        assert!(
            install.status.success(),
            "{}: {}",
            package.name,
            describe(&install)
        );
        assert_eq!(
            apt.installed_version(package.name).as_deref(),
            Some(package.version)
        );
        let cached = apt.cached_archive(package.name).expect("apt kept the .deb");
        assert_eq!(
            sha256_of(&cached),
            sha256_of(&package.deb),
            "{}",
            package.name
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    if let Some(request_log) = wharf.request_log() {
        let requests = request_log.join("\n").to_ascii_lowercase();
        assert!(requests.contains("%7e"), "apt encodes '~':\n{requests}");
        assert!(requests.contains("%2b"), "apt encodes '+':\n{requests}");
    }
}

#[test]
fn apt_installs_versions_with_tilde_epoch_and_plus_from_the_files_origin() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path());
    let debs = work.path().join("debs");
    std::fs::create_dir(&debs).expect("debs");
    let packages = unusual_packages(&debs, true);
    let registry = work.path().join("registry");
    let indexed = wharf_cli(
        &[
            "apt",
            "index",
            "--output",
            registry.join("apt").to_str().expect("utf-8"),
            "--from-dir",
            debs.to_str().expect("utf-8"),
            "--signing-key",
            key.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(indexed.status.success(), "{}", describe(&indexed));

    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &manifest_serving(&registry),
        state.path(),
        &[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let apt = apt_client(&wharf);
    install_and_check(&wharf, &apt, &packages);
}

#[test]
fn apt_installs_versions_with_tilde_epoch_and_plus_from_github_releases() {
    let publisher = AptPublisher::new("acme/tools", GITHUB_TOKEN);
    let github = github_with_tools_repository();
    let packages = unusual_packages(publisher.work.path(), false);
    // Git tags cannot hold '~' (git check-ref-format), but '+' they can.
    github.add_release("acme/tools", release_with(1, "v1.0-rc1", &packages[0].deb));
    github.add_release(
        "acme/tools",
        release_with(2, "v2.3+dfsg-1", &packages[1].deb),
    );
    publisher.publish(&github, &"c".repeat(40));

    let state = tempfile::tempdir().expect("state");
    let wharf = github_apt_wharf(&github, state.path());
    let apt = apt_client(&wharf);
    install_and_check(&wharf, &apt, &packages);
    assert!(
        github
            .calls()
            .iter()
            .any(|call| call.path == "/repos/acme/tools/releases/tags/v2.3+dfsg-1"),
        "the tag with '+' was looked up by its name"
    );
}
