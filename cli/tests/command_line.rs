//! The `wharf` command line: bad input gets a one-line reason and writes nothing.

use std::process::Command;

fn wharf(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .env_remove("WHARF_SIGNING_KEY")
        .output()
        .expect("run wharf")
}

#[test]
fn module_pack_refuses_a_bad_version_and_writes_nothing() {
    let directory = tempfile::tempdir().expect("dir");
    std::fs::write(directory.path().join("main.tf"), "# module\n").expect("write");
    let registry = directory.path().join("registry");
    let output = wharf(&[
        "module",
        "pack",
        directory.path().to_str().expect("utf-8"),
        "--namespace",
        "acme",
        "--name",
        "vm",
        "--provider",
        "proxmox",
        "--version",
        "v1.2",
        "--registry",
        registry.to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("semantic version"));
    assert!(!registry.exists(), "nothing written");
}

#[test]
fn module_pack_writes_the_files_origin_layout() {
    let directory = tempfile::tempdir().expect("dir");
    let module = directory.path().join("module");
    std::fs::create_dir(&module).expect("dir");
    std::fs::write(module.join("main.tf"), "# module\n").expect("write");
    let registry = directory.path().join("registry");
    let output = wharf(&[
        "module",
        "pack",
        module.to_str().expect("utf-8"),
        "--namespace",
        "acme",
        "--name",
        "vm",
        "--provider",
        "proxmox",
        "--version",
        "1.2.0",
        "--registry",
        registry.to_str().expect("utf-8"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(registry
        .join("terraform/acme/vm/proxmox/1.2.0.tar.gz")
        .is_file());
}

#[test]
fn apt_index_without_a_signing_key_says_where_to_get_one() {
    let directory = tempfile::tempdir().expect("dir");
    let output = wharf(&[
        "apt",
        "index",
        "--output",
        directory.path().join("out").to_str().expect("utf-8"),
        "--from-dir",
        directory.path().to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("WHARF_SIGNING_KEY") && stderr.contains("wharf keygen"),
        "{stderr}"
    );
}

#[test]
fn keygen_never_overwrites_a_key() {
    let directory = tempfile::tempdir().expect("dir");
    let secret = directory.path().join("key.asc");
    std::fs::write(&secret, "existing").expect("write");
    let output = wharf(&[
        "keygen",
        "--secret-key",
        secret.to_str().expect("utf-8"),
        "--public-key",
        directory.path().join("pub.key").to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    assert_eq!(std::fs::read_to_string(&secret).expect("read"), "existing");
}
