//! The provider network mirror end to end: real terraform fills a mirror directory from
//! wharf's own provider registry (`terraform providers mirror`, as an operator does on a
//! connected machine), the directory is copied into a second wharf, and real terraform (1.11
//! and 1.0.3) installs through that wharf's `/mirror/v1/` over HTTPS with a test CA.

use end_to_end::providers::{
    copy_tree, terraform_says, Application, Author, ProviderProject, HOST_PLATFORM,
};
use end_to_end::terraform::{describe, terraform_binaries, terraform_version};
use end_to_end::test_ca::TestCertificates;
use end_to_end::WharfHost;

const TOKEN: &str = "mirror-token-0123456789";
const SIGNING_KEY: &str = "mirror-url-signing-key-0123456789";
const SOURCE: &str = "registry.test/acme/hello";
const PLATFORMS: [&str; 2] = [HOST_PLATFORM, "darwin_arm64"];

/// The origin: a wharf serving acme/hello 1.0.0 and 1.1.0 from its files origin.
struct Origin {
    _application: Application,
    _state: tempfile::TempDir,
    wharf: WharfHost,
}

fn origin() -> Origin {
    let application = Application::new();
    let author = Author::new("author@example.org", "rsa3072");
    for version in ["1.0.0", "1.1.0"] {
        application.pack_release(version, &PLATFORMS, &author);
    }
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &application.manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    );
    Origin {
        _application: application,
        _state: state,
        wharf,
    }
}

/// `terraform providers mirror` from the origin, into a new application's `registry/mirror`.
fn mirrored_application(origin: &Origin, constraint: &str) -> Application {
    let binary = &terraform_binaries()[0];
    let project = ProviderProject::from_registry(origin.wharf.address, TOKEN, SOURCE, constraint);
    let target = tempfile::tempdir().expect("mirror");
    let mut arguments = vec!["providers", "mirror"];
    let platform_flags: Vec<String> = PLATFORMS.iter().map(|p| format!("-platform={p}")).collect();
    arguments.extend(platform_flags.iter().map(String::as_str));
    let target_path = target.path().to_str().expect("utf-8").to_owned();
    arguments.push(&target_path);
    let output = project.terraform(binary, &arguments);
    assert!(output.status.success(), "{}", describe(&output));
    let application = Application::new();
    copy_tree(target.path(), &application.registry().join("mirror"));
    application
}

fn mirror_wharf(
    application: &Application,
    state: &std::path::Path,
    certificates: &TestCertificates,
) -> WharfHost {
    WharfHost::start_tls(
        &application.manifest(),
        state,
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
        certificates,
    )
}

#[test]
fn terraform_installs_through_the_mirror_with_credentials_and_not_without() {
    let origin = origin();
    let application = mirrored_application(&origin, "1.1.0");
    let certificates = TestCertificates::for_loopback();
    let state = tempfile::tempdir().expect("state");
    let mirror = mirror_wharf(&application, state.path(), &certificates);

    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project = ProviderProject::from_mirror(
            mirror.address,
            &certificates.authority,
            Some(TOKEN),
            SOURCE,
            "~> 1.0",
        );
        let output = project.init(&binary);
        assert!(output.status.success(), "{version}: {}", describe(&output));
        let executable = project
            .installed_executable(SOURCE, "1.1.0", "hello")
            .unwrap_or_default();
        assert!(
            executable.contains("hello 1.1.0 for linux_amd64"),
            "{version}: {}",
            describe(&output)
        );
        // Only what was mirrored is there: 1.0.0 was not.
        let old = ProviderProject::from_mirror(
            mirror.address,
            &certificates.authority,
            Some(TOKEN),
            SOURCE,
            "1.0.0",
        );
        let output = old.init(&binary);
        assert!(!output.status.success(), "{version}: {}", describe(&output));
        assert!(
            terraform_says(&output)
                .contains("no available releases match the given constraints 1.0.0"),
            "{version}: {}",
            describe(&output)
        );

        let anonymous = ProviderProject::from_mirror(
            mirror.address,
            &certificates.authority,
            None,
            SOURCE,
            "~> 1.0",
        );
        let output = anonymous.init(&binary);
        assert!(!output.status.success(), "{version}: {}", describe(&output));
        let text = terraform_says(&output);
        assert!(
            text.contains(&format!(
                "host {} rejected the given authentication credentials",
                mirror.address
            )),
            "{version}: {text}"
        );
        assert!(anonymous
            .installed_executable(SOURCE, "1.1.0", "hello")
            .is_none());
    }
    // Which requests carried credentials is read from wharf-host's access log (Spin writes
    // none; under Spin the outcomes above are the proof).
    if mirror.runner().is_spin() {
        return;
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = mirror.log().join("\n");
    assert!(
        log.contains("/mirror/v1/registry.test/acme/hello/index.json 200")
            && log.contains("provider-mirror auth=bearer"),
        "{log}"
    );
    assert!(
        log.contains("/mirror/v1/registry.test/acme/hello/index.json 401"),
        "{log}"
    );
    assert!(
        log.contains("provider-mirror auth=none"),
        "packages are fetched without credentials:\n{log}"
    );
}

/// The mirror lists, for each package, the `h1:` that `terraform providers lock` records (of the
/// unpacked files), the `h1:` `terraform providers mirror` recorded (of the zip's entries; the
/// test packages hold a directory entry, so they differ) and the `zh:`; a lock file made against
/// the origin registry then holds when installing through the mirror, and the other way round.
#[test]
fn mirror_hashes_match_what_terraform_providers_lock_records() {
    let origin = origin();
    let application = mirrored_application(&origin, "1.1.0");
    let certificates = TestCertificates::for_loopback();
    let state = tempfile::tempdir().expect("state");
    let mirror = mirror_wharf(&application, state.path(), &certificates);
    let binary = &terraform_binaries()[0];

    let locked = ProviderProject::from_registry(origin.wharf.address, TOKEN, SOURCE, "1.1.0");
    let output = locked.terraform(
        binary,
        &[
            "providers",
            "lock",
            "-platform=linux_amd64",
            "-platform=darwin_arm64",
        ],
    );
    assert!(output.status.success(), "{}", describe(&output));
    let lock_hashes = locked.locked_hashes();
    let lock_file = locked.lock_file().expect("lock file");

    let bearer = format!("Bearer {TOKEN}");
    let document = https_get(
        &mirror,
        &certificates,
        "/mirror/v1/registry.test/acme/hello/1.1.0.json",
        &bearer,
    );
    let listed: Vec<String> = ["linux_amd64", "darwin_arm64"]
        .iter()
        .flat_map(|platform| {
            document["archives"][platform]["hashes"]
                .as_array()
                .unwrap_or_else(|| panic!("{platform} in {document}"))
                .iter()
                .map(|hash| hash.as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let recorded_by_terraform_mirror = std::fs::read_to_string(
        application
            .registry()
            .join("mirror/registry.test/acme/hello/1.1.0.json"),
    )
    .expect("terraform's index");
    for hash in lock_hashes.iter().filter(|hash| hash.starts_with("h1:")) {
        assert!(
            listed.contains(hash),
            "lock's {hash} not listed by the mirror: {listed:?}"
        );
    }
    for hash in listed.iter().filter(|hash| hash.starts_with("zh:")) {
        assert!(
            lock_hashes.contains(hash),
            "mirror's {hash} not in the lock: {lock_hashes:?}"
        );
    }
    for hash in recorded_by_terraform_mirror
        .split('"')
        .filter(|part| part.starts_with("h1:"))
    {
        assert!(
            listed.iter().any(|listed| listed == hash),
            "{hash} from terraform providers mirror: {listed:?}"
        );
    }
    assert!(
        lock_hashes
            .iter()
            .filter(|h| h.starts_with("h1:"))
            .all(|h| !recorded_by_terraform_mirror.contains(h.as_str())),
        "the test packages must make the two h1: forms differ, or this test proves less"
    );

    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let through_mirror = ProviderProject::from_mirror(
            mirror.address,
            &certificates.authority,
            Some(TOKEN),
            SOURCE,
            "1.1.0",
        );
        through_mirror.write_lock_file(&lock_file);
        let output = through_mirror.init(&binary);
        assert!(
            output.status.success(),
            "{version}: lock from the registry, install from the mirror: {}",
            describe(&output)
        );
        // And a lock written through the mirror holds against the registry.
        let mirror_lock = through_mirror.lock_file().expect("lock");
        let from_registry =
            ProviderProject::from_registry(origin.wharf.address, TOKEN, SOURCE, "1.1.0");
        from_registry.write_lock_file(&mirror_lock);
        let output = from_registry.init(&binary);
        assert!(
            output.status.success(),
            "{version}: lock from the mirror, install from the registry: {}",
            describe(&output)
        );
    }
}

#[test]
fn mirror_packages_need_a_signature_and_changed_packages_are_left_out() {
    let origin = origin();
    let application = mirrored_application(&origin, "1.0.0");
    let certificates = TestCertificates::for_loopback();
    let state = tempfile::tempdir().expect("state");
    let mirror = mirror_wharf(&application, state.path(), &certificates);
    let bearer = format!("Bearer {TOKEN}");

    let index = https_get(
        &mirror,
        &certificates,
        "/mirror/v1/registry.test/acme/hello/index.json",
        &bearer,
    );
    assert_eq!(index, serde_json::json!({"versions": {"1.0.0": {}}}));
    let document = https_get(
        &mirror,
        &certificates,
        "/mirror/v1/registry.test/acme/hello/1.0.0.json",
        &bearer,
    );
    let url = document["archives"]["linux_amd64"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert!(url.starts_with("/mirror/v1/registry.test/acme/hello/terraform-provider-hello_1.0.0_linux_amd64.zip?expires="), "{url}");
    let (status, body) = curl(&mirror, &certificates, &url, None);
    assert_eq!(status, 200);
    assert_eq!(
        format!("zh:{}", end_to_end::providers::sha256_hex(&body)),
        document["archives"]["linux_amd64"]["hashes"]
            .as_array()
            .and_then(|h| h.last())
            .and_then(|h| h.as_str())
            .unwrap_or_default()
    );
    let (unsigned, text) = curl(
        &mirror,
        &certificates,
        url.split('?').next().unwrap_or_default(),
        None,
    );
    assert_eq!(unsigned, 403, "{}", String::from_utf8_lossy(&text));
    let (anonymous, _) = curl(
        &mirror,
        &certificates,
        "/mirror/v1/registry.test/acme/hello/1.0.0.json",
        None,
    );
    assert_eq!(anonymous, 401);

    // The hashes were computed once; asking again reads them from key-value.
    let hashed_lines = |wharf: &WharfHost| {
        wharf
            .log()
            .iter()
            .filter(|line| line.contains("hashed terraform-provider-hello_1.0.0_"))
            .count()
    };
    assert_eq!(hashed_lines(&mirror), 2, "{:#?}", mirror.log());
    https_get(
        &mirror,
        &certificates,
        "/mirror/v1/registry.test/acme/hello/1.0.0.json",
        &bearer,
    );
    assert_eq!(hashed_lines(&mirror), 2, "warm: no package hashed again");

    // A package changed after `terraform providers mirror` recorded its hash is not served.
    let package = application
        .registry()
        .join("mirror/registry.test/acme/hello/terraform-provider-hello_1.0.0_darwin_arm64.zip");
    std::fs::write(
        &package,
        end_to_end::providers::provider_zip("hello", "1.0.0", "tampered"),
    )
    .expect("replace");
    let document = https_get(
        &mirror,
        &certificates,
        "/mirror/v1/registry.test/acme/hello/1.0.0.json",
        &bearer,
    );
    assert!(document["archives"]["darwin_arm64"].is_null(), "{document}");
    assert!(
        document["archives"]["linux_amd64"].is_object(),
        "{document}"
    );
    let log = mirror.log().join("\n");
    assert!(
        log.contains("terraform-provider-hello_1.0.0_darwin_arm64.zip is left out")
            && log.contains("mirror it again"),
        "{log}"
    );
}

/// GET over HTTPS with the test CA (curl), as JSON.
fn https_get(
    wharf: &WharfHost,
    certificates: &TestCertificates,
    path: &str,
    authorization: &str,
) -> serde_json::Value {
    let (status, body) = curl(wharf, certificates, path, Some(authorization));
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn curl(
    wharf: &WharfHost,
    certificates: &TestCertificates,
    path: &str,
    authorization: Option<&str>,
) -> (u16, Vec<u8>) {
    let mut command = std::process::Command::new("curl");
    command
        .args(["--silent", "--show-error", "--cacert"])
        .arg(&certificates.authority)
        .args(["--write-out", "\n%{http_code}"]);
    if let Some(value) = authorization {
        command.args(["--header", &format!("Authorization: {value}")]);
    }
    let output = command
        .arg(format!("https://{}{path}", wharf.address))
        .output()
        .expect("run curl");
    assert!(output.status.success(), "{}", describe(&output));
    let mut body = output.stdout;
    let split = body.iter().rposition(|byte| *byte == b'\n').unwrap_or(0);
    let status = String::from_utf8_lossy(&body[split + 1..])
        .trim()
        .parse()
        .unwrap_or(0);
    body.truncate(split);
    (status, body)
}
