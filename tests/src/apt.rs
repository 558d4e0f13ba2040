//! The real apt client, run as an ordinary process in a private root (APT_CONFIG), with the
//! repository's key in `Signed-By` and Basic credentials in `auth.conf.d`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct AptClient {
    pub root: tempfile::TempDir,
}

/// Where an apt client finds the repository, and what it trusts and runs as.
pub struct AptSource<'a> {
    /// `http://…` or `https://…`, no trailing slash.
    pub base_uri: String,
    /// A PEM CA certificate apt trusts for https.
    pub authority: Option<&'a Path>,
    /// `APT::Architecture`, e.g. `amd64` or `arm64`.
    pub architecture: &'a str,
}

impl AptSource<'_> {
    pub fn http(registry: SocketAddr) -> Self {
        AptSource {
            base_uri: format!("http://{registry}"),
            authority: None,
            architecture: "amd64",
        }
    }
}

impl AptClient {
    /// An amd64 client of wharf over plain HTTP.
    pub fn new(registry: SocketAddr, public_key: &[u8], user: &str, password: &str) -> Self {
        Self::of(AptSource::http(registry), public_key, user, password)
    }

    /// A client of another architecture (`APT::Architecture`), e.g. `arm64`.
    pub fn for_architecture(
        registry: SocketAddr,
        public_key: &[u8],
        user: &str,
        password: &str,
        architecture: &str,
    ) -> Self {
        let source = AptSource {
            architecture,
            ..AptSource::http(registry)
        };
        Self::of(source, public_key, user, password)
    }

    /// A client of the repository at `base_uri` (`http://…` or `https://…`, no trailing slash),
    /// trusting `authority` (a PEM CA certificate) for https when given.
    pub fn for_uri(
        base_uri: &str,
        authority: Option<&Path>,
        public_key: &[u8],
        user: &str,
        password: &str,
    ) -> Self {
        let source = AptSource {
            base_uri: base_uri.to_owned(),
            authority,
            architecture: "amd64",
        };
        Self::of(source, public_key, user, password)
    }

    /// A client of `source`, trusting `public_key` (`Signed-By`) and logging in with Basic
    /// credentials from `auth.conf.d`.
    pub fn of(source: AptSource<'_>, public_key: &[u8], user: &str, password: &str) -> Self {
        let AptSource {
            base_uri,
            authority,
            architecture,
        } = source;
        let root = tempfile::tempdir().expect("apt root");
        let base = root.path();
        for directory in [
            "etc/apt/sources.list.d",
            "etc/apt/auth.conf.d",
            "etc/apt/apt.conf.d",
            "etc/apt/preferences.d",
            "etc/apt/trusted.gpg.d",
            "var/lib/apt/lists/partial",
            "var/cache/apt/archives/partial",
            "var/lib/dpkg",
            "var/log/apt",
            "downloads",
        ] {
            std::fs::create_dir_all(base.join(directory)).expect("apt directory");
        }
        std::fs::write(base.join("var/lib/dpkg/status"), "").expect("dpkg status");
        std::fs::write(base.join("etc/apt/wharf.asc"), public_key).expect("key");
        let user_name = std::env::var("USER").unwrap_or_else(|_| "root".to_owned());
        std::fs::write(
            base.join("apt.conf"),
            format!(
                "Dir \"{root}/\";\nDir::State \"{root}/var/lib/apt/\";\nDir::State::status \"{root}/var/lib/dpkg/status\";\nDir::Cache \"{root}/var/cache/apt/\";\nDir::Etc \"{root}/etc/apt/\";\nDir::Log \"{root}/var/log/apt/\";\nAPT::Architecture \"{architecture}\";\nAPT::Architectures {{ \"{architecture}\"; }};\nAcquire::Languages \"none\";\nAcquire::Retries \"0\";\nAPT::Sandbox::User \"{user_name}\";\n{trust}",
                root = base.display(),
                trust = authority
                    .map(|ca| format!("Acquire::https::CaInfo \"{}\";\n", ca.display()))
                    .unwrap_or_default(),
            ),
        )
        .expect("apt.conf");
        std::fs::write(
            base.join("etc/apt/sources.list.d/wharf.sources"),
            format!(
                "Types: deb\nURIs: {base_uri}/\nSuites: stable\nComponents: main\nSigned-By: {}\n",
                base.join("etc/apt/wharf.asc").display()
            ),
        )
        .expect("sources");
        let auth = base.join("etc/apt/auth.conf.d/wharf.conf");
        std::fs::write(
            &auth,
            format!("machine {base_uri}\nlogin {user}\npassword {password}\n"),
        )
        .expect("auth.conf");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&auth, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        AptClient { root }
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env("APT_CONFIG", self.root.path().join("apt.conf"))
            .env("LC_ALL", "C")
            .current_dir(self.root.path().join("downloads"));
        command
    }

    pub fn update(&self) -> Output {
        self.command("apt-get")
            .args(["update"])
            .output()
            .expect("run apt-get update")
    }

    pub fn download(&self, package: &str) -> Output {
        self.command("apt-get")
            .args(["download", package])
            .output()
            .expect("run apt-get download")
    }

    /// `apt-cache show PACKAGE`: every version apt knows, as it reads them.
    pub fn show(&self, package: &str) -> Output {
        self.command("apt-cache")
            .args(["show", package])
            .output()
            .expect("run apt-cache show")
    }

    /// `apt-get install` for real: dpkg unpacks into this client's private root (`--root`), so
    /// the test needs no container and touches nothing of the machine's.
    pub fn install(&self, package: &str) -> Output {
        let root = self.root.path().display();
        self.command("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .arg("-o")
            .arg(format!("DPkg::Options::=--root={root}"))
            .args(["-o", "DPkg::Options::=--force-not-root", package])
            .output()
            .expect("run apt-get install")
    }

    /// The version dpkg recorded as installed in this client's root.
    pub fn installed_version(&self, package: &str) -> Option<String> {
        let output = Command::new("dpkg-query")
            .arg(format!(
                "--admindir={}",
                self.root.path().join("var/lib/dpkg").display()
            ))
            .args(["-W", "-f", "${Status}|${Version}", package])
            .output()
            .expect("run dpkg-query");
        String::from_utf8_lossy(&output.stdout)
            .strip_prefix("install ok installed|")
            .map(str::to_owned)
    }

    /// The `.deb` apt fetched for `package` into its archive cache.
    pub fn cached_archive(&self, package: &str) -> Option<PathBuf> {
        let archives = self.root.path().join("var/cache/apt/archives");
        std::fs::read_dir(archives)
            .ok()?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .find(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| {
                        name.starts_with(&format!("{package}_")) && name.ends_with(".deb")
                    })
            })
    }

    /// The candidate version apt would install.
    pub fn candidate(&self, package: &str) -> Option<String> {
        let output = self
            .command("apt-cache")
            .args(["policy", package])
            .output()
            .expect("run apt-cache policy");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .find_map(|line| line.trim().strip_prefix("Candidate: ").map(str::to_owned))
            .filter(|candidate| candidate != "(none)")
    }

    pub fn downloaded(&self, file_name: &str) -> PathBuf {
        self.root.path().join("downloads").join(file_name)
    }
}

/// Builds a `.deb` with dpkg-deb: `name_version_architecture.deb` in `directory` (the epoch
/// left out, as dpkg names files), carrying `payload_bytes` of a repeating (so
/// well-compressing) pattern.
pub fn build_deb(
    directory: &Path,
    name: &str,
    version: &str,
    architecture: &str,
    payload_bytes: usize,
) -> PathBuf {
    build_test_deb(directory, name, version, architecture, |contents| {
        contents.payload_bytes = payload_bytes
    })
}

/// [`build_deb`] with the payload given, e.g. random bytes for a `.deb` that stays large.
pub fn build_deb_with_payload(
    directory: &Path,
    name: &str,
    version: &str,
    architecture: &str,
    payload: &[u8],
) -> PathBuf {
    build_test_deb(directory, name, version, architecture, |contents| {
        contents.payload = Some(payload)
    })
}

fn build_test_deb<'a>(
    directory: &Path,
    name: &'a str,
    version: &str,
    architecture: &str,
    adjust: impl FnOnce(&mut DebContents<'a>),
) -> PathBuf {
    let control = format!(
        "Package: {name}\nVersion: {version}\nArchitecture: {architecture}\nMaintainer: Test <test@example.invalid>\nDescription: test package {name}\n multi-line description\n .\n with an empty line.\n"
    );
    let without_epoch = version.split_once(':').map_or(version, |(_, rest)| rest);
    let mut contents = DebContents {
        // Its own directory, so several test packages install side by side.
        payload_directory: name,
        ..DebContents::default()
    };
    adjust(&mut contents);
    DebContents {
        control: control.as_bytes(),
        ..contents
    }
    .build(&directory.join(format!("{name}_{without_epoch}_{architecture}.deb")))
}

/// What goes into a `.deb` built by dpkg-deb.
pub struct DebContents<'a> {
    /// The control file's exact bytes (any encoding dpkg-deb accepts).
    pub control: &'a [u8],
    /// dpkg-deb's `-Z`: `gzip`, `xz`, `zstd` or `none`.
    pub compression: &'a str,
    /// Bytes of `usr/share/PAYLOAD_DIRECTORY/payload`; a different count gives a different file.
    pub payload_bytes: usize,
    /// The directory below `usr/share/` the payload goes to (`wharf-test` by default).
    pub payload_directory: &'a str,
    /// The payload itself, instead of `payload_bytes` of a pattern.
    pub payload: Option<&'a [u8]>,
    /// Further files below the package root.
    pub files: &'a [(&'a str, &'a [u8])],
}

impl Default for DebContents<'_> {
    fn default() -> Self {
        Self {
            control: b"",
            compression: "gzip",
            payload_bytes: 1000,
            payload_directory: "wharf-test",
            payload: None,
            files: &[],
        }
    }
}

impl DebContents<'_> {
    /// Builds the package at `output` with dpkg-deb.
    pub fn build(&self, output: &Path) -> PathBuf {
        let tree = tempfile::tempdir().expect("package tree");
        std::fs::create_dir_all(tree.path().join("DEBIAN")).expect("DEBIAN");
        std::fs::write(tree.path().join("DEBIAN/control"), self.control).expect("control");
        let pattern: Vec<u8> = (0..self.payload_bytes)
            .map(|index| (index * 7 % 251) as u8)
            .collect();
        let payload = self.payload.unwrap_or(&pattern);
        let payload_path = format!("usr/share/{}/payload", self.payload_directory);
        let mut files = vec![(payload_path.as_str(), payload)];
        files.extend_from_slice(self.files);
        for (path, content) in files {
            let target = tree.path().join(path);
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("directory");
            std::fs::write(target, content).expect("file");
        }
        let status = Command::new("dpkg-deb")
            .args([
                "--root-owner-group",
                &format!("-Z{}", self.compression),
                "--build",
            ])
            .arg(tree.path())
            .arg(output)
            .output()
            .expect("run dpkg-deb");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        output.to_owned()
    }
}

pub fn describe(output: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
