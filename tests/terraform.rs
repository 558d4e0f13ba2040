//! The Terraform module registry end to end with the real terraform CLI (1.11.x and 1.0.3):
//! through the files origin (the sample registry) and the GitHub origin (the fake GitHub).

use std::io::{Read, Write};

use end_to_end::fake_github::{
    CallCounts, FakeApp, FakeGitHub, FakeRepository, GitHubFailure, REVALIDATE_AFTER,
};
use end_to_end::github_fixtures::{github_tarball, module_tarball, sha};
use end_to_end::terraform::{describe, terraform_binaries, terraform_version, TerraformProject};
use end_to_end::test_ca::TestCertificates;
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;
use rsa::pkcs1::EncodeRsaPrivateKey;

const TOKEN: &str = "terraform-token-0123456789";
const SIGNING_KEY: &str = "module-url-signing-key-0123456789";
const GITHUB_TOKEN: &str = "ghp_fakefakefakefakefakefakefakefakefake1";

/// `acme/proxmox-vm`, private, with enough old tags to need a second page, non-version tags, a
/// prerelease newer than the newest release, and a tarball for each version.
fn proxmox_repository() -> FakeRepository {
    let mut repository = FakeRepository {
        private: true,
        ..Default::default()
    };
    let mut tags = vec![
        ("latest".to_owned(), sha(1)),
        ("v1.2.0-beta.1".to_owned(), sha(2)),
        ("v1.1.0".to_owned(), sha(3)),
        ("1.0.0".to_owned(), sha(4)),
    ];
    for minor in 0..110 {
        tags.push((format!("v0.{minor}.0"), sha(1000 + minor)));
    }
    for (tag, commit) in &tags {
        let body = format!("output \"tag\" {{\n  value = \"{tag}\"\n}}\n");
        repository.tarballs.insert(
            commit.clone(),
            github_tarball(&format!("acme-proxmox-vm-{}", &commit[..7]), &body),
        );
    }
    repository.tags = tags;
    repository
}

fn github_wharf(github: &FakeGitHub, state: &std::path::Path, extra: &[(&str, &str)]) -> WharfHost {
    let api_url = github.api_url();
    let downloads = github.downloads_url();
    let mut variables = vec![
        ("origin", "github"),
        ("github_api_url", api_url.as_str()),
        ("github_archive_host", downloads.as_str()),
        ("allowed_owners", "acme"),
        ("api_tokens", TOKEN),
        ("url_signing_key", SIGNING_KEY),
    ];
    variables.extend_from_slice(extra);
    WharfHost::start(&wharf_manifest(), state, &variables)
}

#[test]
fn terraform_installs_the_sample_module_from_the_files_origin() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    );
    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project = TerraformProject::new(wharf.address, TOKEN, "wharf/hello/null", "~> 1.0");
        let output = project.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        let main_tf = project.installed_file("main.tf").unwrap_or_default();
        assert!(
            main_tf.contains("from a module served by wharf"),
            "{version}: {main_tf}"
        );
        assert_eq!(
            project.installed_version().as_deref(),
            Some("1.0.0"),
            "{version}"
        );
    }
}

/// What a homelab user does: wharf-host with `--tls-cert`/`--tls-key`, the CA in
/// `SSL_CERT_FILE`, the module source naming wharf's own address. No `host` block: terraform
/// discovers the registry over HTTPS itself.
#[test]
fn terraform_installs_over_https_with_a_trusted_test_ca_and_no_host_block() {
    let certificates = TestCertificates::for_loopback();
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start_tls(
        &wharf_manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
        &certificates,
    );
    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project = TerraformProject::over_https(
            wharf.address,
            &certificates.authority,
            TOKEN,
            "wharf/hello/null",
            "~> 1.0",
        );
        let output = project.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        assert_eq!(
            project.installed_version().as_deref(),
            Some("1.0.0"),
            "{version}"
        );
    }
    // The discovery, versions and download calls went over TLS with the token.
    if let Some(log) = wharf.request_log() {
        assert!(
            log.iter().any(
                |line| line.contains("GET /v1/modules/wharf/hello/null/versions 200")
                    && line.ends_with("auth=bearer")
            ),
            "{log:#?}"
        );
    }
    // A plain-HTTP request to the TLS port gets no HTTP answer at all.
    let plain = std::net::TcpStream::connect(wharf.address).and_then(|mut stream| {
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")?;
        stream.set_read_timeout(Some(std::time::Duration::from_secs(15)))?;
        let mut answer = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stream, &mut answer);
        Ok(answer)
    });
    let answer = plain.expect("connect");
    assert!(
        !answer.starts_with(b"HTTP/1.1 200"),
        "plain HTTP was served on the TLS port"
    );
    if wharf.request_log().is_some() {
        let logged = wharf.wait_for_log_line(
            |line| line.contains("TLS handshake with"),
            std::time::Duration::from_secs(5),
        );
        assert!(
            logged.is_some(),
            "the refused plain-HTTP client was not logged: {:#?}",
            wharf.log()
        );
    }
}

/// A wrong CA: terraform refuses the certificate and says so; nothing is installed.
#[test]
fn terraform_refuses_a_certificate_it_does_not_trust() {
    let certificates = TestCertificates::for_loopback();
    let stranger = TestCertificates::for_loopback();
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start_tls(
        &wharf_manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
        &certificates,
    );
    let binary = &terraform_binaries()[0];
    let project = TerraformProject::over_https(
        wharf.address,
        &stranger.authority,
        TOKEN,
        "wharf/hello/null",
        "~> 1.0",
    );
    let output = project.init(binary);
    assert!(!output.status.success(), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("certificate") || stderr.contains("x509"),
        "{}",
        describe(&output)
    );
    assert_eq!(project.installed_version(), None);
}

/// Each terraform version against a cold wharf, so each one goes the whole way: tags from
/// GitHub, the tarball through the download host, repacked.
#[test]
fn terraform_installs_a_private_module_from_github_tags() {
    let github = FakeGitHub::start();
    github.add_repository("acme/proxmox-vm", proxmox_repository());
    github.add_token(GITHUB_TOKEN);

    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let state = tempfile::tempdir().expect("state");
        let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
        github.clear_calls();
        let project =
            TerraformProject::new(wharf.address, TOKEN, "acme/proxmox-vm/proxmox", "~> 1.0");
        let output = project.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        // ~> 1.0 picks 1.1.0: the newer 1.2.0-beta.1 is a prerelease, `latest` is no version.
        assert_eq!(
            project.installed_version().as_deref(),
            Some("1.1.0"),
            "{version}"
        );
        let main_tf = project.installed_file("main.tf").unwrap_or_default();
        assert!(
            main_tf.contains("v1.1.0"),
            "files at the module root: {main_tf}"
        );
        assert!(project.installed_file("modules/disk/main.tf").is_some());

        let calls = github.calls();
        let downloads: Vec<_> = calls
            .iter()
            .filter(|call| call.host == "downloads")
            .collect();
        println!("{version}, cold: {}", github.call_counts());
        assert!(calls
            .iter()
            .filter(|call| call.host == "api")
            .all(|call| call.authorization.is_some()));
        assert!(!downloads.is_empty() && downloads.iter().all(|call| call.authorization.is_none()));

        std::thread::sleep(std::time::Duration::from_millis(200));
        if let Some(request_log) = wharf.request_log() {
            let log = request_log.join("\n");
            assert!(
                log.contains("/versions 200") && log.contains("terraform-discovery auth=bearer"),
                "{log}"
            );
            assert!(
                log.contains("module-archives auth=none"),
                "Terraform sends no token to archive URLs:\n{log}"
            );
        }
        let log = wharf.log().join("\n");
        assert!(!log.contains(TOKEN) && !log.contains(GITHUB_TOKEN), "{log}");
    }
}

/// wharf stores incompressible files of a repacked archive in a gzip member of their own
/// (`module-archive`): the real clients must unpack such a multi-member `.tar.gz` whole.
#[test]
fn terraform_unpacks_a_module_whose_binary_file_wharf_stored_uncompressed() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let binary: Vec<u8> = (0..300 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let commit = sha(77);
    let top = format!("acme-blob-{}", &commit[..7]);
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    for (path, contents) in [
        (
            "main.tf",
            b"output \"tag\" {\n  value = \"v1.0.0\"\n}\n".as_slice(),
        ),
        ("files/blob.bin", binary.as_slice()),
        (
            "variables.tf",
            b"variable \"size\" {\n  default = 8\n}\n".as_slice(),
        ),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(contents.len() as u64);
        builder
            .append_data(&mut header, format!("{top}/{path}"), contents)
            .expect("entry");
    }
    let tarball = builder
        .into_inner()
        .and_then(|encoder| encoder.finish())
        .expect("tarball");
    let mut repository = FakeRepository {
        private: true,
        ..Default::default()
    };
    repository.tags = vec![("v1.0.0".to_owned(), commit.clone())];
    repository.tarballs.insert(commit, tarball);
    let github = FakeGitHub::start();
    github.add_repository("acme/blob", repository);
    github.add_token(GITHUB_TOKEN);

    for binary_path in terraform_binaries() {
        let version = terraform_version(&binary_path);
        let state = tempfile::tempdir().expect("state");
        let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
        let project = TerraformProject::new(wharf.address, TOKEN, "acme/blob/null", "1.0.0");
        let output = project.init(&binary_path);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        assert!(
            project.installed_bytes("files/blob.bin") == Some(binary.clone()),
            "{version}: the stored file arrives whole"
        );
        assert!(
            project
                .installed_file("variables.tf")
                .is_some_and(|text| text.contains("default = 8")),
            "{version}: the file after it too"
        );
    }

    // What terraform unpacked was a multi-member archive: a reader of only the first gzip
    // member stops before the binary.
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
    let bearer = format!("Bearer {TOKEN}");
    let download = wharf.get_with(
        "/v1/modules/acme/blob/null/1.0.0/download",
        &[("Authorization", bearer.as_bytes())],
    );
    assert_eq!(download.status, 204, "{}", download.text());
    let archive = wharf.get(download.header("x-terraform-get").expect("X-Terraform-Get"));
    assert_eq!(archive.status, 200, "{}", archive.text());
    let mut whole = Vec::new();
    flate2::read::MultiGzDecoder::new(&archive.body[..])
        .read_to_end(&mut whole)
        .expect("a gzip stream");
    let mut first_member = Vec::new();
    flate2::read::GzDecoder::new(&archive.body[..])
        .read_to_end(&mut first_member)
        .expect("a gzip member");
    assert!(
        first_member.len() < binary.len() && whole.len() > binary.len(),
        "members: first {} bytes, all {} bytes",
        first_member.len(),
        whole.len()
    );
}

/// A module with `tag_count` version tags (two pages from 101 on), a tarball for each.
fn module_with_tags(tag_count: u32) -> FakeRepository {
    let mut repository = FakeRepository::default();
    for minor in (0..tag_count).rev() {
        let commit = sha(5000 + minor);
        let tag = format!("v1.{minor}.0");
        repository
            .tarballs
            .insert(commit.clone(), module_tarball("acme/vm", &commit, &tag));
        repository.tags.push((tag, commit));
    }
    repository
}

/// Issue 12 must 4: once wharf has served a version, `terraform init` of it costs GitHub no
/// call that returns a body: within the fresh window no call at all, after it only
/// conditional requests answered 304 (which GitHub does not count against the rate limit).
#[test]
fn a_warm_terraform_init_costs_github_no_call_that_returns_a_body() {
    let binary = &terraform_binaries()[0];
    for tag_count in [3, 114] {
        let github = FakeGitHub::start();
        github.add_repository("acme/vm", module_with_tags(tag_count));
        github.add_token(GITHUB_TOKEN);
        let state = tempfile::tempdir().expect("state");
        let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
        let init = |round: &str| {
            github.clear_calls();
            let project = TerraformProject::new(wharf.address, TOKEN, "acme/vm/proxmox", "1.1.0");
            let output = project.init(binary);
            assert!(output.status.success(), "{round}: {}", describe(&output));
            assert_eq!(project.installed_version().as_deref(), Some("1.1.0"));
            assert!(project
                .installed_file("main.tf")
                .is_some_and(|main_tf| main_tf.contains("v1.1.0")));
            let counts = github.call_counts();
            println!("{tag_count} tags, {round}: {counts}");
            counts
        };

        let cold = init("cold");
        let pages = if tag_count > 100 { 2 } else { 1 };
        assert_eq!(cold.api_with_body, pages, "the tag list, once");
        assert_eq!(
            (cold.api_redirects, cold.downloads),
            (1, 1),
            "one tarball, through the download host"
        );

        let within_window = init("warm, within the fresh window");
        assert_eq!(
            within_window,
            CallCounts::default(),
            "tags and archive from key-value"
        );

        std::thread::sleep(REVALIDATE_AFTER);
        let revalidated = init("warm, revalidated");
        assert_eq!(revalidated.with_body(), 0, "{revalidated}");
        assert_eq!(
            revalidated.api_not_modified, pages,
            "the warm path asked GitHub, conditionally, once per page"
        );
        assert_eq!(revalidated.other, 0);
    }
}

#[test]
fn a_wrong_registry_token_fails_terraform_init() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    );
    for binary in terraform_binaries() {
        let project = TerraformProject::new(
            wharf.address,
            "not-the-token-0123456",
            "wharf/hello/null",
            "~> 1.0",
        );
        let output = project.init(&binary);
        assert!(!output.status.success(), "{}", describe(&output));
        assert!(project.installed_file("main.tf").is_none());
    }
}

#[test]
fn a_github_app_installation_token_is_minted_once_and_cached() {
    let github = FakeGitHub::start();
    github.add_repository("acme/proxmox-vm", proxmox_repository());
    let mut random = rand::thread_rng();
    let key = rsa::RsaPrivateKey::new(&mut random, 2048).expect("app key");
    github.set_app(FakeApp {
        app_id: "424242".to_owned(),
        installation_id: "777".to_owned(),
        public_key: key.to_public_key(),
    });
    let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem");
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(
        &github,
        state.path(),
        &[
            ("github_app_id", "424242"),
            ("github_app_installation_id", "777"),
            ("github_app_private_key", pem.as_str()),
        ],
    );
    let binary = &terraform_binaries()[0];
    for round in ["cold", "warm"] {
        if round == "warm" {
            // Past the fresh window, so the warm round asks GitHub and needs the token.
            std::thread::sleep(REVALIDATE_AFTER);
        }
        github.clear_calls();
        let project =
            TerraformProject::new(wharf.address, TOKEN, "acme/proxmox-vm/proxmox", "1.0.0");
        let output = project.init(binary);
        assert!(output.status.success(), "{round}: {}", describe(&output));
        assert_eq!(project.installed_version().as_deref(), Some("1.0.0"));
        let exchanges = github
            .calls()
            .iter()
            .filter(|call| call.path.ends_with("/access_tokens"))
            .count();
        let api_calls = github
            .calls()
            .iter()
            .filter(|call| call.host == "api")
            .count();
        println!("GitHub App, {round}: {api_calls} API calls, {exchanges} token exchange(s)");
        assert_eq!(exchanges, usize::from(round == "cold"), "{round}");
        assert!(
            api_calls > exchanges,
            "{round}: GitHub was asked with the token"
        );
    }
}

#[test]
fn a_moved_tag_is_refused() {
    let github = FakeGitHub::start();
    github.add_repository("acme/proxmox-vm", proxmox_repository());
    github.add_token(GITHUB_TOKEN);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
    let download = "/v1/modules/acme/proxmox-vm/proxmox/1.1.0/download";
    let bearer = format!("Bearer {TOKEN}");
    let first = wharf.get_with(download, &[("Authorization", bearer.as_bytes())]);
    assert_eq!(first.status, 204, "{}", first.text());
    assert!(first
        .header("x-terraform-get")
        .unwrap_or_default()
        .contains(&sha(3)));

    github.move_tag("acme/proxmox-vm", "v1.1.0", &sha(99));
    std::thread::sleep(REVALIDATE_AFTER);
    let moved = wharf.get_with(download, &[("Authorization", bearer.as_bytes())]);
    assert_eq!(moved.status, 409, "{}", moved.text());
    assert!(moved.text().contains("v1.1.0"), "{}", moved.text());
}

/// `allowed_owners` is checked where GitHub is reached, not only by the routes: a correctly
/// signed archive URL for an owner outside the list (signed before the operator removed the
/// owner, or by anyone holding the signing key) reads nothing, from GitHub or the cache.
#[test]
fn a_signed_archive_url_for_an_owner_outside_allowed_owners_reads_nothing() {
    let github = FakeGitHub::start();
    github.add_repository("evil/proxmox-vm", proxmox_repository());
    github.add_token(GITHUB_TOKEN);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 300;
    for owner in ["evil", "EVIL"] {
        let path = format!("/archive/github/{owner}/proxmox-vm/{}.tar.gz", sha(3));
        let query = terraform_registry::sign_archive_path(SIGNING_KEY.as_bytes(), &path, expires)
            .expect("signs");
        let response = wharf.get(&format!("{path}?{query}"));
        assert_eq!(response.status, 404, "{owner}: {}", response.text());
    }
    assert!(
        github.calls().is_empty(),
        "nothing reached GitHub: {:?}",
        github.calls()
    );
    let allowed = format!("/archive/github/acme/proxmox-vm/{}.tar.gz", sha(3));
    let query = terraform_registry::sign_archive_path(SIGNING_KEY.as_bytes(), &allowed, expires)
        .expect("signs");
    assert_eq!(
        wharf.get(&format!("{allowed}?{query}")).status,
        404,
        "acme/proxmox-vm does not exist on this GitHub: the same URL shape reaches it"
    );
    assert!(!github.calls().is_empty(), "the allowed owner was asked");
}

#[test]
fn archive_urls_need_a_valid_unexpired_signature() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    );
    let bearer = format!("Bearer {TOKEN}");
    let download = wharf.get_with(
        "/v1/modules/wharf/hello/null/1.0.0/download",
        &[("Authorization", bearer.as_bytes())],
    );
    assert_eq!(download.status, 204, "{}", download.text());
    let location = download
        .header("x-terraform-get")
        .expect("X-Terraform-Get")
        .to_owned();
    let (path, query) = location.split_once('?').expect("signed query");

    let head = wharf.send("HEAD", &location, &[], b"");
    assert_eq!(head.status, 200);
    let reordered: Vec<&str> = query.split('&').rev().collect();
    let get = wharf.get(&format!("{path}?archive=tar.gz&{}", reordered.join("&")));
    assert_eq!(get.status, 200, "{}", get.text());
    assert_eq!(&get.body[..2], &[0x1f, 0x8b], "a gzip stream");

    let tampered = location.replace("1.0.0.tar.gz", "2.0.0.tar.gz");
    let refused = wharf.get(&tampered);
    assert_eq!(refused.status, 403, "{}", refused.text());
    let expired = wharf.get(&format!("{path}?expires=1&signature=00"));
    assert_eq!(expired.status, 403);
    let unsigned = wharf.get(path);
    assert_eq!(unsigned.status, 403);
    assert!(!unsigned.text().is_empty(), "403 says why");
}

#[test]
fn github_failures_become_retryable_errors_with_a_body() {
    let github = FakeGitHub::start();
    github.add_repository("acme/proxmox-vm", proxmox_repository());
    github.add_repository(
        "acme/garbage",
        FakeRepository {
            garbage_tags: Some("<html>unicorn</html>".to_owned()),
            ..Default::default()
        },
    );
    github.add_token(GITHUB_TOKEN);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
    let bearer = format!("Bearer {TOKEN}");
    let authorization = [("Authorization", bearer.as_bytes())];

    let garbage = wharf.get_with("/v1/modules/acme/garbage/aws/versions", &authorization);
    assert_eq!(garbage.status, 502, "{}", garbage.text());

    let not_allowed = wharf.get_with(
        "/v1/modules/evil/proxmox-vm/proxmox/versions",
        &authorization,
    );
    assert_eq!(
        not_allowed.status, 404,
        "owners outside allowed_owners do not exist"
    );
    let unknown = wharf.get_with("/v1/modules/acme/nothing/proxmox/versions", &authorization);
    assert_eq!(unknown.status, 404);

    // Rate-limited before wharf ever saw the module: nothing cached to stand in.
    github.fail(Some(GitHubFailure::RateLimited {
        reset_in: std::time::Duration::from_secs(120),
    }));
    let limited = wharf.get_with(
        "/v1/modules/acme/proxmox-vm/proxmox/versions",
        &authorization,
    );
    assert_eq!(limited.status, 503, "{}", limited.text());
    let retry_after: u64 = limited
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert!(limited.text().contains("rate limit"), "{}", limited.text());
    // GitHub said when the limit resets; until then wharf does not ask again.
    github.clear_calls();
    let again = wharf.get_with("/v1/modules/acme/vpc/aws/versions", &authorization);
    assert_eq!(again.status, 503, "{}", again.text());
    assert!(
        again
            .text()
            .contains("no earlier copy of the tags of acme/vpc"),
        "{}",
        again.text()
    );
    assert!(github.calls().is_empty(), "{:?}", github.calls());
}

#[test]
fn github_unreachable_is_a_503_with_retry_after() {
    // Nothing listens on port 9 of loopback.
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("origin", "github"),
            ("github_api_url", "http://127.0.0.1:9"),
            ("allowed_owners", "acme"),
            ("api_tokens", TOKEN),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let bearer = format!("Bearer {TOKEN}");
    let response = wharf.get_with(
        "/v1/modules/acme/proxmox-vm/proxmox/versions",
        &[("Authorization", bearer.as_bytes())],
    );
    assert_eq!(response.status, 503, "{}", response.text());
    assert!(response.header("retry-after").is_some());
    assert!(
        response.text().contains("refused the connection"),
        "{}",
        response.text()
    );
}

#[test]
fn module_repository_template_maps_modules_to_other_repository_names() {
    let github = FakeGitHub::start();
    github.add_repository("acme/terraform-proxmox-vm", proxmox_repository());
    github.add_token(GITHUB_TOKEN);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(
        &github,
        state.path(),
        &[
            ("github_token", GITHUB_TOKEN),
            (
                "module_repository_template",
                "{namespace}/terraform-{provider}-{name}",
            ),
        ],
    );
    let bearer = format!("Bearer {TOKEN}");
    let versions = wharf.get_with(
        "/v1/modules/acme/vm/proxmox/versions",
        &[("Authorization", bearer.as_bytes())],
    );
    assert_eq!(versions.status, 200, "{}", versions.text());
    assert!(
        versions.text().starts_with(
            r#"{"modules":[{"versions":[{"version":"1.2.0-beta.1"},{"version":"1.1.0"}"#
        ),
        "{}",
        versions.text()
    );
    assert!(github
        .calls()
        .iter()
        .any(|call| call.path == "/repos/acme/terraform-proxmox-vm/tags"));
}

#[test]
fn a_broken_upstream_archive_is_never_delivered_as_complete() {
    use std::io::{Read, Write as _};
    let github = FakeGitHub::start();
    let mut repository = proxmox_repository();
    // The commit behind v1.1.0 has a truncated tarball on the download host.
    let whole = repository.tarballs[&sha(3)].clone();
    repository
        .tarballs
        .insert(sha(3), whole[..whole.len() / 2].to_vec());
    github.add_repository("acme/proxmox-vm", repository);
    github.add_token(GITHUB_TOKEN);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);
    let bearer = format!("Bearer {TOKEN}");
    let download = wharf.get_with(
        "/v1/modules/acme/proxmox-vm/proxmox/1.1.0/download",
        &[("Authorization", bearer.as_bytes())],
    );
    let location = download
        .header("x-terraform-get")
        .expect("X-Terraform-Get")
        .to_owned();

    let mut stream = std::net::TcpStream::connect(wharf.address).expect("connect");
    write!(
        stream,
        "GET {location} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        wharf.address
    )
    .expect("send");
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received);
    // An error status is fine; a success must not look complete. wharf-host closes the
    // connection before any byte (the failure came before the first chunk) or mid-body.
    let head = String::from_utf8_lossy(&received[..received.len().min(400)]).to_lowercase();
    if head.starts_with("http/1.1 2") {
        assert!(
            !head.contains("content-length"),
            "an aborted stream has no length: {head}"
        );
        assert!(
            !received.ends_with(b"0\r\n\r\n"),
            "a broken archive must not end like a complete chunked response"
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = wharf.log().join("\n");
    assert!(
        log.contains("aborted"),
        "the repack failed and said so:\n{log}"
    );
}
