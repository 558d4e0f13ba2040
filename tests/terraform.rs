//! The Terraform module registry end to end with the real terraform CLI (1.11.x and 1.0.3):
//! through the files origin (the sample registry) and the GitHub origin (the fake GitHub).

use std::io::Write;

use end_to_end::fake_github::{FakeApp, FakeGitHub, FakeRepository};
use end_to_end::terraform::{describe, terraform_binaries, terraform_version, TerraformProject};
use end_to_end::test_ca::TestCertificates;
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;
use flate2::write::GzEncoder;
use rsa::pkcs1::EncodeRsaPrivateKey;

const TOKEN: &str = "terraform-token-0123456789";
const SIGNING_KEY: &str = "module-url-signing-key-0123456789";
const GITHUB_TOKEN: &str = "ghp_fakefakefakefakefakefakefakefakefake1";

fn sha(seed: u32) -> String {
    format!("{seed:08x}").repeat(5)
}

/// A tarball shaped like GitHub's: pax global header, then everything under `owner-repo-sha7/`.
fn github_tarball(top: &str, main_tf: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::default()));
    let mut global = tar::Header::new_ustar();
    global.set_entry_type(tar::EntryType::XGlobalHeader);
    let comment = b"52 comment=0123456789abcdef0123456789abcdef01234567\n";
    global.set_size(comment.len() as u64);
    global.set_path("pax_global_header").expect("path");
    global.set_cksum();
    builder
        .append(&global, &comment[..])
        .expect("global header");
    for (path, contents) in [
        ("main.tf", main_tf),
        (
            "modules/disk/main.tf",
            "variable \"size\" {\n  default = 8\n}\n",
        ),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(contents.len() as u64);
        builder
            .append_data(&mut header, format!("{top}/{path}"), contents.as_bytes())
            .expect("entry");
    }
    let mut encoder = builder.into_inner().expect("tar");
    encoder.flush().expect("flush");
    encoder.finish().expect("gzip")
}

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
    // The discovery, versions and download calls went over TLS with the token; the archive
    // without it. A plain-HTTP request to the TLS port gets no HTTP answer at all.
    let log = wharf.log();
    assert!(
        log.iter().any(
            |line| line.contains("GET /v1/modules/wharf/hello/null/versions 200")
                && line.ends_with("auth=bearer")
        ),
        "{log:#?}"
    );
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
    // The line is written once the server has closed its side, which may be just after the
    // client saw the end of the stream.
    let logged = (0..30).any(|_| {
        let found = wharf
            .log()
            .iter()
            .any(|line| line.contains("TLS handshake with"));
        if !found {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        found
    });
    assert!(logged, "the refused plain-HTTP client was not logged");
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

#[test]
fn terraform_installs_a_private_module_from_github_tags() {
    let github = FakeGitHub::start();
    github.add_repository("acme/proxmox-vm", proxmox_repository());
    github.add_token(GITHUB_TOKEN);
    let state = tempfile::tempdir().expect("state");
    let wharf = github_wharf(&github, state.path(), &[("github_token", GITHUB_TOKEN)]);

    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
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
        let api_calls = calls.iter().filter(|call| call.host == "api").count();
        let downloads: Vec<_> = calls
            .iter()
            .filter(|call| call.host == "downloads")
            .collect();
        println!(
            "{version}: one terraform init cost {api_calls} GitHub API calls and {} download(s)",
            downloads.len()
        );
        assert!(calls
            .iter()
            .filter(|call| call.host == "api")
            .all(|call| call.authorization.is_some()));
        assert!(!downloads.is_empty() && downloads.iter().all(|call| call.authorization.is_none()));
    }

    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = wharf.log().join("\n");
    assert!(
        log.contains("/versions 200") && log.contains("terraform-discovery auth=bearer"),
        "{log}"
    );
    assert!(
        log.contains("module-archives auth=none"),
        "Terraform sends no token to archive URLs:\n{log}"
    );
    assert!(!log.contains(TOKEN) && !log.contains(GITHUB_TOKEN), "{log}");
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
    let moved = wharf.get_with(download, &[("Authorization", bearer.as_bytes())]);
    assert_eq!(moved.status, 409, "{}", moved.text());
    assert!(moved.text().contains("v1.1.0"), "{}", moved.text());
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

    github.set_rate_limited(true);
    let limited = wharf.get_with(
        "/v1/modules/acme/proxmox-vm/proxmox/versions",
        &authorization,
    );
    assert_eq!(limited.status, 503, "{}", limited.text());
    let retry_after: u64 = limited
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=180).contains(&retry_after), "{retry_after}");
    assert!(limited.text().contains("rate limit"), "{}", limited.text());
    github.set_rate_limited(false);

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
}

#[test]
fn github_unreachable_is_a_502_with_retry_after() {
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
    assert_eq!(response.status, 502, "{}", response.text());
    assert!(response.header("retry-after").is_some());
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
