//! The deploy recipes in `deploy/` and the workflows, checked as far as this machine allows:
//! the release bundle served by `spin up --from` and wharf-host, the OCI artifact pushed to a
//! real registry and run from it, the systemd units verified and their command lines run as an
//! unprivileged user, Caddy in front of wharf-host for terraform and apt, the Kubernetes
//! manifests against their schemas, and the workflows through actionlint and shellcheck.
//! Real apt and terraform throughout. Checks that need Spin say so loudly when there is none.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use end_to_end::apt::{describe, AptClient};
use end_to_end::oci_registry::{free_loopback_address, OciRegistry};
use end_to_end::paths::{repository_root, workspace_binary};
use end_to_end::runner::{say_loudly, spin_binaries, Runner};
use end_to_end::systemd_unit::{ServiceSandbox, ServiceUnit};
use end_to_end::terraform::{terraform_binaries, terraform_version, TerraformProject};
use end_to_end::test_ca::TestCertificates;
use end_to_end::tools::required_tool;
use end_to_end::WharfHost;

const USER: &str = "fleet";
const PASSWORD: &str = "deploy-password-0123";
const TOKEN: &str = "deploy-terraform-token-0123456789";
const SIGNING_KEY: &str = "deploy-url-signing-key-0123456789";
const SAMPLE_PACKAGE: &str = "registry/apt/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb";

fn variables() -> Vec<(&'static str, &'static str)> {
    vec![
        ("basic_user", USER),
        ("basic_password", PASSWORD),
        ("api_tokens", TOKEN),
        ("url_signing_key", SIGNING_KEY),
    ]
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|error| panic!("run {command:?}: {error}"))
}

/// apt, as users run it, installs the sample package through `wharf` (at `base_uri`, trusting
/// `authority` for https) and gets the very bytes of the bundle's `.deb`.
fn apt_installs_the_sample_package(wharf: &WharfHost, base_uri: &str, authority: Option<&Path>) {
    let public_key = std::fs::read(repository_root().join("registry/apt/public.key"))
        .expect("the sample registry's public key");
    let apt = AptClient::for_uri(base_uri, authority, &public_key, USER, PASSWORD);
    let update = apt.update();
    assert!(
        update.status.success() && !String::from_utf8_lossy(&update.stderr).contains("W:"),
        "apt-get update through {base_uri} ({}):\n{}",
        wharf.runner().name(),
        describe(&update)
    );
    assert_eq!(apt.candidate("hello-wharf").as_deref(), Some("1.0.0"));
    let download = apt.download("hello-wharf");
    assert!(download.status.success(), "{}", describe(&download));
    assert_eq!(
        std::fs::read(apt.downloaded("hello-wharf_1.0.0_all.deb")).expect("downloaded .deb"),
        std::fs::read(repository_root().join(SAMPLE_PACKAGE)).expect("sample .deb"),
        "apt got the sample package byte for byte"
    );
}

/// The release bundle, built by the script `make bundle` and the release workflow run, and
/// unpacked as a user would.
struct Bundle {
    _directory: tempfile::TempDir,
    archive: PathBuf,
    /// The unpacked application folder (`spin up --from` it).
    application: PathBuf,
}

fn unpacked_bundle() -> Bundle {
    let directory = tempfile::tempdir().expect("bundle directory");
    let output = run(
        Command::new(repository_root().join("deploy/make-bundle.sh"))
            .arg(directory.path().join("dist"))
            .arg("v0.0.0-test"),
    );
    assert!(
        output.status.success(),
        "make-bundle.sh: {}",
        describe(&output)
    );
    let archive = directory.path().join("dist/wharf-app-v0.0.0-test.tar.gz");
    let unpack = run(Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(directory.path()));
    assert!(unpack.status.success(), "{}", describe(&unpack));
    // Readable by the unprivileged user the systemd units run as.
    std::fs::set_permissions(
        directory.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    Bundle {
        application: directory.path().join("wharf-app-v0.0.0-test"),
        archive,
        _directory: directory,
    }
}

/// `spin up` with its arguments, started through the harness (free port, output captured).
fn spin_up(spin: &Path, arguments: &[&std::ffi::OsStr], state: &Path) -> Result<WharfHost, String> {
    let runner = Runner::Spin(spin.to_owned());
    let mut command = runner.up_command();
    command
        .args(arguments)
        .args(["--listen", "127.0.0.1:0", "--state-dir"])
        .arg(state);
    WharfHost::serve(command, runner, &variables())
}

fn spin_version(spin: &Path) -> String {
    String::from_utf8_lossy(&run(Command::new(spin).arg("--version")).stdout)
        .trim()
        .to_owned()
}

#[test]
fn the_release_bundle_holds_the_application_and_serves_apt_under_wharf_host_and_spin() {
    let bundle = unpacked_bundle();
    let application = &bundle.application;
    for component in std::fs::read_to_string(application.join("spin.toml"))
        .expect("the bundle has spin.toml")
        .split('"')
        .filter(|text| text.starts_with("target/wasm32-wasip2/release/"))
    {
        assert!(
            application.join(component).is_file(),
            "the bundle lacks {component}"
        );
    }
    assert!(
        application.join(SAMPLE_PACKAGE).is_file(),
        "the bundle has the sample registry"
    );
    assert!(
        !application
            .join("target/wasm32-wasip2/release/host_probe.wasm")
            .exists(),
        "test components stay out of the bundle"
    );

    // The same bundle a second time gives the same bytes (a rebuilt tag matches its sums).
    let again = tempfile::tempdir().expect("second bundle");
    let output = run(
        Command::new(repository_root().join("deploy/make-bundle.sh"))
            .arg(again.path())
            .arg("v0.0.0-test"),
    );
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(
        std::fs::read(&bundle.archive).expect("first bundle"),
        std::fs::read(again.path().join("wharf-app-v0.0.0-test.tar.gz")).expect("second bundle"),
        "make-bundle.sh is reproducible"
    );

    let state = tempfile::tempdir().expect("state");
    let mut command = Command::new(workspace_binary("wharf-host"));
    command
        .args(["up", "--listen", "127.0.0.1:0", "--from"])
        .arg(application.join("spin.toml"))
        .arg("--state-dir")
        .arg(state.path());
    let wharf = WharfHost::serve(command, Runner::WharfHost, &variables())
        .unwrap_or_else(|failure| panic!("{failure}"));
    apt_installs_the_sample_package(&wharf, &format!("http://{}", wharf.address), None);
    drop(wharf);

    let spins = spin_binaries();
    if spins.is_empty() {
        say_loudly("no spin binary (WHARF_SPIN_BINARIES, SPIN, PATH, ../shared/tools/spin): `spin up --from` the unpacked bundle did not run");
    }
    for spin in spins {
        let state = tempfile::tempdir().expect("state");
        // `--from DIRECTORY`, as the release notes tell users.
        let wharf = spin_up(
            &spin,
            &["--from".as_ref(), application.as_os_str()],
            state.path(),
        )
        .unwrap_or_else(|failure| panic!("{}: {failure}", spin_version(&spin)));
        apt_installs_the_sample_package(&wharf, &format!("http://{}", wharf.address), None);
    }
}

#[test]
fn the_oci_artifact_pushed_to_a_registry_serves_apt_through_spin_up_from_it() {
    let spins = spin_binaries();
    if spins.is_empty() {
        say_loudly("no spin binary (WHARF_SPIN_BINARIES, SPIN, PATH, ../shared/tools/spin): the OCI push to a local docker-registry and `spin up --from` it did not run");
        return;
    }
    let bundle = unpacked_bundle();
    let application = &bundle.application;
    let registry = OciRegistry::start();
    for spin in spins {
        let version = spin_version(&spin);
        // One tag per Spin: each pushes (as the release workflow does with 3.6) and runs what
        // it pushed (as SpinKube's shim does).
        let tag = version
            .split_whitespace()
            .nth(1)
            .unwrap_or("unknown")
            .replace(['.', '+'], "-");
        let reference = format!("{}/wharf:{tag}", registry.address);
        let home = tempfile::tempdir().expect("spin home");
        let push = run(Command::new(&spin)
            .args(["registry", "push", "--insecure", "--from"])
            .arg(application)
            .arg(&reference)
            // Spin keeps registry logins under HOME; none is needed or kept here.
            .env("XDG_CONFIG_HOME", home.path().join("config")));
        assert!(
            push.status.success(),
            "{version}: spin registry push: {}\n{}",
            describe(&push),
            registry.log()
        );
        assert!(
            registry.tags("wharf").contains(&tag),
            "{version}: the registry lists {tag}: {:?}",
            registry.tags("wharf")
        );

        let state = tempfile::tempdir().expect("state");
        let cache = tempfile::tempdir().expect("cache");
        let wharf = spin_up(
            &spin,
            &[
                "--insecure".as_ref(),
                "--from".as_ref(),
                reference.as_ref(),
                "--cache-dir".as_ref(),
                cache.path().as_os_str(),
            ],
            state.path(),
        )
        .unwrap_or_else(|failure| panic!("{version}: spin up --from {reference}: {failure}"));
        apt_installs_the_sample_package(&wharf, &format!("http://{}", wharf.address), None);
        drop(wharf);

        // A tag the registry does not hold: Spin stops before serving, and says why.
        let state = tempfile::tempdir().expect("state");
        let missing = format!("{}/wharf:not-pushed", registry.address);
        let failure = spin_up(
            &spin,
            &[
                "--insecure".as_ref(),
                "--from".as_ref(),
                missing.as_ref(),
                "--cache-dir".as_ref(),
                cache.path().as_os_str(),
            ],
            state.path(),
        )
        .err()
        .unwrap_or_else(|| panic!("{version}: spin up --from {missing} served"));
        assert!(
            failure.contains("not-pushed")
                || failure.to_ascii_lowercase().contains("not found")
                || failure.contains("MANIFEST_UNKNOWN"),
            "{version}: the failure names the missing artifact: {failure}"
        );
    }
}

fn homelab(file: &str) -> PathBuf {
    repository_root().join("deploy/homelab").join(file)
}

/// `systemd-analyze verify` on `units` in `directory` (its drop-in folders included through
/// SYSTEMD_UNIT_PATH): its output, which must be empty for a unit to pass (it exits 0 even when
/// it ignores an unknown setting or an unparsable value).
fn systemd_verify(directory: &Path, units: &[&str]) -> Output {
    let mut command = Command::new(required_tool("systemd-analyze", "systemd"));
    command
        .arg("verify")
        .args(units.iter().map(|unit| directory.join(unit)))
        .env("SYSTEMD_UNIT_PATH", format!("{}:", directory.display()))
        .env("SYSTEMD_LOG_COLOR", "0");
    run(&mut command)
}

/// The units with their binary paths pointed at real binaries (verify needs them to exist), and
/// the drop-in beside each, as it is installed.
fn units_for_verify(spin: &Path) -> tempfile::TempDir {
    let directory = tempfile::tempdir().expect("units");
    for (unit, installed, real) in [
        ("wharf-spin.service", "/usr/local/bin/spin", spin.to_owned()),
        (
            "wharf-host.service",
            "/usr/local/bin/wharf-host",
            workspace_binary("wharf-host"),
        ),
    ] {
        let text = std::fs::read_to_string(homelab(unit)).expect("unit");
        assert!(
            text.contains(&format!("ExecStart={installed} ")),
            "{unit} runs {installed}"
        );
        std::fs::write(
            directory.path().join(unit),
            text.replace(
                &format!("ExecStart={installed} "),
                &format!("ExecStart={} ", real.display()),
            ),
        )
        .expect("write unit");
        let drop_ins = directory.path().join(format!("{unit}.d"));
        std::fs::create_dir(&drop_ins).expect("drop-in directory");
        std::fs::copy(
            homelab("behind-proxy.conf"),
            drop_ins.join("behind-proxy.conf"),
        )
        .expect("drop-in");
    }
    directory
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify_and_keep_secrets_out() {
    let spin = spin_binaries().into_iter().next().unwrap_or_else(|| {
        say_loudly(
            "no spin binary: wharf-spin.service is verified with /bin/true in place of spin",
        );
        PathBuf::from("/bin/true")
    });
    let units = units_for_verify(&spin);
    let verify = systemd_verify(units.path(), &["wharf-spin.service", "wharf-host.service"]);
    assert!(
        verify.status.success() && verify.stdout.is_empty() && verify.stderr.is_empty(),
        "systemd-analyze verify (with the behind-proxy drop-in):\n{}",
        describe(&verify)
    );

    // The check can fail: a misspelt setting in the drop-in is reported.
    let drop_in = units.path().join("wharf-host.service.d/behind-proxy.conf");
    let text = std::fs::read_to_string(&drop_in).expect("drop-in");
    std::fs::write(
        &drop_in,
        text.replace("LoadCredential=", "LoadCredentials="),
    )
    .expect("write");
    let verify = systemd_verify(units.path(), &["wharf-host.service"]);
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("Unknown key 'LoadCredentials'"),
        "{}",
        describe(&verify)
    );

    for unit in ["wharf-spin.service", "wharf-host.service"] {
        let service = ServiceUnit::read(&homelab(unit));
        // Secrets only through the root-only environment file, which must exist (no `-`).
        assert_eq!(
            service.values("Service", "EnvironmentFile"),
            ["/etc/wharf/wharf.env"],
            "{unit}"
        );
        for assignment in service.values("Service", "Environment") {
            assert!(
                !assignment.contains("SPIN_VARIABLE_"),
                "{unit} sets {assignment}"
            );
        }
        assert_eq!(
            service.value("Service", "DynamicUser").as_deref(),
            Some("yes"),
            "{unit}"
        );
        assert_eq!(
            service.value("Service", "ProtectSystem").as_deref(),
            Some("strict"),
            "{unit}"
        );
        assert_eq!(
            service.value("Service", "StateDirectory").as_deref(),
            Some("wharf"),
            "{unit}"
        );
        assert_eq!(
            service.value("Service", "MemoryDenyWriteExecute"),
            None,
            "{unit}: wasmtime's compiled code must be mapped executable"
        );

        // systemd's own exposure score for the hardening (0 is fully locked down, 10 is none).
        let security = run(Command::new(required_tool("systemd-analyze", "systemd"))
            .args(["security", "--offline=yes", "--no-pager"])
            .arg(units.path().join(unit))
            .env("SYSTEMD_UNIT_PATH", format!("{}:", units.path().display()))
            .env("SYSTEMD_LOG_COLOR", "0"));
        let text = String::from_utf8_lossy(&security.stdout);
        let score: f64 = text
            .lines()
            .find_map(|line| line.split("Overall exposure level for ").nth(1))
            .and_then(|rest| rest.split(':').nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("no exposure level in:\n{}", describe(&security)));
        assert!(score <= 2.0, "{unit}: exposure {score}\n{text}");
    }
}

/// The example environment file, filled in as an operator would.
fn filled_environment_file(directory: &Path) -> PathBuf {
    let mut text = std::fs::read_to_string(homelab("wharf.env.example")).expect("example");
    for (name, value) in variables() {
        let line = format!("SPIN_VARIABLE_{}=", name.to_ascii_uppercase());
        assert!(
            text.contains(&format!("\n{line}\n")),
            "wharf.env.example offers {line}"
        );
        text = text.replace(&format!("\n{line}\n"), &format!("\n{line}{value}\n"));
    }
    // Another port than 443, for this test (the example says how).
    text.push_str("WHARF_LISTEN=127.0.0.1:0\n");
    let path = directory.join("wharf.env");
    std::fs::write(&path, text).expect("write wharf.env");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod 600");
    path
}

/// Starts `unit` as systemd would (see `systemd_unit`), with its paths on this machine.
fn start_unit(
    unit: &ServiceUnit,
    sandbox: &ServiceSandbox,
    binary: (&str, &Path),
    application: &Path,
    etc: &Path,
    runner: Runner,
) -> Result<WharfHost, String> {
    let installed = sandbox.install_binary(binary.1);
    let paths = [
        (binary.0, installed),
        ("/opt/wharf", application.to_owned()),
        ("/etc/wharf", etc.to_owned()),
    ];
    let prepared = sandbox.prepare(unit, &paths);
    let variables: Vec<(&str, &str)> = prepared
        .variables
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    WharfHost::serve(prepared.command, runner, &variables)
}

/// /etc/wharf as the README sets it up: wharf.env and tls/{cert,key}.pem, root-only.
fn etc_wharf() -> (tempfile::TempDir, TestCertificates) {
    let etc = tempfile::tempdir().expect("etc/wharf");
    filled_environment_file(etc.path());
    let certificates = TestCertificates::for_loopback();
    std::fs::create_dir(etc.path().join("tls")).expect("tls");
    std::fs::copy(&certificates.certificate, etc.path().join("tls/cert.pem")).expect("cert");
    std::fs::copy(&certificates.key, etc.path().join("tls/key.pem")).expect("key");
    (etc, certificates)
}

#[test]
fn the_systemd_units_serve_https_to_apt_as_an_unprivileged_user_writing_only_their_directories() {
    let bundle = unpacked_bundle();
    let application = &bundle.application;
    let (etc, certificates) = etc_wharf();

    let sandbox = ServiceSandbox::new();
    let unit = ServiceUnit::read(&homelab("wharf-host.service"));
    let wharf = start_unit(
        &unit,
        &sandbox,
        ("/usr/local/bin/wharf-host", &workspace_binary("wharf-host")),
        application,
        etc.path(),
        Runner::WharfHost,
    )
    .unwrap_or_else(|failure| panic!("wharf-host.service: {failure}"));
    apt_installs_the_sample_package(
        &wharf,
        &format!("https://{}", wharf.address),
        Some(&certificates.authority),
    );
    drop(wharf);
    let state = sandbox.state_root().join("wharf");
    assert!(
        std::fs::read_dir(&state).expect("state directory").count() > 0,
        "wharf-host kept its key-value store in the StateDirectory"
    );

    let spins = spin_binaries();
    if spins.is_empty() {
        say_loudly("no spin binary: wharf-spin.service was not started");
    }
    for spin in spins {
        let version = spin_version(&spin);
        let sandbox = ServiceSandbox::new();
        let unit = ServiceUnit::read(&homelab("wharf-spin.service"));
        let wharf = start_unit(
            &unit,
            &sandbox,
            ("/usr/local/bin/spin", &spin),
            application,
            etc.path(),
            Runner::Spin(spin.clone()),
        )
        .unwrap_or_else(|failure| panic!("wharf-spin.service under {version}: {failure}"));
        apt_installs_the_sample_package(
            &wharf,
            &format!("https://{}", wharf.address),
            Some(&certificates.authority),
        );
        drop(wharf);
        assert!(
            sandbox.cache_root().join("wharf/wasmtime").is_dir(),
            "{version}: Spin cached compiled modules in the CacheDirectory"
        );
        // Component logs land where wharf.logrotate looks for them (/var/log/wharf/*.txt).
        let logs: Vec<String> = std::fs::read_dir(sandbox.logs_root().join("wharf"))
            .expect("the LogsDirectory")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert!(
            !logs.is_empty() && logs.iter().all(|name| name.ends_with(".txt")),
            "{version}: component logs {logs:?}"
        );
        let logrotate =
            std::fs::read_to_string(homelab("wharf.logrotate")).expect("wharf.logrotate");
        assert!(logrotate.contains("/var/log/wharf/*.txt {"));

        // Why XDG_CACHE_HOME is set: without it the cache would go under HOME=/, read-only for
        // the service, and Spin stops ("failed to create cache directory: /.cache/wasmtime"; the
        // shared tools' spin wrapper stops one step earlier, at its own cache under /.cache).
        let sandbox = ServiceSandbox::new();
        let without_cache = ServiceUnit::read(&homelab("wharf-spin.service")).without(
            "Service",
            "Environment",
            "XDG_CACHE_HOME",
        );
        match start_unit(
            &without_cache,
            &sandbox,
            ("/usr/local/bin/spin", &spin),
            application,
            etc.path(),
            Runner::Spin(spin.clone()),
        ) {
            Ok(_) => panic!("{version}: Spin served without a writable cache directory"),
            Err(failure) => assert!(failure.contains("/.cache"), "{version}: {failure}"),
        }
    }
}

#[test]
fn caddy_with_tls_internal_in_front_of_wharf_host_behind_proxy_serves_terraform_and_apt() {
    let caddy = required_tool("caddy", "caddy");
    // wharf-host.service with the behind-proxy drop-in: plain HTTP on loopback, no certificate.
    let bundle = unpacked_bundle();
    let (etc, _certificates) = etc_wharf();
    std::fs::remove_dir_all(etc.path().join("tls")).expect("no certificate behind the proxy");
    let sandbox = ServiceSandbox::new();
    let unit = ServiceUnit::read(&homelab("wharf-host.service"))
        .with_drop_in(&homelab("behind-proxy.conf"));
    let wharf = start_unit(
        &unit,
        &sandbox,
        ("/usr/local/bin/wharf-host", &workspace_binary("wharf-host")),
        &bundle.application,
        etc.path(),
        Runner::WharfHost,
    )
    .unwrap_or_else(|failure| panic!("wharf-host.service with behind-proxy.conf: {failure}"));
    let plain = wharf.get("/health");
    assert_eq!(
        plain.status, 200,
        "wharf serves plain HTTP behind the proxy"
    );

    let home = tempfile::tempdir().expect("caddy home");
    let address = free_loopback_address();
    let http_port = free_loopback_address().port();
    let mut caddy = StopOnDrop(
        Command::new(caddy)
            .args(["run", "--adapter", "caddyfile", "--config"])
            .arg(homelab("Caddyfile"))
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("WHARF_HOSTNAME", address.to_string())
            .env("WHARF_UPSTREAM", wharf.address.to_string())
            .env("CADDY_ADMIN", "off")
            .env("CADDY_HTTP_PORT", http_port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(home.path().join("caddy.log")).expect("log"))
            .spawn()
            .expect("start caddy"),
    );
    let root = home
        .path()
        .join("data/caddy/pki/authorities/local/root.crt");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(root.is_file() && std::net::TcpStream::connect(address).is_ok()) {
        assert!(
            Instant::now() < deadline,
            "caddy did not serve {address} within 30 s:\n{}",
            std::fs::read_to_string(home.path().join("caddy.log")).unwrap_or_default()
        );
        assert!(
            caddy.0.try_wait().expect("caddy status").is_none(),
            "caddy exited:\n{}",
            std::fs::read_to_string(home.path().join("caddy.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    for binary in terraform_binaries() {
        let version = terraform_version(&binary);
        let project =
            TerraformProject::over_https(address, &root, TOKEN, "wharf/hello/null", "~> 1.0");
        let output = project.init(&binary);
        assert!(
            output.status.success(),
            "{version} through Caddy: {}",
            end_to_end::terraform::describe(&output)
        );
        assert_eq!(
            project.installed_version().as_deref(),
            Some("1.0.0"),
            "{version}"
        );
    }
    apt_installs_the_sample_package(&wharf, &format!("https://{address}"), Some(&root));
}

/// A child process killed when the test ends, however it ends.
struct StopOnDrop(std::process::Child);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The documents of a YAML file as JSON, read by the YAML library of the checkers that
/// `make tools` installs (ruamel.yaml, beside check-jsonschema).
fn yaml_documents(path: &Path) -> Vec<serde_json::Value> {
    let output = run(Command::new(required_tool("python3", "make tools"))
        .args([
            "-c",
            "import json, sys\nfrom ruamel.yaml import YAML\nprint(json.dumps(list(YAML(typ='safe').load_all(open(sys.argv[1])))))",
        ])
        .arg(path));
    assert!(
        output.status.success(),
        "read {} as YAML (run through `make test`, whose tools have ruamel.yaml): {}",
        path.display(),
        describe(&output)
    );
    serde_json::from_slice(&output.stdout).expect("YAML as JSON")
}

/// Every object in `deploy/kubernetes`, with the file it is in.
fn kubernetes_objects() -> Vec<(PathBuf, serde_json::Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repository_root().join("deploy/kubernetes"))
        .expect("deploy/kubernetes")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .flat_map(|file| {
            yaml_documents(&file)
                .into_iter()
                .filter(|document| !document.is_null())
                .map(move |document| (file.clone(), document))
        })
        .collect()
}

fn object<'a>(
    objects: &'a [(PathBuf, serde_json::Value)],
    kind: &str,
    name: &str,
) -> &'a serde_json::Value {
    objects
        .iter()
        .map(|(_, object)| object)
        .find(|object| object["kind"] == kind && object["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("deploy/kubernetes has no {kind} {name}"))
}

fn kubernetes_validate(file: &Path) -> Output {
    run(
        Command::new(required_tool("kubernetes-validate", "make tools"))
            .args(["--strict", "--no-warn"])
            .arg(file),
    )
}

fn check_spinapp_schema(file: &Path) -> Output {
    run(
        Command::new(required_tool("check-jsonschema", "make tools"))
            .arg("--schemafile")
            .arg(repository_root().join("tests/schemas/spinapp-v1alpha1.schema.json"))
            .arg(file),
    )
}

#[test]
fn the_kubernetes_manifests_match_their_schemas_and_each_other() {
    let objects = kubernetes_objects();
    let kinds: Vec<String> = objects
        .iter()
        .map(|(_, object)| object["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    for kind in ["Namespace", "Secret", "SpinApp", "Ingress"] {
        assert!(
            kinds.iter().any(|candidate| candidate == kind),
            "deploy/kubernetes has a {kind}: {kinds:?}"
        );
    }

    // Core objects against Kubernetes' own schemas, the SpinApp against its CRD's fields.
    for (file, object) in &objects {
        let output = if object["kind"] == "SpinApp" {
            check_spinapp_schema(file)
        } else {
            kubernetes_validate(file)
        };
        assert!(
            output.status.success(),
            "{}: {}",
            file.display(),
            describe(&output)
        );
    }

    // The checks can fail: a field the CRD does not declare, a wrong type in a core object.
    let scratch = tempfile::tempdir().expect("scratch");
    let spinapp_file = repository_root().join("deploy/kubernetes/spinapp.yaml");
    let misspelt = scratch.path().join("spinapp.yaml");
    std::fs::write(
        &misspelt,
        std::fs::read_to_string(&spinapp_file)
            .expect("spinapp")
            .replace("loadFromSecret:", "loadFromSecrets:"),
    )
    .expect("write");
    let output = check_spinapp_schema(&misspelt);
    assert!(
        !output.status.success()
            && String::from_utf8_lossy(&output.stdout).contains("loadFromSecrets"),
        "{}",
        describe(&output)
    );
    let ingress_file = repository_root().join("deploy/kubernetes/ingress.yaml");
    let wrong_type = scratch.path().join("ingress.yaml");
    std::fs::write(
        &wrong_type,
        std::fs::read_to_string(&ingress_file)
            .expect("ingress")
            .replace("number: 80", "number: eighty"),
    )
    .expect("write");
    let output = kubernetes_validate(&wrong_type);
    assert!(!output.status.success(), "{}", describe(&output));

    // The objects refer to each other, and to spin.toml, correctly.
    let spinapp = object(&objects, "SpinApp", "wharf");
    let namespace = spinapp["metadata"]["namespace"]
        .as_str()
        .expect("namespaced");
    object(&objects, "Namespace", namespace);
    for (file, object) in &objects {
        if object["kind"] != "Namespace" {
            assert_eq!(
                object["metadata"]["namespace"],
                namespace,
                "{}",
                file.display()
            );
        }
    }
    let manifest: toml::Table = std::fs::read_to_string(repository_root().join("spin.toml"))
        .expect("spin.toml")
        .parse()
        .expect("spin.toml parses");
    let declared = manifest["variables"].as_table().expect("[variables]");
    for variable in spinapp["spec"]["variables"].as_array().expect("variables") {
        let name = variable["name"].as_str().expect("name");
        let declaration = declared
            .get(name)
            .unwrap_or_else(|| panic!("spin.toml declares no variable {name}"));
        let reference = &variable["valueFrom"]["secretKeyRef"];
        if declaration.get("secret").and_then(toml::Value::as_bool) == Some(true) {
            assert!(
                reference.is_object(),
                "the secret {name} comes from a Secret, not a value"
            );
        }
        if reference.is_object() {
            let secret = object(
                &objects,
                "Secret",
                reference["name"].as_str().expect("secret name"),
            );
            let key = reference["key"].as_str().expect("key");
            assert!(
                secret["stringData"].get(key).is_some(),
                "Secret {} has no key {key}",
                reference["name"]
            );
        }
    }
    for required in declared.iter().filter(|(_, declaration)| {
        declaration.get("required").and_then(toml::Value::as_bool) == Some(true)
    }) {
        assert!(
            spinapp["spec"]["variables"]
                .as_array()
                .expect("variables")
                .iter()
                .any(|variable| variable["name"] == required.0.as_str()),
            "the SpinApp sets the required variable {}",
            required.0
        );
    }
    let runtime_config = object(
        &objects,
        "Secret",
        spinapp["spec"]["runtimeConfig"]["loadFromSecret"]
            .as_str()
            .expect("loadFromSecret"),
    );
    let runtime_config: toml::Table = runtime_config["stringData"]["runtime-config.toml"]
        .as_str()
        .expect("the Secret holds runtime-config.toml, the key SpinKube mounts")
        .parse()
        .expect("runtime-config.toml parses");
    let store = &runtime_config["key_value_store"]["default"];
    assert_eq!(store["type"].as_str(), Some("redis"), "{runtime_config:?}");
    assert!(store["url"]
        .as_str()
        .is_some_and(|url| url.starts_with("redis://") || url.starts_with("rediss://")));

    // The ingress sends traffic to the Service spin-operator makes for the SpinApp: its name,
    // port 80; TLS covers the host it routes.
    let ingress = object(&objects, "Ingress", "wharf");
    let rule = &ingress["spec"]["rules"][0];
    let backend = &rule["http"]["paths"][0]["backend"]["service"];
    assert_eq!(backend["name"], spinapp["metadata"]["name"]);
    assert_eq!(backend["port"]["number"], 80);
    assert!(ingress["spec"]["tls"][0]["hosts"]
        .as_array()
        .expect("tls hosts")
        .contains(&rule["host"]));
}

fn workflow_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for directory in [".github/workflows", "docs/examples"] {
        for entry in
            std::fs::read_dir(repository_root().join(directory)).expect("workflow directory")
        {
            let path = entry.expect("entry").path();
            if path
                .extension()
                .is_some_and(|extension| extension == "yml" || extension == "yaml")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn actionlint(files: &[PathBuf]) -> Output {
    // actionlint runs shellcheck on every `run:` script when it finds it, and silently does
    // not otherwise: insist on it.
    required_tool("shellcheck", "shellcheck");
    run(Command::new(required_tool("actionlint", "make tools"))
        .arg("-no-color")
        .args(files))
}

#[test]
fn the_workflows_pass_actionlint_and_shellcheck() {
    let files = workflow_files();
    let names: Vec<String> = files
        .iter()
        .map(|file| file.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "release.yml",
        "rebuild-apt-index.yml",
        "push-to-registry.yml",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} is among {names:?}"
        );
    }
    let output = actionlint(&files);
    assert!(
        output.status.success() && output.stdout.is_empty(),
        "actionlint: {}",
        describe(&output)
    );

    // The check can fail: an unquoted variable (shellcheck) and an unknown context property.
    let scratch = tempfile::tempdir().expect("scratch");
    let broken = scratch.path().join("broken.yml");
    std::fs::write(
        &broken,
        "name: broken\non: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $HOME ${{ github.no_such_property }}\n",
    )
    .expect("write");
    let output = actionlint(&[broken]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success() && text.contains("SC2086") && text.contains("no_such_property"),
        "{}",
        describe(&output)
    );

    // The scripts the workflows and recipes run.
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(repository_root().join("deploy"))
        .expect("deploy")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "sh"))
        .collect();
    scripts.push(repository_root().join(".ci/run"));
    let output = run(Command::new(required_tool("shellcheck", "shellcheck")).args(&scripts));
    assert!(output.status.success(), "shellcheck: {}", describe(&output));

    // The index workflow installs the CLI the release publishes, by the same file name, and
    // compiles nothing.
    let release = std::fs::read_to_string(repository_root().join(".github/workflows/release.yml"))
        .expect("release.yml");
    let index =
        std::fs::read_to_string(repository_root().join("docs/examples/rebuild-apt-index.yml"))
            .expect("index workflow");
    assert!(release.contains(r#""dist/$binary-$GITHUB_REF_NAME-${{ matrix.arch }}-linux.tar.gz""#));
    assert!(release.contains("arch: x86_64") && release.contains("arch: aarch64"));
    assert!(index.contains(r#"archive="wharf-$WHARF_VERSION-$(uname -m)-linux.tar.gz""#));
    assert!(index.contains("sha256sum --check --strict"));
    assert!(!index.contains("cargo install") && !index.contains("cargo build"));
}
