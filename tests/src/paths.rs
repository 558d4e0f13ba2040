//! Where the repository, the build output and the binaries are.

use std::path::PathBuf;

/// The repository root (this crate lives in `tests/`).
pub fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
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
