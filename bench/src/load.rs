//! Request rates from wrk (Debian's `wrk`), with the settings: one thread, 16
//! connections, 8 seconds, on loopback. A run that saw any non-2xx answer or socket error
//! does not count as a rate: the cheap 401s of a broken setup would look fast.

use std::net::SocketAddr;
use std::process::Command;

use anyhow::{bail, Context};

pub const WRK_ARGUMENTS: &[&str] = &["-t1", "-c16", "-d8s"];

/// One wrk run's result.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub requests_per_second: f64,
}

/// Runs wrk against `http://address{path}` with `authorization` (a whole header value) when
/// given.
pub fn measure(
    address: SocketAddr,
    path: &str,
    authorization: Option<&str>,
) -> anyhow::Result<Rate> {
    let mut command = Command::new("wrk");
    command.args(WRK_ARGUMENTS);
    if let Some(value) = authorization {
        command.arg("-H").arg(format!("Authorization: {value}"));
    }
    command.arg(format!("http://{address}{path}"));
    let output = command.output().context("run wrk (Debian: wrk)")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "wrk failed on {path}: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    if let Some(line) = text
        .lines()
        .find(|line| line.contains("Non-2xx or 3xx responses") || line.contains("Socket errors"))
    {
        bail!("wrk on {address}{path} saw failures: {}", line.trim());
    }
    let requests_per_second = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .with_context(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
    Ok(Rate {
        requests_per_second,
    })
}
