//! The Terraform provider registry end to end with the real terraform CLI (1.11.x and 1.0.3):
//! providers published with `wharf provider pack` (files origin) and as GitHub releases in
//! GoReleaser's layout (GitHub origin), signed with keys GnuPG made.

use end_to_end::fake_github::{FakeAsset, FakeGitHub, FakeRelease, FakeRepository};
use end_to_end::providers::{
    goreleaser_release, provider_zip, wharf_cli, write_files, Application, Author, ProviderProject,
    HOST_PLATFORM,
};
use end_to_end::terraform::{describe, terraform_binaries, terraform_version};
use end_to_end::WharfHost;

const TOKEN: &str = "provider-token-0123456789";
const SIGNING_KEY: &str = "provider-url-signing-key-0123456789";
const GITHUB_TOKEN: &str = "ghp_providerfakefakefakefakefakefake01";
const SOURCE: &str = "registry.test/acme/hello";

/// Publishes a GoReleaser `dist/` into `application`'s registry with `wharf provider pack`.
fn pack_dist(
    application: &Application,
    version: &str,
    platforms: &[&str],
    author: &Author,
) -> String {
    let work = tempfile::tempdir().expect("work");
    let dist = work.path().join("dist");
    write_files(
        &dist,
        &goreleaser_release("hello", version, platforms, &["5.0"], author),
    );
    let public_key = work.path().join("author.asc");
    std::fs::write(&public_key, author.public_key()).expect("write key");
    let registry = application.registry();
    let output = wharf_cli(&[
        "provider",
        "pack",
        "--namespace",
        "acme",
        "--dist",
        dist.to_str().expect("utf-8"),
        "--public-key",
        public_key.to_str().expect("utf-8"),
        "--registry",
        registry.to_str().expect("utf-8"),
    ]);
    assert!(output.status.success(), "{}", describe(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn files_wharf(application: &Application, state: &std::path::Path) -> WharfHost {
    WharfHost::start(
        &application.manifest(),
        state,
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    )
}

fn stdout_and_stderr(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn terraform_installs_a_private_provider_from_the_files_origin_and_its_lock_file_holds() {
    let application = Application::new();
    let author = Author::new("author@example.org", "rsa3072");
    let summary = pack_dist(
        &application,
        "1.0.0",
        &[HOST_PLATFORM, "darwin_arm64"],
        &author,
    );
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
        let text = stdout_and_stderr(&output);
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
