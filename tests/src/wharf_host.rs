//! A running `wharf-host up` (or `spin up`, see `runner`) process, stopped (with Ctrl-C, as a
//! user would) when dropped.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, SocketAddr};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::http_client::{request, request_from, HttpResponse};
use crate::paths::workspace_binary;
use crate::runner::Runner;
use crate::test_ca::TestCertificates;

pub struct WharfHost {
    child: Option<Child>,
    pub address: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    startup: Vec<String>,
    runner: Runner,
}

/// Everything but the manifest, state directory and variables that a test may vary.
#[derive(Default)]
pub struct LaunchOptions {
    /// More `up` arguments (`--max-connections 20`, `--runtime-config-file F`, …).
    pub arguments: Vec<OsString>,
    /// More environment variables for the process.
    pub environment: Vec<(OsString, OsString)>,
    /// Keep compiled components where wharf-host keeps them by default (the state directory)
    /// instead of the suite's shared compile cache: for tests of the cache itself.
    pub own_compile_cache: bool,
}

impl LaunchOptions {
    pub fn arguments(arguments: &[&str]) -> Self {
        Self {
            arguments: arguments.iter().map(OsString::from).collect(),
            ..Self::default()
        }
    }
}

/// Compiled components shared by every wharf-host the suite starts (each test has its own state
/// directory, and compiling them all again for every test would cost minutes). Lives in the
/// build directory, so CI's kept build output keeps it warm too.
fn shared_compile_cache() -> PathBuf {
    workspace_binary("wharf-host")
        .parent()
        .expect("binaries live in a directory")
        .join("test-compile-cache")
}

/// Sends `signal` to the server's whole process group (Spin serves from a child process),
/// through the system's `kill` (no unsafe FFI in tests).
fn signal_group(child: &Child, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", &format!("-{}", child.id())])
        .status();
}

impl WharfHost {
    /// Starts wharf-host on `manifest` with exactly these `SPIN_VARIABLE_*` settings (names
    /// without the prefix, e.g. `("basic_user", "alice")`); others from the caller's
    /// environment are removed so tests do not depend on it.
    pub fn start(manifest: &Path, state_dir: &Path, variables: &[(&str, &str)]) -> Self {
        Self::try_start(manifest, state_dir, variables)
            .unwrap_or_else(|failure| panic!("{failure}"))
    }

    /// Like `start`, but returns wharf-host's output when it exits instead of serving.
    pub fn try_start(
        manifest: &Path,
        state_dir: &Path,
        variables: &[(&str, &str)],
    ) -> Result<Self, String> {
        Self::try_launch(manifest, state_dir, variables, &LaunchOptions::default())
    }

    /// Like `start`, with more `up` arguments.
    pub fn start_with(
        manifest: &Path,
        state_dir: &Path,
        variables: &[(&str, &str)],
        arguments: &[&str],
    ) -> Self {
        Self::try_launch(
            manifest,
            state_dir,
            variables,
            &LaunchOptions::arguments(arguments),
        )
        .unwrap_or_else(|failure| panic!("{failure}"))
    }

    /// Like `start`, serving HTTPS with the test CA's loopback certificate
    /// (`--tls-cert`/`--tls-key`, the flags `spin up` takes).
    pub fn start_tls(
        manifest: &Path,
        state_dir: &Path,
        variables: &[(&str, &str)],
        certificates: &TestCertificates,
    ) -> Self {
        let options = LaunchOptions {
            arguments: vec![
                OsString::from("--tls-cert"),
                certificates.certificate.clone().into_os_string(),
                OsString::from("--tls-key"),
                certificates.key.clone().into_os_string(),
            ],
            ..LaunchOptions::default()
        };
        Self::try_launch(manifest, state_dir, variables, &options)
            .unwrap_or_else(|failure| panic!("{failure}"))
    }

    /// The most general start, under the runner `WHARF_RUNNER` names: returns the server's
    /// output when it exits instead of serving.
    pub fn try_launch(
        manifest: &Path,
        state_dir: &Path,
        variables: &[(&str, &str)],
        options: &LaunchOptions,
    ) -> Result<Self, String> {
        let runner = Runner::from_environment();
        let mut command = runner.up_command();
        command
            .args(["--listen", "127.0.0.1:0", "--from"])
            .arg(manifest)
            .arg("--state-dir")
            .arg(state_dir)
            .args(&options.arguments)
            .envs(
                options
                    .environment
                    .iter()
                    .map(|(name, value)| (name, value)),
            );
        if runner.is_spin() {
            // The files origin as it is on disk, as wharf-host mounts it: without this, Spin
            // serves a copy made at start, and tests that publish while it runs see nothing.
            // Spin (3.6 and 4.0) resolves direct mounts against its working directory, not
            // the manifest's: it must run from there.
            command.arg("--direct-mounts");
            if let Some(directory) = manifest.parent() {
                command.current_dir(directory);
            }
        } else if !options.own_compile_cache {
            command.arg("--compile-cache").arg(shared_compile_cache());
        }
        Self::serve(command, runner, variables)
    }

    /// Runs `command`, an `up` of `runner` with all its arguments (listening on a free port,
    /// which it prints as "Serving http(s)://ADDRESS"), with exactly these `SPIN_VARIABLE_*`
    /// settings, and waits until it serves. For tests that start the application some other
    /// way than from a manifest path: an OCI reference, a bundle, a systemd unit's command line.
    pub fn serve(
        command: Command,
        runner: Runner,
        variables: &[(&str, &str)],
    ) -> Result<Self, String> {
        Self::serve_logging(command, runner, variables, None)
    }

    /// Like [`WharfHost::serve`], with the server's log (stderr, a line per request) appended
    /// to `log_file` rather than kept by this process, as a web server writes its access log:
    /// for benchmarks, where reading and keeping every line would compete with the server.
    /// [`WharfHost::log`] is then empty.
    pub fn serve_logging_to(
        command: Command,
        runner: Runner,
        variables: &[(&str, &str)],
        log_file: &Path,
    ) -> Result<Self, String> {
        Self::serve_logging(command, runner, variables, Some(log_file))
    }

    fn serve_logging(
        mut command: Command,
        runner: Runner,
        variables: &[(&str, &str)],
        log_file: Option<&Path>,
    ) -> Result<Self, String> {
        let stderr = match log_file {
            None => Stdio::piped(),
            Some(path) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(Stdio::from)
                .map_err(|error| format!("open {}: {error}", path.display()))?,
        };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            // Its own process group, so stopping it stops Spin's trigger process too.
            .process_group(0);
        set_spin_variables(&mut command, variables);
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", runner.name()));

        let log = Arc::new(Mutex::new(Vec::new()));
        if let Some(stderr) = child.stderr.take() {
            let stderr_log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    stderr_log.lock().expect("log lock").push(line);
                }
            });
        }

        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let mut startup = Vec::new();
        let address = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line
                        .strip_prefix("Serving http://")
                        .or_else(|| line.strip_prefix("Serving https://"))
                    {
                        let address = rest.split_whitespace().next().unwrap_or_default();
                        break address.parse().expect("the server prints its address");
                    }
                    startup.push(line);
                }
                _ => {
                    let status = child.wait().expect("exit status");
                    std::thread::sleep(Duration::from_millis(100));
                    let output = match log_file {
                        Some(path) => std::fs::read_to_string(path).unwrap_or_default(),
                        None => log.lock().expect("log lock").join("\n"),
                    };
                    return Err(format!(
                        "{} exited ({status}) before serving:\n{output}",
                        runner.name()
                    ));
                }
            }
        };
        // Keep draining stdout so the process never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Self {
            child: Some(child),
            address,
            log,
            startup,
            runner,
        })
    }

    /// What the server printed before "Serving …" (wharf-host: the compile cache, key-value and
    /// limits lines).
    pub fn startup(&self) -> &[String] {
        &self.startup
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        request(self.address, "GET", path, &[], b"")
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &[u8])]) -> HttpResponse {
        request(self.address, "GET", path, headers, b"")
    }

    /// A GET from another client: the loopback address `source` (see `request_from`).
    pub fn get_from(&self, source: IpAddr, path: &str, headers: &[(&str, &[u8])]) -> HttpResponse {
        request_from(source, self.address, "GET", path, headers, b"")
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &[u8])],
        body: &[u8],
    ) -> HttpResponse {
        request(self.address, method, path, headers, body)
    }

    /// The server's process id; also its process group's (under Spin, the group holds the
    /// process that serves).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Resident memory of the server now, in bytes: the process, or under Spin its whole
    /// process group.
    pub fn resident_memory(&self) -> u64 {
        resident_memory_of(self.pid(), self.runner.is_spin()).expect("VmRSS in /proc/PID/status")
    }

    /// Starts sampling resident memory every 20 ms, until `PeakResidentMemory::stop`.
    pub fn watch_resident_memory(&self) -> PeakResidentMemory {
        let peak = Arc::new(AtomicU64::new(self.resident_memory()));
        let done = Arc::new(AtomicBool::new(false));
        let (pid, group) = (self.pid(), self.runner.is_spin());
        let sampler = {
            let (peak, done) = (peak.clone(), done.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::SeqCst) {
                    if let Some(bytes) = resident_memory_of(pid, group) {
                        peak.fetch_max(bytes, Ordering::SeqCst);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        PeakResidentMemory {
            peak,
            done,
            sampler: Some(sampler),
        }
    }

    /// Everything the server wrote to stderr so far (component output, and wharf-host's
    /// request log).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// wharf-host's request log (one line per request: method, path, status, component, auth
    /// scheme), or `None` under Spin, which writes none: assertions on it then say they were
    /// not made.
    pub fn request_log(&self) -> Option<Vec<String>> {
        if self.runner.is_spin() {
            eprintln!(
                "note: Spin writes no request log; request-log assertions are skipped under spin"
            );
            None
        } else {
            Some(self.log())
        }
    }

    /// Which program serves: `wharf-host` or `spin`.
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// Waits up to `timeout` for a log line that `matches` (log lines arrive through a pipe, a
    /// moment after the event they describe) and returns it.
    pub fn wait_for_log_line(
        &self,
        matches: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(line) = self.log().into_iter().find(|line| matches(line)) {
                return Some(line);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops it with Ctrl-C (SIGINT) and returns how it exited.
    pub fn stop(self) -> ExitStatus {
        self.stop_with("-INT")
    }

    /// Stops it with this signal (`-TERM`: what systemd and Kubernetes send) and returns how it
    /// exited.
    pub fn stop_with(mut self, signal: &str) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        signal_group(&child, signal);
        for _ in 0..300 {
            if let Some(status) = child.try_wait().expect("wait") {
                // Drop (which checks the log for secrets) runs when `self` goes out of scope.
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal_group(&child, "-KILL");
        panic!(
            "{} did not stop within 15 s of {signal}",
            self.runner.name()
        );
    }
}

impl Drop for WharfHost {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal_group(&child, "-INT");
            std::thread::sleep(Duration::from_millis(200));
            signal_group(&child, "-KILL");
            let _ = child.wait();
        }
        // Every log line of every test's wharf-host is searched for every secret used so far.
        if !std::thread::panicking() {
            let leaked = crate::secrets::leaked_in(&self.log());
            assert!(
                leaked.is_empty(),
                "wharf-host logged {} secret(s) used by the tests",
                leaked.len()
            );
        }
    }
}

/// The resident memory of process `pid` (or, with `group`, of every process in the group it
/// leads), in bytes, from Linux's /proc.
fn resident_memory_of(pid: u32, group: bool) -> Option<u64> {
    let resident = |pid: &str| -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| {
                value
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map(|kilobytes| kilobytes * 1024)
    };
    if !group {
        return resident(&pid.to_string());
    }
    let members = std::fs::read_dir("/proc").ok()?.filter_map(|entry| {
        let name = entry.ok()?.file_name().into_string().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{name}/stat")).ok()?;
        // Fields after the command (which may hold spaces): state, ppid, pgrp, …
        let after_command = &stat[stat.rfind(')')? + 2..];
        let process_group: u32 = after_command.split(' ').nth(2)?.parse().ok()?;
        (process_group == pid).then_some(name)
    });
    Some(members.filter_map(|member| resident(&member)).sum())
}

/// The highest resident memory seen while it ran.
pub struct PeakResidentMemory {
    peak: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
    sampler: Option<std::thread::JoinHandle<()>>,
}

impl PeakResidentMemory {
    /// Stops sampling and returns the peak, in bytes.
    pub fn stop(mut self) -> u64 {
        self.done.store(true, Ordering::SeqCst);
        if let Some(sampler) = self.sampler.take() {
            let _ = sampler.join();
        }
        self.peak.load(Ordering::SeqCst)
    }
}

/// Gives `command` exactly these `SPIN_VARIABLE_*` settings (names without the prefix), none
/// from the caller's environment (nor `SPIN_MAX_INSTANCE_MEMORY`), and remembers the secret
/// ones for the log check.
pub fn set_spin_variables(command: &mut Command, variables: &[(&str, &str)]) {
    for (name, _) in std::env::vars() {
        if name.starts_with("SPIN_VARIABLE_") || name == "SPIN_MAX_INSTANCE_MEMORY" {
            command.env_remove(name);
        }
    }
    for (name, value) in variables {
        crate::secrets::remember_variable(name, value);
        command.env(
            format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()),
            value,
        );
    }
}

/// The application's spin.toml at the repository root.
pub fn wharf_manifest() -> PathBuf {
    crate::paths::repository_root().join("spin.toml")
}
