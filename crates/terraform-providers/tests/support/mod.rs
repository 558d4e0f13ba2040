//! GnuPG in a throwaway home: keys and signatures made the way provider authors make them
//! (GoReleaser runs `gpg --detach-sign`).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub struct Gpg {
    home: tempfile::TempDir,
}

impl Gpg {
    pub fn new() -> Self {
        let home = tempfile::tempdir().expect("gpg home");
        std::fs::set_permissions(
            home.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("chmod");
        Self { home }
    }

    fn run(&self, args: &[&str]) -> Output {
        let output = Command::new("gpg")
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .env("GNUPGHOME", self.home.path())
            .stdin(Stdio::null())
            .output()
            .expect("run gpg");
        assert!(
            output.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// A new key for `email` (`rsa3072`, `ed25519`, …) with the given usage (`sign`, `cert`).
    pub fn generate(&self, email: &str, algorithm: &str, usage: &str) -> String {
        self.run(&[
            "--quick-gen-key",
            &format!("Provider Author <{email}>"),
            algorithm,
            usage,
            "never",
        ]);
        self.fingerprint(email)
    }

    /// Adds a subkey to `fingerprint` and returns the subkey's fingerprint.
    pub fn add_subkey(&self, fingerprint: &str, algorithm: &str, usage: &str) -> String {
        self.run(&["--quick-add-key", fingerprint, algorithm, usage, "never"]);
        let listing = self.run(&["--with-colons", "--list-keys", fingerprint]);
        String::from_utf8_lossy(&listing.stdout)
            .lines()
            .rev()
            .filter(|line| line.starts_with("fpr:"))
            .find_map(|line| line.split(':').nth(9))
            .expect("subkey fingerprint")
            .to_owned()
    }

    pub fn fingerprint(&self, email: &str) -> String {
        let listing = self.run(&["--with-colons", "--list-keys", email]);
        String::from_utf8_lossy(&listing.stdout)
            .lines()
            .find(|line| line.starts_with("fpr:"))
            .and_then(|line| line.split(':').nth(9))
            .expect("fingerprint")
            .to_owned()
    }

    pub fn public_key(&self, who: &str) -> String {
        String::from_utf8(self.run(&["--armor", "--export", who]).stdout).expect("armor")
    }

    pub fn secret_key(&self, who: &str) -> String {
        String::from_utf8(self.run(&["--armor", "--export-secret-keys", who]).stdout)
            .expect("armor")
    }

    pub fn revoke(&self, fingerprint: &str) {
        let certificate = self
            .home
            .path()
            .join("openpgp-revocs.d")
            .join(format!("{fingerprint}.rev"));
        let text = std::fs::read_to_string(&certificate).expect("revocation certificate");
        // GnuPG guards the certificate with a leading ':' so it is not imported by accident.
        let armored = text.replace(":-----BEGIN", "-----BEGIN");
        let path = self.path("revocation.asc");
        std::fs::write(&path, armored).expect("write");
        self.run(&["--import", path.to_str().expect("utf-8")]);
    }

    /// `gpg --detach-sign` (binary), or with `--armor`, by `who` (a fingerprint, with `!` to
    /// force that exact key).
    pub fn sign(&self, who: &str, document: &[u8], armor: bool) -> Vec<u8> {
        let input = self.path("document");
        std::fs::write(&input, document).expect("write");
        let output = self.path("document.sig");
        let _ = std::fs::remove_file(&output);
        let mut args = vec![
            "--local-user",
            who,
            "--output",
            output.to_str().expect("utf-8"),
        ];
        if armor {
            args.push("--armor");
        }
        args.extend(["--detach-sign", input.to_str().expect("utf-8")]);
        self.run(&args);
        std::fs::read(output).expect("signature")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.home.path())
            .output();
    }
}
