//! `wharf provider pack` and `wharf provider keygen`: what they write, and that bad input gets a
//! one-line reason and writes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wharf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .env_remove("WHARF_PROVIDER_SIGNING_KEY")
        .output()
        .expect("run wharf")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A real provider package (see crates/terraform-providers/tests/data), under `name`.
fn package(directory: &Path, name: &str) -> PathBuf {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/terraform-providers/tests/data/with-directory-entry.zip");
    let target = directory.join(name);
    std::fs::copy(source, &target).expect("copy package");
    target
}

fn keygen(directory: &Path, stem: &str) -> PathBuf {
    let secret = directory.join(format!("{stem}.asc"));
    let public = directory.join(format!("{stem}.pub.asc"));
    let output = wharf(&[
        "provider",
        "keygen",
        "--bits",
        "2048",
        "--secret-key",
        secret.to_str().expect("utf-8"),
        "--public-key",
        public.to_str().expect("utf-8"),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("created RSA-2048 provider signing key"));
    secret
}

fn path(path: &Path) -> &str {
    path.to_str().expect("utf-8")
}

#[test]
fn zips_are_checksummed_signed_and_published_once() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path(), "key");
    let linux = package(
        work.path(),
        "terraform-provider-hello_1.2.0_linux_amd64.zip",
    );
    let darwin = package(
        work.path(),
        "terraform-provider-hello_1.2.0_darwin_arm64.zip",
    );
    let registry = work.path().join("registry");
    let pack = |extra: &[&str]| {
        let mut args = vec![
            "provider",
            "pack",
            "--namespace",
            "acme",
            "--type",
            "hello",
            "--version",
            "1.2.0",
            "--signing-key",
            path(&key),
            "--registry",
            path(&registry),
        ];
        args.extend_from_slice(extra);
        wharf(&args)
    };
    let output = pack(&[path(&linux), path(&darwin), "--protocols", "6.0"]);
    assert!(output.status.success(), "{}", text(&output));
    let summary = text(&output);
    assert!(
        summary.contains("published acme/hello 1.2.0 for darwin_arm64, linux_amd64"),
        "{summary}"
    );
    // The lock-file hash of the package, as Terraform computes it (tests/data/README.md).
    assert!(
        summary.contains("linux_amd64: h1:vagmYyXCJDFaZ9dcIugXkSqBU9riOrLqhanRV1f8hkE="),
        "{summary}"
    );
    assert!(summary.contains("added key"), "{summary}");

    let version = registry.join("providers/acme/hello/1.2.0");
    let mut files: Vec<String> = std::fs::read_dir(&version)
        .expect("version directory")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "terraform-provider-hello_1.2.0_SHA256SUMS",
            "terraform-provider-hello_1.2.0_SHA256SUMS.sig",
            "terraform-provider-hello_1.2.0_darwin_arm64.zip",
            "terraform-provider-hello_1.2.0_linux_amd64.zip",
            "terraform-provider-hello_1.2.0_manifest.json",
        ]
    );
    let sums = std::fs::read_to_string(version.join("terraform-provider-hello_1.2.0_SHA256SUMS"))
        .expect("sums");
    assert_eq!(sums.lines().count(), 2, "{sums}");
    assert!(sums.lines().all(|line| line.contains("a7a80723c37db7ea01ca1103d52ce3f335170cc8f16a6c765ecd3ad1d21b395b  terraform-provider-hello_1.2.0_")), "{sums}");
    let signature =
        std::fs::read(version.join("terraform-provider-hello_1.2.0_SHA256SUMS.sig")).expect("sig");
    assert_ne!(
        signature[0] & 0x80,
        0,
        "a binary signature, as Terraform needs"
    );
    let manifest =
        std::fs::read_to_string(version.join("terraform-provider-hello_1.2.0_manifest.json"))
            .expect("manifest");
    assert!(manifest.contains("\"6.0\""), "{manifest}");
    let keys =
        std::fs::read_to_string(registry.join("providers/acme/signing-keys.asc")).expect("keys");
    assert!(
        keys.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"),
        "{keys}"
    );
    // Public files: whoever runs wharf (another user in a container) must be able to read them.
    let mode = |path: PathBuf| {
        std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(path).expect("metadata").permissions(),
        ) & 0o777
    };
    assert_eq!(mode(version.clone()), 0o755);
    assert_eq!(
        mode(registry.join("providers/acme/signing-keys.asc")),
        0o644
    );

    // Published versions never change.
    let again = pack(&[path(&linux)]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("is published, and lock files have recorded its hashes"),
        "{}",
        text(&again)
    );
    let after: Vec<_> = std::fs::read_dir(&version).expect("dir").collect();
    assert_eq!(after.len(), 5);

    // A second version signed by the same key does not add it twice.
    let next = package(
        work.path(),
        "terraform-provider-hello_1.3.0_linux_amd64.zip",
    );
    let output = wharf(&[
        "provider",
        "pack",
        "--namespace",
        "acme",
        "--type",
        "hello",
        "--version",
        "1.3.0",
        "--signing-key",
        path(&key),
        "--registry",
        path(&registry),
        path(&next),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(!text(&output).contains("added key"), "{}", text(&output));
    assert_eq!(
        std::fs::read_to_string(registry.join("providers/acme/signing-keys.asc")).expect("keys"),
        keys
    );
}

#[test]
fn a_goreleaser_dist_is_checked_before_it_is_published() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path(), "key");
    // Make a release with wharf itself, then treat its files as GoReleaser's dist/.
    let staging = work.path().join("staging");
    let zip = package(
        work.path(),
        "terraform-provider-hello_2.0.0_linux_amd64.zip",
    );
    let output = wharf(&[
        "provider",
        "pack",
        "--namespace",
        "acme",
        "--type",
        "hello",
        "--version",
        "2.0.0",
        "--signing-key",
        path(&key),
        "--registry",
        path(&staging),
        path(&zip),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let dist = staging.join("providers/acme/hello/2.0.0");
    std::fs::write(dist.join("config.yaml"), "# other GoReleaser output\n").expect("write");
    let public_key = work.path().join("key.pub.asc");
    let registry = work.path().join("registry");

    // Nobody said which key may sign: refused, nothing written.
    let output = wharf(&[
        "provider",
        "pack",
        "--namespace",
        "acme",
        "--dist",
        path(&dist),
        "--registry",
        path(&registry),
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("no signing keys are configured"),
        "{}",
        text(&output)
    );
    assert!(!registry.exists(), "nothing written");

    // Another key given: refused, naming both keys.
    let other = keygen(work.path(), "other");
    let output = wharf(&[
        "provider",
        "pack",
        "--namespace",
        "acme",
        "--dist",
        path(&dist),
        "--registry",
        path(&registry),
        "--public-key",
        path(&other.with_file_name("other.pub.asc")),
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("is not among the configured signing keys"),
        "{}",
        text(&output)
    );
    assert!(!registry.exists());

    // A zip replaced after signing: refused.
    let tampered = work.path().join("tampered");
    std::fs::create_dir(&tampered).expect("dir");
    for entry in std::fs::read_dir(&dist).expect("dist") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), tampered.join(entry.file_name())).expect("copy");
    }
    std::fs::write(
        tampered.join("terraform-provider-hello_2.0.0_linux_amd64.zip"),
        b"not the signed zip",
    )
    .expect("write");
    let output = wharf(&[
        "provider",
        "pack",
        "--namespace",
        "acme",
        "--dist",
        path(&tampered),
        "--registry",
        path(&registry),
        "--public-key",
        path(&public_key),
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("terraform-provider-hello_2.0.0_linux_amd64.zip"),
        "{}",
        text(&output)
    );
    assert!(!registry.join("providers/acme/hello/2.0.0").exists());

    // The right key: published, type and version read from the file names.
    let output = wharf(&[
        "provider",
        "pack",
        "--namespace",
        "acme",
        "--dist",
        path(&dist),
        "--registry",
        path(&registry),
        "--public-key",
        path(&public_key),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(registry
        .join("providers/acme/hello/2.0.0/terraform-provider-hello_2.0.0_SHA256SUMS.sig")
        .is_file());
    assert!(
        !registry
            .join("providers/acme/hello/2.0.0/config.yaml")
            .exists(),
        "only the release's files"
    );
}

#[test]
fn bad_input_gets_a_reason_and_writes_nothing() {
    let work = tempfile::tempdir().expect("work");
    let key = keygen(work.path(), "key");
    let registry = work.path().join("registry");
    let misnamed = package(work.path(), "hello_linux_amd64.zip");
    for (arguments, reason) in [
        (
            vec![
                "--type",
                "hello",
                "--version",
                "1.0.0",
                "--signing-key",
                path(&key),
                path(&misnamed),
            ],
            "name it terraform-provider-hello_1.0.0_OS_ARCH.zip",
        ),
        (
            vec![
                "--version",
                "1.0.0",
                "--signing-key",
                path(&key),
                path(&misnamed),
            ],
            "needs --type and --version",
        ),
        (
            vec![
                "--type",
                "hello",
                "--version",
                "v1.0.0",
                "--signing-key",
                path(&key),
                path(&misnamed),
            ],
            "not a semantic version",
        ),
        (
            vec!["--type", "hello", "--version", "1.0.0", path(&misnamed)],
            "WHARF_PROVIDER_SIGNING_KEY",
        ),
        (
            vec![
                "--type",
                "Hello",
                "--version",
                "1.0.0",
                "--signing-key",
                path(&key),
                path(&misnamed),
            ],
            "lowercase",
        ),
        (
            vec!["--dist", path(work.path())],
            "holds no terraform-provider-TYPE_VERSION_SHA256SUMS",
        ),
        (vec![], "nothing to pack"),
    ] {
        let mut args = vec![
            "provider",
            "pack",
            "--namespace",
            "acme",
            "--registry",
            path(&registry),
        ];
        args.extend(arguments.iter().copied());
        let output = wharf(&args);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            text(&output).contains(reason),
            "{args:?}: {}",
            text(&output)
        );
        assert_eq!(
            text(&output).lines().count(),
            1,
            "one line: {}",
            text(&output)
        );
        assert!(!registry.exists(), "{args:?} wrote something");
    }
    let existing = wharf(&["provider", "keygen", "--secret-key", path(&key)]);
    assert!(!existing.status.success());
    assert!(text(&existing).contains("refusing to overwrite a signing key"));
}
