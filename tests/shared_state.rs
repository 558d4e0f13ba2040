//! Two wharf-host replicas whose runtime config file (Spin's format) puts key-value in one real
//! `redis-server` behave as one: a failure counter, a pinned commit, an exchanged OIDC token and
//! a cached key set written through one are honoured by the other, and apt works through one
//! replica, then the other, from the shared cache. Redis going away gives a clear 503 (not a
//! hang, not a trap), and nothing written before is lost when it returns.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use base64::Engine;
use end_to_end::apt::{build_deb, describe, AptClient};
use end_to_end::fake_github::{
    FakeAsset, FakeGitHub, FakeRelease, FakeRepository, REVALIDATE_AFTER,
};
use end_to_end::oidc_issuer::TestIssuer;
use end_to_end::paths::{repository_root, workspace_binary};
use end_to_end::redis_server::{write_runtime_config, RedisServer};
use end_to_end::test_ca::TestCertificates;
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::wharf_host::LaunchOptions;
use end_to_end::{HttpResponse, WharfHost};

const TOKEN: &str = "shared-state-token-0123456789";
const SIGNING_KEY: &str = "shared-state-url-signing-key-0123";
const GITHUB_TOKEN: &str = "ghp_sharedstatesharedstatesharedstate01";
const AUDIENCE: &str = "https://wharf.example";
const USER: &str = "fleet";
const PASSWORD: &str = "shared-state-password-0123456789";
const VERSIONS: &str = "/v1/modules/acme/proxmox-vm/proxmox/versions";
const DOWNLOAD: &str = "/v1/modules/acme/proxmox-vm/proxmox/1.1.0/download";

fn sha(seed: u32) -> String {
    format!("{seed:08x}").repeat(5)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn get(replica: &WharfHost, path: &str, authorization: &str) -> HttpResponse {
    replica.get_with(path, &[("Authorization", authorization.as_bytes())])
}

/// Exchanges a GitHub Actions OIDC token for a wharf token through `replica`.
fn exchange(replica: &WharfHost, oidc: &str) -> String {
    let exchanged = replica.send(
        "POST",
        "/auth/token",
        &[("Authorization", bearer(oidc).as_bytes())],
        b"",
    );
    assert_eq!(exchanged.status, 200, "{}", exchanged.text());
    let answer: serde_json::Value = serde_json::from_slice(&exchanged.body).expect("json");
    let token = answer["token"].as_str().expect("token").to_owned();
    end_to_end::secrets::remember(&token);
    token
}

/// A replica of its own (own state directory, so nothing is shared but Redis).
fn replica(runtime_config: &Path, state: &Path, variables: &[(&str, &str)]) -> WharfHost {
    WharfHost::start_with(
        &wharf_manifest(),
        state,
        variables,
        &[
            "--runtime-config-file",
            runtime_config.to_str().expect("utf-8"),
        ],
    )
}

/// Everything a Terraform GitHub origin with OIDC needs, for two replicas and one Redis.
struct Fleet {
    redis: RedisServer,
    issuer: TestIssuer,
    github: FakeGitHub,
    first: WharfHost,
    second: WharfHost,
    _directories: Vec<tempfile::TempDir>,
}

fn fleet() -> Fleet {
    let redis = RedisServer::start();
    let issuer = TestIssuer::start();
    let github = FakeGitHub::start();
    github.add_repository(
        "acme/proxmox-vm",
        FakeRepository {
            private: true,
            tags: vec![("v1.1.0".to_owned(), sha(3)), ("v1.0.0".to_owned(), sha(4))],
            ..Default::default()
        },
    );
    github.add_token(GITHUB_TOKEN);
    let directories: Vec<tempfile::TempDir> =
        (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    let runtime_config = redis.runtime_config_file(directories[0].path());
    let (api_url, downloads, issuer_url) = (github.api_url(), github.downloads_url(), issuer.url());
    let variables = [
        ("origin", "github"),
        ("github_api_url", api_url.as_str()),
        ("github_archive_host", downloads.as_str()),
        ("github_token", GITHUB_TOKEN),
        ("allowed_owners", "acme"),
        ("api_tokens", TOKEN),
        ("url_signing_key", SIGNING_KEY),
        ("oidc_issuer", issuer_url.as_str()),
        ("oidc_audience", AUDIENCE),
        ("oidc_allowed_repositories", "acme/infra"),
    ];
    let first = replica(&runtime_config, directories[1].path(), &variables);
    let second = replica(&runtime_config, directories[2].path(), &variables);
    Fleet {
        redis,
        issuer,
        github,
        first,
        second,
        _directories: directories,
    }
}

#[test]
fn two_replicas_sharing_redis_honour_each_others_keys_tokens_pins_and_failure_counts() {
    let fleet = fleet();
    let (first, second) = (&fleet.first, &fleet.second);
    let store_line = format!(
        "Key-value stores: default: Redis at {}",
        fleet.redis.address
    );
    assert!(
        first.startup().contains(&store_line),
        "{:?}",
        first.startup()
    );

    // A key set fetched through one replica is the other's too.
    let oidc = fleet.issuer.token_for("acme/infra", AUDIENCE);
    assert_eq!(get(first, VERSIONS, &bearer(&oidc)).status, 200);
    assert_eq!(fleet.issuer.jwks_fetches(), 1);
    let another = fleet.issuer.token_for("acme/infra", AUDIENCE);
    let through_second = get(second, VERSIONS, &bearer(&another));
    assert_eq!(through_second.status, 200, "{}", through_second.text());
    assert_eq!(
        fleet.issuer.jwks_fetches(),
        1,
        "the second replica used the key set the first cached"
    );

    // A token exchanged through one replica works on the other.
    let wharf_token = exchange(first, &oidc);
    let with_exchanged = get(second, VERSIONS, &bearer(&wharf_token));
    assert_eq!(with_exchanged.status, 200, "{}", with_exchanged.text());

    // A commit pinned through one replica is enforced by the other.
    let pinned = get(first, DOWNLOAD, &bearer(TOKEN));
    assert_eq!(pinned.status, 204, "{}", pinned.text());
    fleet.github.move_tag("acme/proxmox-vm", "v1.1.0", &sha(99));
    // Tag lists are trusted for a few seconds (then revalidated): past that, the move shows.
    std::thread::sleep(REVALIDATE_AFTER);
    let moved = get(second, DOWNLOAD, &bearer(TOKEN));
    assert_eq!(moved.status, 409, "{}", moved.text());
    assert!(moved.text().contains("v1.1.0"), "{}", moved.text());

    // Failures counted through one replica throttle the same client on the other. (Last: it
    // throttles this test's address.)
    let mut attempts = 0;
    loop {
        attempts += 1;
        let status = get(first, VERSIONS, &bearer("not-a-valid-token-00000000")).status;
        if status == 429 {
            break;
        }
        assert_eq!(status, 401);
        assert!(attempts < 50, "the first replica never throttled");
    }
    let throttled = get(second, VERSIONS, &bearer("not-a-valid-token-00000000"));
    assert_eq!(
        throttled.status,
        429,
        "after {attempts} failures through the first replica: {}",
        throttled.text()
    );
    assert!(throttled.header("retry-after").is_some());
}

#[test]
fn redis_going_away_is_a_prompt_503_and_nothing_is_lost_when_it_returns() {
    let mut fleet = fleet();
    let wharf_token = exchange(
        &fleet.first,
        &fleet.issuer.token_for("acme/infra", AUDIENCE),
    );
    assert_eq!(get(&fleet.first, DOWNLOAD, &bearer(TOKEN)).status, 204);
    fleet.github.move_tag("acme/proxmox-vm", "v1.1.0", &sha(99));

    // Killed: connections are refused. Frozen (after it came back): connections stay open
    // and nothing answers, like a hung server; the first call waits out its timeout, later ones
    // fail at once.
    for outage in ["killed", "frozen"] {
        if outage == "killed" {
            fleet.redis.kill();
        } else {
            fleet.redis.restart();
            wait_until_served(&fleet.second, &wharf_token);
            fleet.redis.freeze();
        }
        for (what, path, authorization) in [
            ("an exchanged token", VERSIONS, bearer(&wharf_token)),
            ("a pinned commit", DOWNLOAD, bearer(TOKEN)),
        ] {
            let asked = Instant::now();
            let response = get(&fleet.second, path, &authorization);
            let took = asked.elapsed();
            println!(
                "Redis {outage}: {what} answered {} in {took:?}",
                response.status
            );
            assert_eq!(
                response.status,
                503,
                "Redis {outage}, {what}: {}",
                response.text()
            );
            assert!(!response.text().trim().is_empty(), "a 503 says why");
            assert!(
                took < Duration::from_secs(5),
                "Redis {outage}: {what} took {took:?}"
            );
            // Past the host's fail-fast interval, so each request meets the outage afresh.
            std::thread::sleep(Duration::from_millis(1100));
        }
        if outage == "frozen" {
            fleet.redis.thaw();
        }
    }

    fleet.redis.restart();
    // The replicas reconnect by themselves; what was written before the outage is all there.
    let back = wait_until_served(&fleet.second, &wharf_token);
    assert_eq!(
        back.status,
        200,
        "the exchanged token survived: {}",
        back.text()
    );
    // Past the tag list's fresh window, so the moved tag is seen and meets the pin.
    std::thread::sleep(REVALIDATE_AFTER);
    let still_pinned = get(&fleet.first, DOWNLOAD, &bearer(TOKEN));
    assert_eq!(
        still_pinned.status,
        409,
        "the pin survived: {}",
        still_pinned.text()
    );

    std::thread::sleep(Duration::from_millis(200));
    let log = fleet.second.log().join("\n");
    let address = fleet.redis.address;
    assert!(
        log.contains(&format!(
            "key-value store 'default' (Redis at {address}) is unavailable"
        )),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "key-value store 'default' (Redis at {address}) answers again"
        )),
        "{log}"
    );
    assert!(!log.contains("trapped"), "{log}");
}

/// Asks with the exchanged token until the answer is no longer 503 (at most 15 s).
fn wait_until_served(replica: &WharfHost, wharf_token: &str) -> HttpResponse {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let response = get(replica, VERSIONS, &bearer(wharf_token));
        if response.status != 503 || Instant::now() > deadline {
            return response;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn wharf_cli(arguments: &[&str]) -> Output {
    Command::new(workspace_binary("wharf"))
        .args(arguments)
        .env("GITHUB_TOKEN", GITHUB_TOKEN)
        .output()
        .expect("run wharf")
}

#[test]
fn apt_installs_through_one_replica_then_the_other_from_the_shared_cache() {
    let work = tempfile::tempdir().expect("work");
    let redis = RedisServer::start();
    let github = FakeGitHub::start();
    github.add_repository(
        "acme/tools",
        FakeRepository {
            private: true,
            ..Default::default()
        },
    );
    github.add_token(GITHUB_TOKEN);
    let deb = build_deb(work.path(), "acme-tool", "1.0.0", "amd64", 100_000);
    github.add_release(
        "acme/tools",
        FakeRelease {
            id: 1,
            tag: "v1.0.0".to_owned(),
            assets: vec![FakeAsset {
                id: 10,
                name: "acme-tool_1.0.0_amd64.deb".to_owned(),
                bytes: std::fs::read(&deb).expect("deb"),
            }],
        },
    );
    let secret_key = work.path().join("signing-key.asc");
    let keygen = wharf_cli(&[
        "keygen",
        "--secret-key",
        secret_key.to_str().expect("utf-8"),
        "--public-key",
        work.path().join("public.key").to_str().expect("utf-8"),
    ]);
    assert!(keygen.status.success(), "{}", describe(&keygen));
    let index = work.path().join("apt-metadata");
    let api_url = github.api_url();
    let indexed = wharf_cli(&[
        "apt",
        "index",
        "--output",
        index.to_str().expect("utf-8"),
        "--from-github",
        "acme/tools",
        "--github-api-url",
        &api_url,
        "--signing-key",
        secret_key.to_str().expect("utf-8"),
    ]);
    assert!(indexed.status.success(), "{}", describe(&indexed));
    github.push_directory("acme/tools", "apt-metadata", &"a".repeat(40), &index);

    let runtime_config = redis.runtime_config_file(work.path());
    let downloads = github.downloads_url();
    let variables = [
        ("origin", "github"),
        ("github_api_url", api_url.as_str()),
        ("github_asset_host", downloads.as_str()),
        ("github_token", GITHUB_TOKEN),
        ("allowed_owners", "acme"),
        ("apt_repo", "acme/tools"),
        ("basic_user", USER),
        ("basic_password", PASSWORD),
        ("url_signing_key", SIGNING_KEY),
    ];
    let states: Vec<tempfile::TempDir> = (0..2)
        .map(|_| tempfile::tempdir().expect("state"))
        .collect();
    let first = replica(&runtime_config, states[0].path(), &variables);
    let second = replica(&runtime_config, states[1].path(), &variables);
    let public_key = first.get("/public.key");
    assert_eq!(public_key.status, 200, "{}", public_key.text());

    for (name, replica) in [("first", &first), ("second", &second)] {
        github.clear_calls();
        let apt = AptClient::new(replica.address, &public_key.body, USER, PASSWORD);
        let update = apt.update();
        assert!(update.status.success(), "{name}: {}", describe(&update));
        assert_eq!(
            apt.candidate("acme-tool").as_deref(),
            Some("1.0.0"),
            "{name}"
        );
        let download = apt.download("acme-tool");
        assert!(download.status.success(), "{name}: {}", describe(&download));
        assert_eq!(
            std::fs::read(apt.downloaded("acme-tool_1.0.0_amd64.deb")).expect("downloaded"),
            std::fs::read(&deb).expect("deb"),
            "{name}"
        );
        let calls = github.calls();
        let metadata_reads = calls
            .iter()
            .filter(|call| call.path.contains("/contents/"))
            .count();
        let release_lookups = calls
            .iter()
            .filter(|call| call.path.contains("/releases/tags/"))
            .count();
        println!(
            "{name} replica: {} GitHub calls ({metadata_reads} metadata file reads, {release_lookups} release lookups)",
            calls.len()
        );
        if name == "second" {
            assert_eq!(
                metadata_reads, 0,
                "the second replica read the metadata the first cached: {calls:?}"
            );
            assert_eq!(release_lookups, 0, "{calls:?}");
        } else {
            assert!(metadata_reads > 0, "the first replica started cold");
        }
    }
    let authorization = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    );
    assert_eq!(
        get(&second, "/dists/stable/InRelease", &authorization).status,
        200
    );
}

#[test]
fn key_value_reaches_redis_over_tls_when_the_ca_is_trusted_and_not_otherwise() {
    let certificates = TestCertificates::for_loopback();
    let redis = RedisServer::start_tls(&certificates);
    let config = tempfile::tempdir().expect("config");
    let runtime_config = write_runtime_config(config.path(), &redis.tls_url());
    let probe = repository_root().join("tests/host-probe/spin.toml");
    let launch = |trust: bool| {
        let state = tempfile::tempdir().expect("state");
        let mut options = LaunchOptions::arguments(&[
            "--runtime-config-file",
            runtime_config.to_str().expect("utf-8"),
        ]);
        if trust {
            // rustls-native-certs reads SSL_CERT_FILE, as curl and Terraform do.
            options.environment.push((
                "SSL_CERT_FILE".into(),
                certificates.authority.clone().into(),
            ));
        }
        let host = WharfHost::try_launch(
            &probe,
            state.path(),
            &[("required_value", "present")],
            &options,
        )
        .unwrap_or_else(|failure| panic!("{failure}"));
        (host, state)
    };

    let (trusting, _state) = launch(true);
    let written = trusting.send("PUT", "/probe/kv/over-tls", &[], b"sealed");
    assert_eq!(written.status, 204, "{}", written.text());
    assert_eq!(trusting.get("/probe/kv/over-tls").text(), "sealed");
    assert!(
        redis.command(&["GET", "over-tls"]).contains("sealed"),
        "the value is in Redis under the key Spin would use"
    );

    let (distrusting, _state) = launch(false);
    let refused = distrusting.get("/probe/kv/over-tls");
    assert_eq!(refused.status, 500, "{}", refused.text());
    assert!(refused.text().contains("unavailable"), "{}", refused.text());
    std::thread::sleep(Duration::from_millis(200));
    let log = distrusting.log().join("\n");
    assert!(log.contains("is unavailable"), "{log}");
}
