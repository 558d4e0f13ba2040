//! A running `wharf-host up` process, stopped (with Ctrl-C, as a user would) when dropped.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::http_client::{request, HttpResponse};
use crate::paths::workspace_binary;
use crate::test_ca::TestCertificates;

pub struct WharfHost {
    child: Option<Child>,
    pub address: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

/// Sends SIGINT, what Ctrl-C sends, through the system's `kill` (no unsafe FFI in tests).
fn interrupt(child: &Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
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
        Self::launch(manifest, state_dir, variables, &[])
    }

    /// Like `start`, serving HTTPS with the test CA's loopback certificate
    /// (`--tls-cert`/`--tls-key`, the flags `spin up` takes).
    pub fn start_tls(
        manifest: &Path,
        state_dir: &Path,
        variables: &[(&str, &str)],
        certificates: &TestCertificates,
    ) -> Self {
        let tls = [
            OsString::from("--tls-cert"),
            certificates.certificate.clone().into_os_string(),
            OsString::from("--tls-key"),
            certificates.key.clone().into_os_string(),
        ];
        Self::launch(manifest, state_dir, variables, &tls)
            .unwrap_or_else(|failure| panic!("{failure}"))
    }

    fn launch(
        manifest: &Path,
        state_dir: &Path,
        variables: &[(&str, &str)],
        extra_arguments: &[OsString],
    ) -> Result<Self, String> {
        let mut command = Command::new(workspace_binary("wharf-host"));
        command
            .args(["up", "--listen", "127.0.0.1:0", "--from"])
            .arg(manifest)
            .arg("--state-dir")
            .arg(state_dir)
            .args(extra_arguments)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        set_spin_variables(&mut command, variables);
        let mut child = command.spawn().expect("start wharf-host");

        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr is piped");
        let stderr_log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                stderr_log.lock().expect("log lock").push(line);
            }
        });

        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line
                        .strip_prefix("Serving http://")
                        .or_else(|| line.strip_prefix("Serving https://"))
                    {
                        let address = rest.split_whitespace().next().unwrap_or_default();
                        break address.parse().expect("wharf-host prints its address");
                    }
                }
                _ => {
                    let status = child.wait().expect("wharf-host exit status");
                    std::thread::sleep(Duration::from_millis(100));
                    let output = log.lock().expect("log lock").join("\n");
                    return Err(format!(
                        "wharf-host exited ({status}) before serving:\n{output}"
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
        })
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        request(self.address, "GET", path, &[], b"")
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &[u8])]) -> HttpResponse {
        request(self.address, "GET", path, headers, b"")
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

    /// The wharf-host process id (to read its resident memory).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Everything wharf-host wrote to stderr so far (its request log and component output).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// Stops it with Ctrl-C (SIGINT) and returns how it exited.
    pub fn stop(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        interrupt(&child);
        for _ in 0..300 {
            if let Some(status) = child.try_wait().expect("wait") {
                // Drop (which checks the log for secrets) runs when `self` goes out of scope.
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("wharf-host did not stop within 15 s of Ctrl-C");
    }
}

impl Drop for WharfHost {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            interrupt(&child);
            std::thread::sleep(Duration::from_millis(200));
            let _ = child.kill();
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

/// Gives `command` exactly these `SPIN_VARIABLE_*` settings (names without the prefix), none
/// from the caller's environment, and remembers the secret ones for the log check.
pub fn set_spin_variables(command: &mut Command, variables: &[(&str, &str)]) {
    for (name, _) in std::env::vars() {
        if name.starts_with("SPIN_VARIABLE_") {
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

/// A copy of spin.toml, written to `directory`, whose files origin is `registry` (a directory
/// with `apt/` and/or `terraform/` laid out like the sample `registry/`) instead of the sample.
pub fn manifest_serving(registry: &Path, directory: &Path) -> PathBuf {
    let root = crate::paths::repository_root();
    let text = std::fs::read_to_string(wharf_manifest()).expect("read spin.toml");
    let mounted = r#"files = [{ source = "registry", destination = "/registry" }]"#;
    assert!(
        text.contains(mounted),
        "spin.toml mounts registry/ as before"
    );
    let text = text
        .replace(
            mounted,
            &format!(
                r#"files = [{{ source = "{}", destination = "/registry" }}]"#,
                registry.display()
            ),
        )
        .replace("\"target/", &format!("\"{}/target/", root.display()));
    let manifest = directory.join("spin.toml");
    std::fs::write(&manifest, text).expect("write manifest");
    manifest
}
