//! Real Spin (`spin up`) serving wharf's spin.toml, for the checks that must hold there too.
//! The binary comes from `WHARF_SPIN` (e.g. `../shared/tools/spin`); tests that need it are
//! `#[ignore]`d with that instruction, so a run without Spin says what it left out.

use std::net::{SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http_client::request;
use crate::wharf_host::set_spin_variables;

/// The Spin binary named by `WHARF_SPIN`.
pub fn spin_binary() -> PathBuf {
    let binary = std::env::var_os("WHARF_SPIN")
        .map(PathBuf::from)
        .expect("set WHARF_SPIN to the spin binary (e.g. ../shared/tools/spin)");
    assert!(
        binary.is_file(),
        "WHARF_SPIN={} is not a file",
        binary.display()
    );
    binary
}

/// `spin up` in its own process group (it serves from a child process), stopped with the
/// whole group when dropped.
pub struct SpinUp {
    child: Child,
    pub address: SocketAddr,
}

impl SpinUp {
    pub fn start(manifest: &Path, state_dir: &Path, variables: &[(&str, &str)]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let address: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut command = Command::new(spin_binary());
        command
            .arg("up")
            .arg("--from")
            .arg(manifest)
            .arg("--listen")
            .arg(address.to_string())
            .arg("--state-dir")
            .arg(state_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        set_spin_variables(&mut command, variables);
        let child = command.spawn().expect("start spin up");
        let spin = Self { child, address };
        let deadline = Instant::now() + Duration::from_secs(300);
        while std::net::TcpStream::connect(address).is_err() {
            assert!(
                Instant::now() < deadline,
                "spin up did not listen on {address}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        assert_eq!(request(address, "GET", "/health", &[], b"").status, 200);
        spin
    }

    /// The process group: `spin up` and the trigger process it runs.
    pub fn group(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SpinUp {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let kill = |signal: &str| {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        kill("-INT");
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        kill("-KILL");
        let _ = self.child.wait();
    }
}
