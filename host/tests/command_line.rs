//! wharf-host's command line refuses what it cannot run, with a message that says why.

use std::process::Command;

fn wharf_host(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wharf-host"))
        .args(args)
        .env_remove("SPIN_VARIABLE_URL_SIGNING_KEY")
        .output()
        .expect("run wharf-host")
}

/// Writes `body` as spin.toml in a fresh directory.
fn manifest(body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let directory = tempfile::tempdir().expect("dir");
    let path = directory.path().join("spin.toml");
    std::fs::write(
        &path,
        format!("spin_manifest_version = 2\n[application]\nname = \"x\"\n{body}"),
    )
    .expect("write");
    (directory, path)
}

#[test]
fn a_missing_manifest_is_named() {
    let output = wharf_host(&[
        "up",
        "--listen",
        "127.0.0.1:0",
        "--from",
        "/nonexistent/spin.toml",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/spin.toml"), "{stderr}");
}

#[test]
fn an_invalid_manifest_says_what_is_wrong() {
    let (_directory, manifest) =
        manifest("[[trigger.http]]\nroute = \"/...\"\ncomponent = \"missing\"\n");
    let output = wharf_host(&[
        "up",
        "--listen",
        "127.0.0.1:0",
        "--from",
        manifest.to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("'missing'"), "{stderr}");
}

#[test]
fn a_missing_component_file_says_how_to_build_it() {
    let (directory, manifest) = manifest(
        "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"web\"\n[component.web]\nsource = \"web.wasm\"\n",
    );
    let output = wharf_host(&[
        "up",
        "--listen",
        "127.0.0.1:0",
        "--from",
        manifest.to_str().expect("utf-8"),
        "--state-dir",
        directory.path().join("state").to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("web.wasm") && stderr.contains("make build"),
        "{stderr}"
    );
}

#[test]
fn tls_flags_come_in_pairs() {
    let output = wharf_host(&["up", "--listen", "127.0.0.1:0", "--tls-cert", "cert.pem"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--tls-key"), "{stderr}");
}

#[test]
fn unreadable_or_wrong_tls_files_are_named() {
    let directory = tempfile::tempdir().expect("dir");
    let missing = directory.path().join("missing.pem");
    let output = wharf_host(&[
        "up",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        missing.to_str().expect("utf-8"),
        "--tls-key",
        missing.to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing.pem") && stderr.contains("--tls-cert"),
        "{stderr}"
    );

    // A file that is not PEM at all: the flag and the file are named, nothing is served.
    let not_pem = directory.path().join("not-pem.txt");
    std::fs::write(&not_pem, "hello\n").expect("write");
    let output = wharf_host(&[
        "up",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        not_pem.to_str().expect("utf-8"),
        "--tls-key",
        not_pem.to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not-pem.txt") && stderr.contains("CERTIFICATE"),
        "{stderr}"
    );
}
