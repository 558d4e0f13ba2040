//! Where the repository, the build output and the binaries are.

use std::path::{Path, PathBuf};

/// The repository root (this crate lives in `tests/`). Cargo sets `CARGO_MANIFEST_DIR` when it
/// runs a test or binary of the workspace (in `tests/` or `bench/`, both one level down), and
/// that comes first: the directory compiled into this library may be another clone's, because
/// cargo does not rebuild a library for a clone whose files are older than a shared
/// `CARGO_TARGET_DIR`'s build.
pub fn repository_root() -> PathBuf {
    let running = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let compiled = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    running
        .into_iter()
        .chain([compiled])
        .filter_map(|package| package.parent().map(Path::to_owned))
        .find(|root| root.join("spin.toml").is_file())
        .expect("the repository root holds spin.toml")
}

/// A binary of this workspace, next to the test executable's `deps/` directory.
pub fn workspace_binary(name: &str) -> PathBuf {
    let test_executable = std::env::current_exe().expect("the test knows its own path");
    let profile_directory = test_executable
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test executables live in <target>/<profile>/deps");
    let binary = profile_directory.join(name);
    assert!(
        binary.exists(),
        "{} is missing: run the tests with `make test`, which builds it first",
        binary.display()
    );
    binary
}
