//! wharf-host's Spin semantics, observed through the probe component (tests/host-probe):
//! key-value persistence (SQLite, or the store a runtime config file names), variables,
//! allowed_outbound_hosts, files, Spin headers, a fresh instance per request, clean Ctrl-C; and
//! its compile cache (a warm start compiles nothing).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use end_to_end::paths::repository_root;
use end_to_end::wharf_host::LaunchOptions;
use end_to_end::WharfHost;

fn probe_manifest() -> PathBuf {
    repository_root().join("tests/host-probe/spin.toml")
}

fn probe(state: &std::path::Path, variables: &[(&str, &str)]) -> WharfHost {
    let mut all = vec![("required_value", "present")];
    all.extend_from_slice(variables);
    WharfHost::start(&probe_manifest(), state, &all)
}

/// A loopback HTTP server that answers 204 and counts the connections it received.
fn upstream() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind upstream");
    let port = listener.local_addr().expect("address").port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0; 4096];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        }
    });
    (port, connections)
}

#[test]
fn key_value_persists_across_requests_and_restarts() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    assert_eq!(host.get("/probe/kv/colour").status, 404);
    let written = host.send("PUT", "/probe/kv/colour", &[], b"blue");
    assert_eq!(written.status, 204, "{}", written.text());
    let read = host.get("/probe/kv/colour");
    assert_eq!((read.status, read.text()), (200, "blue".to_owned()));
    assert!(host.stop().success(), "Ctrl-C stops wharf-host cleanly");

    let restarted = probe(state.path(), &[]);
    let read = restarted.get("/probe/kv/colour");
    assert_eq!(
        (read.status, read.text()),
        (200, "blue".to_owned()),
        "survives a restart"
    );
    drop(restarted);

    let other_state = tempfile::tempdir().expect("state dir");
    let elsewhere = probe(other_state.path(), &[]);
    assert_eq!(
        elsewhere.get("/probe/kv/colour").status,
        404,
        "state lives in the state dir"
    );
}

#[test]
fn sigterm_stops_as_cleanly_as_ctrl_c() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    assert_eq!(host.get("/probe/instance-requests").status, 200);
    // Killed by the signal, the exit status would not be a success.
    assert!(host.stop_with("-TERM").success(), "SIGTERM is a clean stop");
}

#[test]
fn only_declared_key_value_stores_open() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    assert_eq!(host.get("/probe/kv-store/default").status, 200);
    let other = host.get("/probe/kv-store/elsewhere");
    assert_eq!(other.status, 403);
    assert!(other.text().contains("AccessDenied"), "{}", other.text());
}

#[test]
fn variables_resolve_templates_and_environment_overrides() {
    let state = tempfile::tempdir().expect("state dir");
    let defaults = probe(state.path(), &[]);
    assert_eq!(
        defaults.get("/probe/variable/greeting").text(),
        "hello, world"
    );
    assert_eq!(
        defaults.get("/probe/variable/required_value").text(),
        "present"
    );
    let undeclared = defaults.get("/probe/variable/secret_value");
    assert_eq!(
        undeclared.status, 404,
        "not listed in the component's variables"
    );
    assert!(
        undeclared.text().contains("Undefined"),
        "{}",
        undeclared.text()
    );
    let invalid = defaults.get("/probe/variable/NOT-A-NAME");
    assert!(invalid.text().contains("InvalidName"), "{}", invalid.text());
    drop(defaults);

    let overridden = probe(state.path(), &[("greeting", "bonjour")]);
    assert_eq!(
        overridden.get("/probe/variable/greeting").text(),
        "bonjour, world"
    );
}

#[test]
fn a_required_variable_without_value_refuses_to_start() {
    let state = tempfile::tempdir().expect("state dir");
    let failure = WharfHost::try_start(&probe_manifest(), state.path(), &[])
        .err()
        .expect("required_value has no value");
    assert!(
        failure.contains("SPIN_VARIABLE_REQUIRED_VALUE"),
        "{failure}"
    );
}

/// The SQLite file under the state directory is held by the wharf-host using it: a second one
/// pointed at the same directory says so and stops, and the first keeps what it wrote.
#[test]
fn a_second_wharf_host_on_the_same_state_directory_is_refused_with_the_reason() {
    let state = tempfile::tempdir().expect("state dir");
    let first = probe(state.path(), &[]);
    assert_eq!(
        first.send("PUT", "/probe/kv/colour", &[], b"green").status,
        204
    );
    let failure = WharfHost::try_start(
        &probe_manifest(),
        state.path(),
        &[("required_value", "present")],
    )
    .err()
    .expect("the state directory's SQLite file is in use");
    assert!(
        failure.contains("is another running with this state directory"),
        "{failure}"
    );
    assert_eq!(first.get("/probe/kv/colour").text(), "green");
}

#[test]
fn outbound_requests_reach_only_allowed_hosts() {
    let (allowed_port, allowed_connections) = upstream();
    let (other_port, other_connections) = upstream();
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(
        state.path(),
        &[("upstream_port", &allowed_port.to_string())],
    );

    let allowed = host.get(&format!(
        "/probe/outbound?url=http://127.0.0.1:{allowed_port}/x"
    ));
    assert_eq!(allowed.text(), "upstream status 204");
    assert_eq!(allowed_connections.load(Ordering::SeqCst), 1);

    let denied = host.get(&format!(
        "/probe/outbound?url=http://127.0.0.1:{other_port}/x"
    ));
    assert_eq!(denied.status, 502, "{}", denied.text());
    assert!(
        denied.text().contains("HttpRequestDenied"),
        "{}",
        denied.text()
    );
    assert_eq!(
        other_connections.load(Ordering::SeqCst),
        0,
        "nothing left the host"
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = host.log().join("\n");
    assert!(log.contains("add it to allowed_outbound_hosts"), "{log}");
}

#[test]
fn spin_headers_describe_the_route_and_cannot_be_spoofed() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    let response = host.get_with(
        "/probe/headers?a=1",
        &[
            ("spin-client-addr", b"203.0.113.9:1"),
            ("spin-path-info", b"/forged"),
        ],
    );
    let headers = response.text();
    let address = host.address;
    for expected in [
        "spin-path-info: /headers".to_owned(),
        format!("spin-full-url: http://{address}/probe/headers?a=1"),
        "spin-matched-route: /probe/...".to_owned(),
        "spin-component-route: /probe".to_owned(),
        "spin-raw-component-route: /probe/...".to_owned(),
        "spin-base-path: /".to_owned(),
        "spin-client-addr: 127.0.0.1:".to_owned(),
    ] {
        assert!(
            headers.contains(&expected),
            "missing {expected:?} in:\n{headers}"
        );
    }
    assert!(!headers.contains("203.0.113.9"), "{headers}");
    assert!(!headers.contains("/forged"), "{headers}");
}

#[test]
fn files_are_mounted_read_only_inside_their_directory() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    let note = host.get("/probe/file/note.txt");
    assert_eq!(note.status, 200, "{}", note.text());
    assert!(note.text().contains("mounted into the probe component"));
    let escape = host.get("/probe/file/../../../etc/passwd");
    assert_ne!(escape.status, 200, "{}", escape.text());
}

#[test]
fn component_environment_comes_from_the_manifest() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    assert_eq!(
        host.get("/probe/environment/PROBE_ENVIRONMENT").text(),
        "from-manifest"
    );
    assert_eq!(
        host.get("/probe/environment/HOME").status,
        404,
        "the host's environment stays out"
    );
}

#[test]
fn every_request_gets_a_fresh_instance() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    for _ in 0..5 {
        assert_eq!(host.get("/probe/instance-requests").text(), "1");
    }
}

#[test]
fn unknown_paths_get_404_from_the_host() {
    let state = tempfile::tempdir().expect("state dir");
    let host = probe(state.path(), &[]);
    let response = host.get("/elsewhere");
    assert_eq!(response.status, 404);
    assert!(response.text().contains("no route"), "{}", response.text());
}

/// The "N of M components loaded" counts of wharf-host's compile cache line.
fn cache_counts(host: &WharfHost) -> (usize, usize, String) {
    let line = host
        .startup()
        .iter()
        .find(|line| line.starts_with("Compile cache "))
        .cloned()
        .unwrap_or_else(|| panic!("no compile cache line in {:?}", host.startup()));
    let counts = line
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(" components loaded").next())
        .and_then(|counts| counts.split_once(" of "))
        .and_then(|(loaded, total)| Some((loaded.parse().ok()?, total.parse().ok()?)));
    let (loaded, total) = counts.unwrap_or_else(|| panic!("unexpected line {line:?}"));
    (loaded, total, line)
}

#[test]
fn a_warm_start_loads_every_component_from_the_compile_cache_in_the_state_directory() {
    let state = tempfile::tempdir().expect("state dir");
    let manifest = end_to_end::wharf_host::wharf_manifest();
    let variables = [("url_signing_key", "compile-cache-url-signing-key-0123")];
    let options = LaunchOptions {
        own_compile_cache: true,
        ..LaunchOptions::default()
    };
    let start = || {
        let started = std::time::Instant::now();
        let host = WharfHost::try_launch(&manifest, state.path(), &variables, &options)
            .unwrap_or_else(|failure| panic!("{failure}"));
        let took = started.elapsed();
        assert_eq!(host.get("/health").status, 200);
        (host, took)
    };

    let (cold, cold_took) = start();
    let (loaded, total, line) = cache_counts(&cold);
    assert_eq!(loaded, 0, "{line}");
    assert!(total >= 6 && line.contains("compiled health"), "{line}");
    assert!(
        line.contains(&state.path().join("compiled").display().to_string()),
        "the cache lives in the state directory by default: {line}"
    );
    assert!(cold.stop().success());

    let (warm, warm_took) = start();
    let (loaded, warm_total, line) = cache_counts(&warm);
    assert_eq!((loaded, warm_total), (total, total), "{line}");
    assert!(!line.contains(", compiled "), "{line}");
    println!(
        "start until serving: cold {cold_took:?} (compiled {total} components), warm {warm_took:?} (all from the cache)"
    );
    assert!(warm.stop().success());

    // A damaged entry is never loaded: that component is compiled again, and the line says so.
    let entry = std::fs::read_dir(state.path().join("compiled"))
        .expect("cache directory")
        .map(|entry| entry.expect("entry").path())
        .find(|path| {
            path.extension()
                .is_some_and(|extension| extension == "cwasm")
        })
        .expect("a cache entry");
    let mut bytes = std::fs::read(&entry).expect("read entry");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&entry, bytes).expect("damage entry");
    let (healed, _) = start();
    let (loaded, _, line) = cache_counts(&healed);
    assert_eq!(loaded, total - 1, "{line}");
    assert!(
        line.contains("cache file discarded: checksum mismatch"),
        "{line}"
    );
    drop(healed);
}

#[test]
fn a_runtime_config_file_can_name_spins_sqlite_store_for_key_value() {
    let state = tempfile::tempdir().expect("state dir");
    let config = tempfile::tempdir().expect("config dir");
    let runtime_config = config.path().join("runtime-config.toml");
    std::fs::write(
        &runtime_config,
        "[key_value_store.default]\ntype = \"spin\"\npath = \"data/wharf.db\"\n",
    )
    .expect("write runtime config");
    let arguments = [
        "--runtime-config-file",
        runtime_config.to_str().expect("utf-8"),
    ];
    let host = WharfHost::start_with(
        &probe_manifest(),
        state.path(),
        &[("required_value", "present")],
        &arguments,
    );
    let database = config.path().join("data/wharf.db");
    assert!(
        host.startup()
            .iter()
            .any(|line| line.contains(&format!("default: SQLite file {}", database.display()))),
        "{:?}",
        host.startup()
    );
    assert_eq!(
        host.send("PUT", "/probe/kv/colour", &[], b"green").status,
        204
    );
    assert!(host.stop().success());
    assert!(
        database.exists(),
        "relative to the runtime config file, as in Spin"
    );
    assert!(!state.path().join("key_value.db").exists());

    let again = WharfHost::start_with(
        &probe_manifest(),
        state.path(),
        &[("required_value", "present")],
        &arguments,
    );
    assert_eq!(again.get("/probe/kv/colour").text(), "green");
}
