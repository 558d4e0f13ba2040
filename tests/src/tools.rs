//! Programs the deploy tests need besides the clients: found on `PATH` (`make test` puts the
//! Python checkers of `make tools` there), and a clear failure naming what installs them when
//! one is missing. `.ci/run` installs all of them, so none of these checks is ever skipped.

use std::path::PathBuf;

use crate::runner::find_on_path;

/// `name` on `PATH`, or a failure that says where it comes from (`source`: the Debian package,
/// or `make tools` for the Python checkers).
pub fn required_tool(name: &str, source: &str) -> PathBuf {
    find_on_path(name).unwrap_or_else(|| {
        let how = if source == "make tools" {
            "run the tests through `make test`, which installs it with `make tools`".to_owned()
        } else {
            format!("apt-get install {source} (.ci/run does)")
        };
        panic!("{name} is not on PATH: {how}")
    })
}
