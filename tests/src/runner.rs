//! Which program serves the application in the end-to-end tests. `make test` runs the suites
//! under `wharf-host` and again under real Spin (`WHARF_RUNNER=spin`), so anything the two
//! treat differently shows up as a failing test.

use std::path::PathBuf;
use std::process::Command;

use crate::paths::workspace_binary;

#[derive(Debug, Clone)]
pub enum Runner {
    /// This repository's `wharf-host` (the default).
    WharfHost,
    /// `spin up`, with the Spin binary `WHARF_SPIN` names.
    Spin(PathBuf),
}

impl Runner {
    /// From `WHARF_RUNNER` (`wharf-host` or `spin`); `spin` needs `WHARF_SPIN`, the binary
    /// (`make test` finds it: `SPIN`, then `PATH`, then `../shared/tools/spin`).
    pub fn from_environment() -> Self {
        match std::env::var("WHARF_RUNNER").as_deref() {
            Err(_) | Ok("") | Ok("wharf-host") => Runner::WharfHost,
            Ok("spin") => {
                let binary = std::env::var_os("WHARF_SPIN").map(PathBuf::from).unwrap_or_else(|| {
                    panic!("WHARF_RUNNER=spin needs WHARF_SPIN, the spin binary (make test sets both)")
                });
                assert!(
                    binary.is_file(),
                    "WHARF_SPIN={} is not a file",
                    binary.display()
                );
                Runner::Spin(binary)
            }
            Ok(other) => panic!("WHARF_RUNNER={other}: expected wharf-host or spin"),
        }
    }

    pub fn is_spin(&self) -> bool {
        matches!(self, Runner::Spin(_))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Runner::WharfHost => "wharf-host",
            Runner::Spin(_) => "spin",
        }
    }

    /// `… up`: the caller adds `--from`, `--listen`, `--state-dir` and the rest, which both
    /// programs spell the same way.
    pub fn up_command(&self) -> Command {
        let mut command = match self {
            Runner::WharfHost => Command::new(workspace_binary("wharf-host")),
            Runner::Spin(binary) => Command::new(binary),
        };
        command.arg("up");
        command
    }
}

/// Every Spin binary to run the deploy checks with: `WHARF_SPIN_BINARIES` (colon-separated,
/// what `make test` found), else found as `make test` finds them: `SPIN`, then `spin` on
/// `PATH`, then `../shared/tools/spin` and `spin-3.6` beside the repository. Empty when there
/// is none; callers say so loudly (`say_loudly`).
pub fn spin_binaries() -> Vec<PathBuf> {
    if let Ok(listed) = std::env::var("WHARF_SPIN_BINARIES") {
        if !listed.is_empty() {
            return listed
                .split(':')
                .filter(|entry| !entry.is_empty())
                .map(PathBuf::from)
                .inspect(|binary| {
                    assert!(
                        binary.is_file(),
                        "WHARF_SPIN_BINARIES names {}, which is not a file",
                        binary.display()
                    )
                })
                .collect();
        }
    }
    if let Some(binary) = std::env::var_os("SPIN").filter(|value| !value.is_empty()) {
        return vec![PathBuf::from(binary)];
    }
    if let Some(binary) = find_on_path("spin") {
        return vec![binary];
    }
    let shared = crate::paths::repository_root().join("../shared/tools");
    ["spin", "spin-3.6"]
        .iter()
        .map(|name| shared.join(name))
        .filter(|binary| binary.is_file())
        .collect()
}

/// `name` as the shell would find it on `PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|directory| directory.join(name))
        .find(|candidate| candidate.is_file())
}

/// A line that reaches the terminal even from a passing test (cargo's test harness captures
/// `println!`/`eprintln!` but not writes to the stderr handle itself): for checks that could
/// not run here and must not pass silently.
pub fn say_loudly(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n==== NOT CHECKED: {message}\n");
}
