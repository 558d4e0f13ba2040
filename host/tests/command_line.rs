//! wharf-host's command line refuses what it cannot run, with a message that says why.

use std::process::Command;

fn wharf_host(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wharf-host"))
        .args(args)
        .env_remove("SPIN_VARIABLE_URL_SIGNING_KEY")
        .output()
        .expect("run wharf-host")
}

/// Runs `wharf-host up --listen 127.0.0.1:0 ARGUMENTS…`, which must refuse to start, and
/// returns what it said.
fn refused_start(arguments: &[&str]) -> String {
    let mut all = vec!["up", "--listen", "127.0.0.1:0"];
    all.extend_from_slice(arguments);
    let output = wharf_host(&all);
    assert!(!output.status.success(), "started with {arguments:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
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
    let stderr = refused_start(&["--from", "/nonexistent/spin.toml"]);
    assert!(stderr.contains("/nonexistent/spin.toml"), "{stderr}");
}

#[test]
fn an_invalid_manifest_says_what_is_wrong() {
    let (_directory, manifest) =
        manifest("[[trigger.http]]\nroute = \"/...\"\ncomponent = \"missing\"\n");
    let stderr = refused_start(&["--from", manifest.to_str().expect("utf-8")]);
    assert!(stderr.contains("'missing'"), "{stderr}");
}

/// One route to a component `web.wasm` that does not exist, with `extra` in its declaration.
fn web_manifest(extra: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    manifest(&format!(
        "[[trigger.http]]\nroute = \"/...\"\ncomponent = \"web\"\n[component.web]\nsource = \"web.wasm\"\n{extra}"
    ))
}

#[test]
fn a_missing_component_file_says_how_to_build_it() {
    let (directory, manifest) = web_manifest("");
    let stderr = refused_start(&[
        "--from",
        manifest.to_str().expect("utf-8"),
        "--state-dir",
        directory.path().join("state").to_str().expect("utf-8"),
    ]);
    assert!(
        stderr.contains("web.wasm") && stderr.contains("make build"),
        "{stderr}"
    );
}

#[test]
fn tls_flags_come_in_pairs() {
    let stderr = refused_start(&["--tls-cert", "cert.pem"]);
    assert!(stderr.contains("--tls-key"), "{stderr}");
}

#[test]
fn unreadable_or_wrong_tls_files_are_named() {
    let directory = tempfile::tempdir().expect("dir");
    let missing = directory.path().join("missing.pem");
    let missing = missing.to_str().expect("utf-8");
    let stderr = refused_start(&["--tls-cert", missing, "--tls-key", missing]);
    assert!(
        stderr.contains("missing.pem") && stderr.contains("--tls-cert"),
        "{stderr}"
    );

    // A file that is not PEM at all: the flag and the file are named, nothing is served.
    let not_pem = directory.path().join("not-pem.txt");
    std::fs::write(&not_pem, "hello\n").expect("write");
    let not_pem = not_pem.to_str().expect("utf-8");
    let stderr = refused_start(&["--tls-cert", not_pem, "--tls-key", not_pem]);
    assert!(
        stderr.contains("not-pem.txt") && stderr.contains("CERTIFICATE"),
        "{stderr}"
    );
}

#[test]
fn a_runtime_config_file_with_what_wharf_host_does_not_provide_is_refused_by_name() {
    let (directory, manifest) = web_manifest("");
    for (config, expected) in [
        (
            "[key_value_store.default]\ntype = \"azure_cosmos\"\n",
            "type \"azure_cosmos\" is a Spin store wharf-host does not provide",
        ),
        (
            "[key_value_store.default]\ntype = \"redis\"\n",
            "needs url = \"redis://HOST:PORT\"",
        ),
        (
            "[key_value_store.default]\ntype = \"redis\"\nurl = \"http://:hunter2secret@cache\"\n",
            "not a usable Redis URL",
        ),
        (
            "[[variables_provider]]\ntype = \"vault\"\n",
            "`variables_provider` is not supported",
        ),
    ] {
        let file = directory.path().join("runtime-config.toml");
        std::fs::write(&file, config).expect("write");
        let stderr = refused_start(&[
            "--from",
            manifest.to_str().expect("utf-8"),
            "--runtime-config-file",
            file.to_str().expect("utf-8"),
        ]);
        assert!(
            stderr.contains(expected) && stderr.contains("runtime-config.toml"),
            "{config}: {stderr}"
        );
        assert!(!stderr.contains("hunter2secret"), "{stderr}");
    }
}

#[test]
fn a_key_value_store_no_one_defined_is_refused_at_start() {
    let (directory, manifest) = web_manifest("key_value_stores = [\"default\", \"cache\"]\n");
    let stderr = refused_start(&[
        "--from",
        manifest.to_str().expect("utf-8"),
        "--state-dir",
        directory.path().join("state").to_str().expect("utf-8"),
    ]);
    assert!(
        stderr.contains("key-value store 'cache'") && stderr.contains("[key_value_store.cache]"),
        "{stderr}"
    );
}

#[test]
fn limits_must_be_sizes_and_seconds() {
    for (flag, value, expected) in [
        ("--max-request-body", "lots", "not a size"),
        ("--max-instance-memory", "0", "a size of 0"),
        ("--header-read-timeout", "0", "timeout of 0 seconds"),
        ("--keep-alive-timeout", "soon", "not a number of seconds"),
    ] {
        let stderr = refused_start(&[flag, value]);
        assert!(
            stderr.contains(flag) && stderr.contains(expected),
            "{flag} {value}: {stderr}"
        );
    }
}
