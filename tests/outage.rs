//! GitHub has a bad hour (issue 9): after a warm-up with real clients, GitHub goes away in each
//! of the ways it does (connections refused, 500s, a hung connection, a rate limit), and:
//! - a real `apt-get update` (and a download of a package wharf has seen) and a real
//!   `terraform init` of a version already used still succeed, quickly, from what wharf
//!   knew, and the answers say they are stale;
//! - a package download that needs GitHub fails with a 503 that has a body and `Retry-After`,
//!   and apt shows it;
//! - a module wharf never saw fails with a clear message;
//! - when GitHub is back, a new tag and a new package show without a restart.
//!
//! Every call to GitHub is bounded: a GitHub that stalls half-way through an answer costs
//! seconds, under wharf-host and under real Spin.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use base64::Engine;
use end_to_end::apt::{build_deb, build_deb_with_payload, describe, AptClient};
use end_to_end::fake_github::{FakeGitHub, FakeRepository, GitHubFailure, REVALIDATE_AFTER};
use end_to_end::github_fixtures::{module_tarball, release_with, sha, AptPublisher};
use end_to_end::terraform::{terraform_binaries, TerraformProject};
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;
use rand::RngCore;

const USER: &str = "fleet";
const PASSWORD: &str = "outage-password-0123";
const TOKEN: &str = "outage-terraform-token-0123";
const SIGNING_KEY: &str = "outage-url-signing-key-0123456789";
const GITHUB_TOKEN: &str = "ghp_outagefakefakefakefakefakefakefake01";
/// Generous bounds that still fail loudly if a call to GitHub waited its host's default
/// (600 s); the measured times are printed.
const CLIENT_BOUND: Duration = Duration::from_secs(45);
/// One bounded GitHub call (5 s for the API, 10 s between bytes of a download) and the
/// request around it, with room for a machine busy with other tests.
const ONE_CALL_BOUND: Duration = Duration::from_secs(25);
/// How long a recovered GitHub may take to show through: the outage backoff, the rate limit's
/// reset, the fresh window.
const RECOVERY_BOUND: Duration = Duration::from_secs(90);

#[test]
fn github_refusing_connections() {
    drill(GitHubFailure::ConnectionRefused);
}

#[test]
fn github_answering_500() {
    drill(GitHubFailure::ServerError);
}

#[test]
fn github_hanging() {
    drill(GitHubFailure::Hang);
}

#[test]
fn github_rate_limited() {
    // wharf treats GitHub as down until the reset, and the drill's checks of that must end
    // before it: 11 s past the fresh window, then `terraform init` of an unseen module sleeps
    // out one Retry-After (at most 30 s) before its last try. At 25 s the reset fell inside that
    // sleep, and the last check met GitHub's own refusal instead of wharf's outage answer.
    drill(GitHubFailure::RateLimited {
        reset_in: Duration::from_secs(60),
    });
}

/// The module `acme/vm` (three versions) and the APT repository `acme/tools`: a small package
/// wharf keeps, and one larger than the cache bound, which always streams from GitHub.
struct Registry {
    github: FakeGitHub,
    publisher: AptPublisher,
    public_key: Vec<u8>,
}

impl Registry {
    fn publish() -> Self {
        let github = FakeGitHub::start();
        github.add_token(GITHUB_TOKEN);
        let mut module = FakeRepository {
            private: true,
            ..Default::default()
        };
        for (index, tag) in ["v1.2.0", "v1.1.0", "v1.0.0"].into_iter().enumerate() {
            let commit = sha(7000 + index as u32);
            module
                .tarballs
                .insert(commit.clone(), module_tarball("acme/vm", &commit, tag));
            module.tags.push((tag.to_owned(), commit));
        }
        github.add_repository("acme/vm", module);
        github.add_repository(
            "acme/tools",
            FakeRepository {
                private: true,
                ..Default::default()
            },
        );
        let publisher = AptPublisher::new("acme/tools", GITHUB_TOKEN);
        let work = publisher.work.path();
        let tool = build_deb(work, "acme-tool", "1.0.0", "amd64", 100_000);
        github.add_release("acme/tools", release_with(1, "v1.0.0", &tool));
        let mut noise = vec![0u8; 1_500_000];
        rand::thread_rng().fill_bytes(&mut noise);
        let big = build_deb_with_payload(work, "acme-big", "1.0.0", "amd64", &noise);
        assert!(std::fs::metadata(&big).expect("big deb").len() > 1_000_000);
        github.add_release("acme/tools", release_with(2, "big-v1.0.0", &big));
        publisher.publish(&github, &sha(100));
        let public_key = std::fs::read(work.join("public.key")).expect("public key");
        Self {
            github,
            publisher,
            public_key,
        }
    }

    fn variables(&self) -> Vec<(&'static str, String)> {
        vec![
            ("origin", "github".to_owned()),
            ("github_api_url", self.github.api_url()),
            ("github_archive_host", self.github.downloads_url()),
            ("github_asset_host", self.github.downloads_url()),
            ("github_token", GITHUB_TOKEN.to_owned()),
            ("allowed_owners", "acme".to_owned()),
            ("apt_repo", "acme/tools".to_owned()),
            ("basic_user", USER.to_owned()),
            ("basic_password", PASSWORD.to_owned()),
            ("api_tokens", TOKEN.to_owned()),
            ("url_signing_key", SIGNING_KEY.to_owned()),
        ]
    }

    fn wharf(&self, state: &std::path::Path) -> WharfHost {
        let variables = self.variables();
        let variables: Vec<(&str, &str)> = variables
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        WharfHost::start(&wharf_manifest(), state, &variables)
    }
}

fn basic_authorization() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

const BIG_PACKAGE: &str = "/pool/github/acme/tools/big-v1.0.0/acme-big_1.0.0_amd64.deb";

fn timed<T>(run: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let result = run();
    (result, started.elapsed())
}

fn drill(failure: GitHubFailure) {
    let registry = Registry::publish();
    let github = &registry.github;
    let state = tempfile::tempdir().expect("state");
    let wharf = registry.wharf(state.path());
    let terraform = &terraform_binaries()[0];
    let basic = basic_authorization();
    let apt_auth = [("Authorization", basic.as_bytes())];
    let bearer = format!("Bearer {TOKEN}");
    let terraform_auth = [("Authorization", bearer.as_bytes())];

    // Warm-up, as a fleet would have done before GitHub's bad hour.
    let warm_project = TerraformProject::new(wharf.address, TOKEN, "acme/vm/proxmox", "1.1.0");
    let output = warm_project.init(terraform);
    assert!(output.status.success(), "warm-up: {}", describe(&output));
    let warm_apt = AptClient::new(wharf.address, &registry.public_key, USER, PASSWORD);
    let update = warm_apt.update();
    assert!(update.status.success(), "warm-up: {}", describe(&update));
    let download = warm_apt.download("acme-tool");
    assert!(
        download.status.success(),
        "warm-up: {}",
        describe(&download)
    );

    github.fail(Some(failure));
    // Past the fresh window: every request below needs GitHub to confirm what wharf knows.
    std::thread::sleep(REVALIDATE_AFTER);
    let stale_from = wharf.log().len();

    // A machine that never saw the repository: apt-get update and a package wharf kept.
    let apt = AptClient::new(wharf.address, &registry.public_key, USER, PASSWORD);
    let (update, update_took) = timed(|| apt.update());
    assert!(
        update.status.success(),
        "{failure:?}: {}",
        describe(&update)
    );
    assert_eq!(apt.candidate("acme-tool").as_deref(), Some("1.0.0"));
    let (download, download_took) = timed(|| apt.download("acme-tool"));
    assert!(
        download.status.success(),
        "{failure:?}: {}",
        describe(&download)
    );

    // terraform init of the version already used, in a new working directory.
    let project = TerraformProject::new(wharf.address, TOKEN, "acme/vm/proxmox", "1.1.0");
    let (init, init_took) = timed(|| project.init(terraform));
    assert!(init.status.success(), "{failure:?}: {}", describe(&init));
    assert!(project
        .installed_file("main.tf")
        .is_some_and(|main_tf| main_tf.contains("v1.1.0")));
    println!(
        "{failure:?}: apt-get update {update_took:.1?}, apt-get download {download_took:.1?}, terraform init {init_took:.1?}"
    );
    for took in [update_took, download_took, init_took] {
        assert!(took < CLIENT_BOUND, "{failure:?}: {took:?}");
    }

    // The answers say they are stale.
    for (path, auth) in [
        ("/dists/stable/InRelease", &apt_auth),
        ("/v1/modules/acme/vm/proxmox/versions", &terraform_auth),
    ] {
        let answer = wharf.get_with(path, auth);
        assert_eq!(answer.status, 200, "{failure:?} {path}: {}", answer.text());
        assert_eq!(
            answer.header("warning"),
            Some(r#"110 - "Response is Stale""#),
            "{failure:?} {path}: {:?}",
            answer.headers
        );
        let age: u64 = answer
            .header("age")
            .and_then(|age| age.parse().ok())
            .expect("Age");
        assert!(
            age >= REVALIDATE_AFTER.as_secs(),
            "{failure:?} {path}: {age}"
        );
    }

    // A package larger than the cache bound needs GitHub: a 503 with a body and Retry-After.
    let big = apt.download("acme-big");
    assert!(!big.status.success(), "{failure:?}: {}", describe(&big));
    assert!(
        String::from_utf8_lossy(&big.stderr).contains("503"),
        "apt shows the 503: {}",
        describe(&big)
    );
    let big_direct = wharf.get_with(BIG_PACKAGE, &apt_auth);
    assert_eq!(big_direct.status, 503, "{failure:?}: {}", big_direct.text());
    assert!(big_direct
        .header("retry-after")
        .and_then(|seconds| seconds.parse::<u64>().ok())
        .is_some_and(|seconds| (1..=30).contains(&seconds)));
    assert!(
        big_direct.text().contains("GitHub"),
        "{failure:?}: {}",
        big_direct.text()
    );

    // A module wharf never saw: a clear failure, from terraform and in the body.
    let never = TerraformProject::new(wharf.address, TOKEN, "acme/never-seen/proxmox", "1.0.0");
    let (refused, refused_took) = timed(|| never.init(terraform));
    assert!(
        !refused.status.success(),
        "{failure:?}: {}",
        describe(&refused)
    );
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("503 Service Unavailable") && said.contains("please try again"),
        "{failure:?}: {}",
        describe(&refused)
    );
    assert!(refused_took < CLIENT_BOUND, "{failure:?}: {refused_took:?}");
    let never_direct = wharf.get_with(
        "/v1/modules/acme/never-seen/proxmox/versions",
        &terraform_auth,
    );
    assert_eq!(never_direct.status, 503, "{}", never_direct.text());
    assert!(never_direct.header("retry-after").is_some());
    assert!(
        never_direct.text().contains("GitHub")
            && never_direct.text().contains("the tags of acme/never-seen"),
        "{failure:?}: {}",
        never_direct.text()
    );

    std::thread::sleep(Duration::from_millis(200));
    let log = wharf.log();
    let during: Vec<&String> = log[stale_from..].iter().collect();
    for what in ["branch apt-metadata of acme/tools", "the tags of acme/vm"] {
        assert!(
            during
                .iter()
                .any(|line| line.contains(&format!("serving {what} stale"))),
            "{failure:?}: no stale line for {what}:\n{during:#?}"
        );
    }

    // GitHub is back, with a new tag and a new package.
    github.fail(None);
    let commit = sha(7100);
    github.add_tag(
        "acme/vm",
        "v1.3.0",
        &commit,
        module_tarball("acme/vm", &commit, "v1.3.0"),
    );
    let newer = build_deb(
        registry.publisher.work.path(),
        "acme-tool",
        "1.1.0",
        "amd64",
        100_000,
    );
    github.add_release("acme/tools", release_with(3, "v1.1.0", &newer));
    registry.publisher.publish(github, &sha(101));
    let recovered = Instant::now();
    let versions_show = || {
        let versions = wharf.get_with("/v1/modules/acme/vm/proxmox/versions", &terraform_auth);
        versions.status == 200
            && versions.text().contains("1.3.0")
            && versions.header("warning").is_none()
    };
    while !versions_show() {
        assert!(
            recovered.elapsed() < RECOVERY_BOUND,
            "{failure:?}: v1.3.0 never showed"
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let upgraded = TerraformProject::new(wharf.address, TOKEN, "acme/vm/proxmox", "1.3.0");
    let output = upgraded.init(terraform);
    assert!(
        output.status.success(),
        "{failure:?}: {}",
        describe(&output)
    );
    assert!(upgraded
        .installed_file("main.tf")
        .is_some_and(|main_tf| main_tf.contains("v1.3.0")));
    loop {
        let update = apt.update();
        assert!(
            update.status.success(),
            "{failure:?}: {}",
            describe(&update)
        );
        if apt.candidate("acme-tool").as_deref() == Some("1.1.0") {
            break;
        }
        assert!(
            recovered.elapsed() < RECOVERY_BOUND,
            "{failure:?}: acme-tool 1.1.0 never showed"
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let download = apt.download("acme-tool");
    assert!(
        download.status.success(),
        "{failure:?}: {}",
        describe(&download)
    );
    println!(
        "{failure:?}: GitHub's recovery showed after {:.1?}",
        recovered.elapsed()
    );
}

/// Everything a raw GET receives until the server closes the connection (or 60 s pass).
fn receive_all(address: SocketAddr, path: &str, authorization: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut received = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    while let Ok(read) = stream.read(&mut chunk) {
        if read == 0 {
            break;
        }
        received.extend_from_slice(&chunk[..read]);
    }
    received
}

/// GitHub sends the head and half the body, then nothing: a package being streamed is cut off
/// after the between-bytes bound (the client sees a broken transfer, never a short package
/// that looks whole), and an API answer becomes a 503 after it.
#[test]
fn github_stalling_mid_answer() {
    let registry = Registry::publish();
    let github = &registry.github;
    let state = tempfile::tempdir().expect("state");
    let wharf = registry.wharf(state.path());
    let basic = basic_authorization();
    let first_byte = wharf.get_with(
        BIG_PACKAGE,
        &[("Authorization", basic.as_bytes()), ("Range", b"bytes=0-0")],
    );
    assert_eq!(first_byte.status, 206, "{}", first_byte.text());
    let total: usize = first_byte
        .header("content-range")
        .and_then(|range| range.rsplit('/').next())
        .and_then(|total| total.parse().ok())
        .expect("Content-Range with the total");

    github.fail(Some(GitHubFailure::Stall));
    // Within the fresh window the release lookup needs no API call; the download stalls.
    let (received, took) = timed(|| receive_all(wharf.address, BIG_PACKAGE, &basic));
    let head = String::from_utf8_lossy(&received[..received.len().min(300)]).to_lowercase();
    println!(
        "stalled download: {} of {total} bytes, closed after {took:.1?}",
        received.len()
    );
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(received.len() < total, "a stalled package is never whole");
    assert!(took < ONE_CALL_BOUND, "{took:?}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        wharf
            .log()
            .iter()
            .any(|line| line.contains("acme-big_1.0.0_amd64.deb aborted")),
        "{:#?}",
        wharf.log()
    );

    let bearer = format!("Bearer {TOKEN}");
    let (stalled, took) = timed(|| {
        wharf.get_with(
            "/v1/modules/acme/never-seen/proxmox/versions",
            &[("Authorization", bearer.as_bytes())],
        )
    });
    println!("stalled tag list: {} after {took:.1?}", stalled.status);
    assert_eq!(stalled.status, 503, "{}", stalled.text());
    assert!(
        stalled.text().contains("reading GitHub's answer failed"),
        "{}",
        stalled.text()
    );
    assert!(took < ONE_CALL_BOUND, "{took:?}");
}

/// A GitHub that never answers, or stalls half-way through an answer, costs a client about
/// five seconds, not the host's 600 s default: wharf sets wasi:http's request options, and
/// this suite runs under wharf-host and under real Spin (v4, and the v3.6 line SpinKube runs),
/// which must both honour them.
#[test]
fn a_github_that_hangs_or_stalls_costs_a_client_seconds() {
    for failure in [GitHubFailure::Hang, GitHubFailure::Stall] {
        let github = FakeGitHub::start();
        github.add_token(GITHUB_TOKEN);
        github.add_repository("acme/vm", FakeRepository::default());
        let api_url = github.api_url();
        let state = tempfile::tempdir().expect("state");
        let wharf = WharfHost::start(
            &wharf_manifest(),
            state.path(),
            &[
                ("origin", "github"),
                ("github_api_url", &api_url),
                ("github_token", GITHUB_TOKEN),
                ("allowed_owners", "acme"),
                ("api_tokens", TOKEN),
                ("url_signing_key", SIGNING_KEY),
            ],
        );
        github.fail(Some(failure));
        let bearer = format!("Bearer {TOKEN}");
        let (answer, took) = timed(|| {
            wharf.get_with(
                "/v1/modules/acme/vm/proxmox/versions",
                &[("Authorization", bearer.as_bytes())],
            )
        });
        println!(
            "{} with GitHub {failure:?}: {} after {took:.1?}: {}",
            wharf.runner().name(),
            answer.status,
            answer.text().trim()
        );
        assert_eq!(answer.status, 503, "{}", answer.text());
        let expected = match failure {
            GitHubFailure::Hang => "did not answer within 5 s",
            _ => "reading GitHub's answer failed",
        };
        assert!(answer.text().contains(expected), "{}", answer.text());
        assert!(took < ONE_CALL_BOUND, "{took:?}");
        github.fail(None);
    }
}

/// `stale_if_error` bounds how old a stale answer may be; a value that is not a duration fails
/// closed, with the reason in the log.
#[test]
fn stale_if_error_bounds_how_old_a_stale_answer_may_be() {
    let github = FakeGitHub::start();
    github.add_token(GITHUB_TOKEN);
    let mut module = FakeRepository::default();
    let commit = sha(7200);
    module
        .tarballs
        .insert(commit.clone(), module_tarball("acme/vm", &commit, "v1.0.0"));
    module.tags.push(("v1.0.0".to_owned(), commit));
    github.add_repository("acme/vm", module);
    let api_url = github.api_url();
    let start = |stale_if_error: &str, state: &std::path::Path| {
        WharfHost::start(
            &wharf_manifest(),
            state,
            &[
                ("origin", "github"),
                ("github_api_url", &api_url),
                ("github_token", GITHUB_TOKEN),
                ("allowed_owners", "acme"),
                ("api_tokens", TOKEN),
                ("url_signing_key", SIGNING_KEY),
                ("stale_if_error", stale_if_error),
            ],
        )
    };
    let bearer = format!("Bearer {TOKEN}");
    let versions = "/v1/modules/acme/vm/proxmox/versions";
    let auth = [("Authorization", bearer.as_bytes())];

    let state = tempfile::tempdir().expect("state");
    let wharf = start("13s", state.path());
    let fresh = wharf.get_with(versions, &auth);
    assert_eq!(fresh.status, 200, "{}", fresh.text());
    assert_eq!(fresh.header("warning"), None);
    github.fail(Some(GitHubFailure::ServerError));
    std::thread::sleep(REVALIDATE_AFTER);
    let stale = wharf.get_with(versions, &auth);
    assert_eq!(stale.status, 200, "{}", stale.text());
    assert_eq!(stale.text(), fresh.text());
    assert!(stale.header("warning").is_some(), "{:?}", stale.headers);
    std::thread::sleep(Duration::from_secs(5));
    let too_old = wharf.get_with(versions, &auth);
    assert_eq!(too_old.status, 503, "{}", too_old.text());
    assert!(
        too_old.text().contains("older than stale_if_error"),
        "{}",
        too_old.text()
    );
    assert!(too_old.header("retry-after").is_some());

    let state = tempfile::tempdir().expect("state");
    let misconfigured = start("a day", state.path());
    let refused = misconfigured.get_with(versions, &auth);
    assert_eq!(refused.status, 500, "{}", refused.text());
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        misconfigured
            .log()
            .iter()
            .any(|line| line.contains("stale_if_error 'a day' is not a duration")),
        "{:#?}",
        misconfigured.log()
    );
}
