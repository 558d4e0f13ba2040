//! Walks spin.toml: every route is served by the component it names, every component is
//! reached (by a route or as a dependency), every dependency is composed in, and every
//! variable is exercised by a named test that sets it.

use std::collections::BTreeSet;

use base64::Engine;
use end_to_end::paths::repository_root;
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;

/// Which test exercises each application variable. The conformance test checks that the named
/// function exists in the named file and that its body names the variable.
const VARIABLE_COVERAGE: &[(&str, &str, &str)] = &[
    (
        "basic_user",
        "tests/foundation.rs",
        "a_half_configured_basic_account_is_reported_not_ignored",
    ),
    (
        "basic_password",
        "tests/foundation.rs",
        "password_with_colon_is_accepted",
    ),
    ("api_tokens", "tests/foundation.rs", "configured_wharf"),
    (
        "url_signing_key",
        "tests/terraform.rs",
        "archive_urls_need_a_valid_unexpired_signature",
    ),
    ("origin", "tests/terraform.rs", "github_wharf"),
    ("github_api_url", "tests/terraform.rs", "github_wharf"),
    ("github_archive_host", "tests/terraform.rs", "github_wharf"),
    ("allowed_owners", "tests/terraform.rs", "github_wharf"),
    (
        "github_token",
        "tests/terraform.rs",
        "terraform_installs_a_private_module_from_github_tags",
    ),
    (
        "github_app_id",
        "tests/terraform.rs",
        "a_github_app_installation_token_is_minted_once_and_cached",
    ),
    (
        "github_app_installation_id",
        "tests/terraform.rs",
        "a_github_app_installation_token_is_minted_once_and_cached",
    ),
    (
        "github_app_private_key",
        "tests/terraform.rs",
        "a_github_app_installation_token_is_minted_once_and_cached",
    ),
    (
        "module_repository_template",
        "tests/terraform.rs",
        "module_repository_template_maps_modules_to_other_repository_names",
    ),
    ("apt_repo", "tests/apt.rs", "github_apt_wharf"),
    ("apt_branch", "tests/apt.rs", "github_apt_wharf"),
    ("github_asset_host", "tests/apt.rs", "github_apt_wharf"),
    (
        "stale_if_error",
        "tests/outage.rs",
        "stale_if_error_bounds_how_old_a_stale_answer_may_be",
    ),
    (
        "trusted_proxies",
        "tests/throttling.rs",
        "behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own",
    ),
    (
        "provider_repository_template",
        "tests/providers.rs",
        "provider_repository_template_maps_providers_to_other_repositories",
    ),
    (
        "provider_signing_keys",
        "tests/providers.rs",
        "github_wharf",
    ),
    ("oidc_issuer", "tests/oidc.rs", "oidc_wharf"),
    ("oidc_audience", "tests/oidc.rs", "oidc_wharf"),
    ("oidc_allowed_repositories", "tests/oidc.rs", "oidc_wharf"),
];

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(wharf_manifest()).expect("read spin.toml");
    text.parse().expect("spin.toml is TOML")
}

fn table<'t>(value: &'t toml::Table, key: &str) -> &'t toml::Table {
    value
        .get(key)
        .and_then(toml::Value::as_table)
        .unwrap_or_else(|| panic!("spin.toml has no [{key}] table"))
}

fn routes(manifest: &toml::Table) -> Vec<(String, String)> {
    manifest["trigger"]["http"]
        .as_array()
        .expect("[[trigger.http]]")
        .iter()
        .map(|trigger| {
            (
                trigger["route"].as_str().expect("route").to_owned(),
                trigger["component"].as_str().expect("component").to_owned(),
            )
        })
        .collect()
}

/// A concrete request path for a route: wildcards get a path below them.
fn path_for(route: &str) -> String {
    match route.strip_suffix("/...") {
        Some(prefix) => format!("{prefix}/conformance/probe"),
        None => route.to_owned(),
    }
}

#[test]
fn every_route_is_served_by_the_component_it_names() {
    let manifest = manifest();
    let state = tempfile::tempdir().expect("state dir");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("basic_user", "conformance"),
            ("basic_password", "conformance-password"),
            ("url_signing_key", "conformance-signing-key"),
        ],
    );
    let credentials = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("conformance:conformance-password")
    );
    for (route, component) in routes(&manifest) {
        let path = path_for(&route);
        let response = wharf.get_with(&path, &[("Authorization", credentials.as_bytes())]);
        assert!(
            !response.text().contains("no route matches"),
            "{route}: {}",
            response.text()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        let log = wharf.log();
        let line = log
            .iter()
            .rev()
            .find(|line| line.starts_with(&format!("GET {path} ")))
            .unwrap_or_else(|| panic!("no log line for {path}"));
        assert!(
            line.contains(&format!(" {component} auth=")),
            "{route} should be served by {component}: {line}"
        );
    }
}

#[test]
fn every_component_is_reached_and_every_dependency_is_composed() {
    let manifest = manifest();
    let components = table(&manifest, "component");
    let routed: BTreeSet<String> = routes(&manifest).into_iter().map(|(_, c)| c).collect();
    let mut dependency_sources = BTreeSet::new();
    let state = tempfile::tempdir().expect("state dir");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("api_tokens", "conformance-token-0123"),
            ("url_signing_key", "conformance-signing-key-0123"),
        ],
    );

    for (id, component) in components {
        let Some(dependencies) = component
            .get("dependencies")
            .and_then(toml::Value::as_table)
        else {
            continue;
        };
        assert!(
            routed.contains(id),
            "component {id} has dependencies but no route"
        );
        assert_eq!(
            component
                .get("dependencies_inherit_configuration")
                .and_then(toml::Value::as_bool),
            Some(true),
            "{id}: the verifier reads the parent's variables"
        );
        for (import, source) in dependencies {
            let path = source["path"].as_str().expect("path form");
            dependency_sources.insert(path.to_owned());
            assert_eq!(import, "wharf:auth/verifier", "{id}");
            // Composed: the verifier's verdict reaches the client, for a wrong and a right token.
            // A wildcard route if it has one (any path below it is protected), else its route.
            let mut owned: Vec<String> = routes(&manifest)
                .into_iter()
                .filter(|(_, owner)| owner == id)
                .map(|(route, _)| route)
                .collect();
            owned.sort_by_key(|route| !route.ends_with("/..."));
            let path = path_for(&owned[0]);
            // Endpoints that only take POST (the token exchange) answer GET with 405.
            let method = if wharf.get(&path).status == 405 {
                "POST"
            } else {
                "GET"
            };
            let refused = wharf.send(
                method,
                &path,
                &[("Authorization", b"Bearer not-a-configured-token")],
                b"",
            );
            assert_eq!(refused.status, 401, "{id} {path}: {}", refused.text());
            assert!(refused.header("www-authenticate").is_some(), "{id}");
            if id == "token-exchange" {
                continue; // it admits only OIDC tokens; tests/oidc.rs exercises that
            }
            let admitted = wharf.send(
                method,
                &path,
                &[("Authorization", b"Bearer conformance-token-0123")],
                b"",
            );
            assert_ne!(admitted.status, 401, "{id} {path}: {}", admitted.text());
        }
    }

    for (id, component) in components {
        let source = component["source"].as_str().expect("source");
        assert!(
            routed.contains(id) || dependency_sources.contains(source),
            "component {id} is neither routed nor a dependency"
        );
        assert!(
            component.get("build").is_some(),
            "component {id} has no [build]: spin build would not build it"
        );
    }
}

/// `spin build` runs each component's build command; what it builds must land where the
/// component's `source` points, wherever `CARGO_TARGET_DIR` sends cargo's output. Each command
/// runs as `spin build` would, from the application's directory, with the copy's destination
/// moved to a temporary directory so the tree the other tests read stays untouched.
#[test]
fn spin_build_puts_each_component_where_the_manifest_reads_it() {
    let manifest = manifest();
    let destination = tempfile::tempdir().expect("destination");
    for (id, component) in table(&manifest, "component") {
        let source = component["source"].as_str().expect("source");
        let command = component["build"]["command"]
            .as_str()
            .unwrap_or_else(|| panic!("component {id} has no build command"));
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{command} WASM_DIR={}",
                destination.path().display()
            ))
            .current_dir(repository_root())
            .output()
            .expect("run the build command");
        assert!(
            output.status.success(),
            "{id}: `{command}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let file_name = std::path::Path::new(source)
            .file_name()
            .expect("source names a file");
        assert!(
            destination.path().join(file_name).is_file(),
            "{id}: `{command}` did not write {source} (looked for {file_name:?} in WASM_DIR)"
        );
    }
}

#[test]
fn every_variable_is_exercised_by_a_named_test() {
    let manifest = manifest();
    let declared: BTreeSet<&String> = table(&manifest, "variables").keys().collect();
    let covered: BTreeSet<&str> = VARIABLE_COVERAGE.iter().map(|(name, _, _)| *name).collect();
    let uncovered: Vec<&&String> = declared
        .iter()
        .filter(|name| !covered.contains(name.as_str()))
        .collect();
    assert!(
        uncovered.is_empty(),
        "variables no test exercises: {uncovered:?}"
    );

    for (variable, file, function) in VARIABLE_COVERAGE {
        assert!(
            declared.contains(&variable.to_string()),
            "{variable} is not in spin.toml"
        );
        let source = std::fs::read_to_string(repository_root().join(file))
            .unwrap_or_else(|error| panic!("{file}: {error}"));
        let start = source
            .find(&format!("fn {function}("))
            .unwrap_or_else(|| panic!("{file} has no fn {function}"));
        let body = &source[start..];
        let end = body[1..]
            .find("\nfn ")
            .or_else(|| body[1..].find("\n#[test]"))
            .unwrap_or(body.len() - 1);
        assert!(
            body[..=end].contains(&format!("\"{variable}\"")),
            "{file}::{function} does not set {variable}"
        );
    }
}
