use spin_sdk::http::Response;
use spin_sdk::variables;

use crate::responses::plain_text;

/// Reads a Spin variable; a failure is the operator's to fix, so the client gets a 500 that
/// says to look at the server log, and the log says which variable.
pub fn variable(name: &str) -> Result<String, Response> {
    variables::get(name).map_err(|error| {
        eprintln!(
            "cannot read variable {name} (is it listed in the component's variables?): {error}"
        );
        plain_text(500, "wharf is misconfigured; the server log says how")
    })
}

/// Where packages and modules come from (`origin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The directory spin.toml mounts at `/registry`.
    Files,
    /// GitHub (or GitHub Enterprise Server) through its REST API.
    GitHub,
}

impl Origin {
    pub fn from_variables() -> Result<Self, Response> {
        match variable("origin")?.as_str() {
            "files" => Ok(Origin::Files),
            "github" => Ok(Origin::GitHub),
            other => {
                eprintln!("origin is '{other}'; it must be 'files' or 'github'");
                Err(plain_text(
                    500,
                    "wharf is misconfigured; the server log says how",
                ))
            }
        }
    }
}

/// Seconds since the Unix epoch, from the host's clock (wasi:clocks).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// The directory the files origin is mounted at (spin.toml `files`).
pub const FILES_ROOT: &str = "/registry";
