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
