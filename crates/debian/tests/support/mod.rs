//! Helpers shared by the integration tests: real `.deb` files from `dpkg-deb`, digests from
//! coreutils, and a hand-written ar writer for crafting broken packages.
//!
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs a tool and returns its stdout, failing the test with its stderr otherwise.
pub fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs a tool with `input` on stdin and returns its stdout.
pub fn run_with_input(program: &str, args: &[&str], input: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The hex digest a coreutils tool (`sha256sum`, `md5sum`, …) prints for a file.
pub fn tool_digest(tool: &str, path: &Path) -> String {
    let out = String::from_utf8(run(tool, &[path.to_str().unwrap()])).unwrap();
    out.split_whitespace().next().unwrap().to_owned()
}

/// A package to build with `dpkg-deb`.
pub struct DebSpec<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub architecture: &'a str,
    /// `gzip`, `xz`, `zstd` or `none` (dpkg-deb's `-Z`).
    pub compression: &'a str,
    /// Extra control lines, each ending in `\n`.
    pub extra_control: &'a str,
    /// Files below the package root.
    pub files: &'a [(&'a str, &'a [u8])],
    /// The control file's exact bytes instead of [`DebSpec::control_text`] (legacy encodings).
    pub raw_control: Option<&'a [u8]>,
}

impl Default for DebSpec<'_> {
    fn default() -> Self {
        Self {
            name: "hello",
            version: "1.0-1",
            architecture: "amd64",
            compression: "gzip",
            extra_control: "",
            files: &[("usr/share/doc/hello/README", b"hello world\n")],
            raw_control: None,
        }
    }
}

impl DebSpec<'_> {
    pub fn control_text(&self) -> String {
        format!(
            "Package: {}\nVersion: {}\nArchitecture: {}\nMaintainer: Test <test@example.org>\n{}Description: test package\n A longer description\n .\n with a paragraph break.\n",
            self.name, self.version, self.architecture, self.extra_control
        )
    }

    /// Builds the package under `dir` and returns the `.deb` path.
    pub fn build(&self, dir: &Path) -> PathBuf {
        let root = dir.join(format!(
            "{}-{}-{}-root",
            self.name, self.architecture, self.compression
        ));
        fs::create_dir_all(root.join("DEBIAN")).unwrap();
        match self.raw_control {
            Some(bytes) => fs::write(root.join("DEBIAN/control"), bytes).unwrap(),
            None => fs::write(root.join("DEBIAN/control"), self.control_text()).unwrap(),
        }
        for (path, content) in self.files {
            let target = root.join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, content).unwrap();
        }
        // dpkg's file names leave the epoch out.
        let version = self
            .version
            .split_once(':')
            .map_or(self.version, |(_, rest)| rest);
        let deb = dir.join(format!(
            "{}_{}_{}.{}.deb",
            self.name, version, self.architecture, self.compression
        ));
        let z = format!("-Z{}", self.compression);
        run(
            "dpkg-deb",
            &[
                "--root-owner-group",
                &z,
                "--build",
                root.to_str().unwrap(),
                deb.to_str().unwrap(),
            ],
        );
        deb
    }
}

/// The names of a `.deb`'s members as the binutils `ar` lists them.
pub fn ar_names(deb: &Path) -> Vec<String> {
    String::from_utf8(run("ar", &["t", deb.to_str().unwrap()]))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// One member's bytes as binutils `ar p` extracts them.
pub fn ar_member(deb: &Path, member: &str) -> Vec<u8> {
    run("ar", &["p", deb.to_str().unwrap(), member])
}

/// Writes an ar archive the way dpkg-deb lays it out (deb(5)): signature, 60-byte headers
/// with space-padded fields, bodies padded to even length with `\n`.
pub fn write_ar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = b"!<arch>\n".to_vec();
    for (name, body) in members {
        let header = format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            name,
            0,
            0,
            0,
            100644,
            body.len()
        );
        assert_eq!(header.len(), 60);
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(b'\n');
        }
    }
    out
}

/// A gzip-compressed tar holding `./control` with `text`, made with GNU tar and gzip.
pub fn control_tar_gz(dir: &Path, text: &str) -> Vec<u8> {
    let staging = dir.join("control-staging");
    fs::create_dir_all(&staging).unwrap();
    fs::write(staging.join("control"), text).unwrap();
    let tarball = dir.join("control.tar.gz");
    run(
        "tar",
        &[
            "-czf",
            tarball.to_str().unwrap(),
            "-C",
            staging.to_str().unwrap(),
            "./control",
        ],
    );
    fs::read(tarball).unwrap()
}
