//! Real Spin (`spin up`) serving wharf's spin.toml, for the checks that must hold on Spin as
//! well as on wharf-host. The binaries come from `WHARF_SPIN_BINARIES` (colon-separated), or
//! else `../shared/tools/spin` and `../shared/tools/spin-3.6` next to the repository; a machine
//! without them skips these checks and says so.

use std::net::{SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http_client::{request, HttpResponse};
use crate::paths::repository_root;

/// The Spin binaries present on this machine.
pub fn spin_binaries() -> Vec<PathBuf> {
    let listed = std::env::var("WHARF_SPIN_BINARIES").ok();
    let candidates: Vec<PathBuf> = match &listed {
        Some(listed) => listed
            .split(':')
            .filter(|entry| !entry.is_empty())
            .map(PathBuf::from)
            .collect(),
        None => ["spin", "spin-3.6"]
            .iter()
            .map(|name| repository_root().join("../shared/tools").join(name))
            .collect(),
    };
    let present: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|path| path.is_file())
        .collect();
    if present.is_empty() {
        eprintln!(
            "NOTE: no real Spin found (WHARF_SPIN_BINARIES or ../shared/tools/spin): the checks under `spin up` are skipped on this machine"
        );
    }
    present
}

/// A running `spin up`, stopped (its whole process group: Spin runs its trigger as a child)
/// when dropped.
pub struct RealSpin {
    child: Child,
    pub address: SocketAddr,
    _state: tempfile::TempDir,
}

impl RealSpin {
    /// Serves wharf's spin.toml with exactly these `SPIN_VARIABLE_*` settings.
    pub fn start(binary: &Path, variables: &[(&str, &str)]) -> Self {
        let address = {
            let probe = TcpListener::bind("127.0.0.1:0").expect("free port");
            probe.local_addr().expect("address")
        };
        let state = tempfile::tempdir().expect("spin state");
        let mut command = Command::new(binary);
        command
            .current_dir(repository_root())
            .args(["up", "--from", "spin.toml", "--listen"])
            .arg(address.to_string())
            .arg("--state-dir")
            .arg(state.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
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
        let child = command.spawn().expect("start spin up");
        let spin = Self {
            child,
            address,
            _state: state,
        };
        let started = Instant::now();
        while !std::net::TcpStream::connect(address)
            .is_ok_and(|_| spin.get("/health").status == 200)
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} did not serve within 60 s",
                binary.display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        spin
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &[u8])]) -> HttpResponse {
        request(self.address, "GET", path, headers, b"")
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        self.get_with(path, &[])
    }
}

impl Drop for RealSpin {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}
