//! The APT repository end to end with the real apt client: the sample registry (files origin),
//! and packages published as GitHub Release assets, indexed by `wharf apt index` onto the
//! `apt-metadata` branch of the fake GitHub.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use end_to_end::apt::{build_deb, describe, AptClient};
use end_to_end::fake_github::{FakeAsset, FakeCommit, FakeGitHub, FakeRelease, FakeRepository};
use end_to_end::paths::{repository_root, workspace_binary};
use end_to_end::wharf_host::{manifest_serving, wharf_manifest};
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

fn wharf(args: &[&str], environment: &[(&str, &str)]) -> Output {
    let mut command = Command::new(workspace_binary("wharf"));
    command.args(args);
    for (name, value) in environment {
        command.env(name, value);
    }
    command.output().expect("run wharf")
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
    let traversal = wharf.get_with("/pool/main/../../etc/passwd", &auth);
    assert_eq!(traversal.status, 400, "{}", traversal.text());
    assert_eq!(
        traversal.text(),
        "the request path has a '.' or '..' segment\n"
    );
}

/// Writes a signing key with `wharf keygen` and returns its path.
fn signing_key(directory: &Path) -> std::path::PathBuf {
    let secret = directory.join("signing-key.asc");
    let output = wharf(
        &[
            "keygen",
            "--secret-key",
            secret.to_str().expect("utf-8"),
            "--public-key",
            directory.join("public.key").to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(output.status.success(), "{}", describe(&output));
    secret
}

fn index_from_github(github: &FakeGitHub, output: &Path, key: &Path) -> Output {
    let api_url = github.api_url();
    wharf(
        &[
            "apt",
            "index",
            "--output",
            output.to_str().expect("utf-8"),
            "--from-github",
            "acme/tools",
            "--github-api-url",
            &api_url,
            "--signing-key",
            key.to_str().expect("utf-8"),
            "--architectures",
            "amd64,arm64",
        ],
        &[("GITHUB_TOKEN", GITHUB_TOKEN)],
    )
}

fn commit_directory(github: &FakeGitHub, directory: &Path, sha: &str) {
    fn walk(root: &Path, directory: &Path, files: &mut HashMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(directory)
            .expect("read index dir")
            .map_while(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .expect("below root")
                    .display()
                    .to_string();
                files.insert(relative, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut files = HashMap::new();
    walk(directory, directory, &mut files);
    github.push(
        "acme/tools",
        "apt-metadata",
        FakeCommit {
            sha: sha.to_owned(),
            files,
        },
    );
}

fn release_with(id: u64, tag: &str, deb: &Path) -> FakeRelease {
    FakeRelease {
        id,
        tag: tag.to_owned(),
        assets: vec![FakeAsset {
            id: id * 10,
            name: deb
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            bytes: std::fs::read(deb).expect("deb bytes"),
        }],
    }
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
    let work = tempfile::tempdir().expect("work");
    let key = signing_key(work.path());
    let index = work.path().join("apt-metadata");
    let github = github_with_tools_repository();
    let first = build_deb(work.path(), "acme-tool", "1.0.0", "amd64", 200_000);
    github.add_release("acme/tools", release_with(1, "v1.0.0", &first));

    let indexed = index_from_github(&github, &index, &key);
    assert!(indexed.status.success(), "{}", describe(&indexed));
    commit_directory(&github, &index, &"a".repeat(40));

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
    let second = build_deb(work.path(), "acme-tool", "1.1.0", "amd64", 200_000);
    github.add_release("acme/tools", release_with(2, "v1.1.0", &second));
    github.clear_calls();
    let reindexed = index_from_github(&github, &index, &key);
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
    commit_directory(&github, &index, &"b".repeat(40));

    // wharf trusts a resolved branch head for 10 s before asking GitHub again.
    std::thread::sleep(std::time::Duration::from_secs(11));
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

    github.set_rate_limited(true);
    std::thread::sleep(std::time::Duration::from_secs(11));
    let limited = wharf.get_with(
        "/dists/stable/InRelease",
        &[("Authorization", authorization.as_bytes())],
    );
    assert_eq!(limited.status, 503, "{}", limited.text());
    assert!(limited.header("retry-after").is_some());
    assert!(
        !limited.body.is_empty(),
        "apt retries only when the error has a body"
    );
}

#[test]
fn the_index_builder_names_a_corrupt_deb_and_fails_or_skips_it() {
    let work = tempfile::tempdir().expect("work");
    let key = signing_key(work.path());
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
    let failed = wharf(
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

    let skipped = wharf(
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
    let requests = wharf.log().join("\n").to_ascii_lowercase();
    assert!(requests.contains("%7e"), "apt encodes '~':\n{requests}");
    assert!(requests.contains("%2b"), "apt encodes '+':\n{requests}");
}

#[test]
fn apt_installs_versions_with_tilde_epoch_and_plus_from_the_files_origin() {
    let work = tempfile::tempdir().expect("work");
    let key = signing_key(work.path());
    let debs = work.path().join("debs");
    std::fs::create_dir(&debs).expect("debs");
    let packages = unusual_packages(&debs, true);
    let registry = work.path().join("registry");
    let indexed = wharf(
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
        &manifest_serving(&registry, work.path()),
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
    let work = tempfile::tempdir().expect("work");
    let key = signing_key(work.path());
    let index = work.path().join("apt-metadata");
    let github = github_with_tools_repository();
    let packages = unusual_packages(work.path(), false);
    // Git tags cannot hold '~' (git check-ref-format), but '+' they can.
    github.add_release("acme/tools", release_with(1, "v1.0-rc1", &packages[0].deb));
    github.add_release(
        "acme/tools",
        release_with(2, "v2.3+dfsg-1", &packages[1].deb),
    );
    let indexed = index_from_github(&github, &index, &key);
    assert!(indexed.status.success(), "{}", describe(&indexed));
    commit_directory(&github, &index, &"c".repeat(40));

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
