//! Helpers for checking signatures with the real GnuPG tools in a throwaway home directory.
//!
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use release_signing::SigningKey;

/// A fixed past time (2023-11-14), so gpgv never sees a key or signature from the future.
pub const KEY_CREATED: u64 = 1_700_000_000;
pub const SIGNED_AT: u64 = 1_700_086_400;

pub fn test_key(seed: u64) -> SigningKey {
    SigningKey::generate(
        "Wharf Test <apt@example.org>",
        KEY_CREATED,
        ChaCha20Rng::seed_from_u64(seed),
    )
    .unwrap()
}

/// A temporary GNUPGHOME with files written into it.
pub struct GpgHome {
    pub dir: tempfile::TempDir,
}

impl GpgHome {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        Self { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Runs a GnuPG tool with GNUPGHOME set to this directory.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .env("GNUPGHOME", self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|err| panic!("cannot run {program}: {err}"))
    }

    /// `gpgv --keyring <keyring> args…`; the keyring path is absolute because gpgv looks
    /// for bare names inside GNUPGHOME.
    pub fn gpgv(&self, keyring: &Path, args: &[&str]) -> Output {
        let mut all = vec!["--keyring", keyring.to_str().unwrap()];
        all.extend_from_slice(args);
        self.run("gpgv", &all)
    }

    /// `gpg --list-packets` of a file, as text.
    pub fn list_packets(&self, file: &Path) -> String {
        let output = self.run(
            "gpg",
            &["--batch", "--list-packets", file.to_str().unwrap()],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

impl Drop for GpgHome {
    /// gpg may have started an agent for this home; stop it with the directory.
    fn drop(&mut self) {
        // The socket may live under /run/user rather than in the home, so always ask.
        let _ = self.run("gpgconf", &["--kill", "gpg-agent"]);
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
