//! The real apt client, run as an ordinary process in a private root (APT_CONFIG), with the
//! repository's key in `Signed-By` and Basic credentials in `auth.conf.d`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct AptClient {
    pub root: tempfile::TempDir,
}

impl AptClient {
    pub fn new(registry: SocketAddr, public_key: &[u8], user: &str, password: &str) -> Self {
        Self::for_uri(
            &format!("http://{registry}"),
            None,
            public_key,
            user,
            password,
        )
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
                "Dir \"{root}/\";\nDir::State \"{root}/var/lib/apt/\";\nDir::State::status \"{root}/var/lib/dpkg/status\";\nDir::Cache \"{root}/var/cache/apt/\";\nDir::Etc \"{root}/etc/apt/\";\nDir::Log \"{root}/var/log/apt/\";\nAPT::Architecture \"amd64\";\nAPT::Architectures {{ \"amd64\"; }};\nAcquire::Languages \"none\";\nAcquire::Retries \"0\";\nAPT::Sandbox::User \"{user_name}\";\n{trust}",
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

/// Builds a `.deb` with dpkg-deb: `name_version_architecture.deb` in `directory`.
pub fn build_deb(
    directory: &Path,
    name: &str,
    version: &str,
    architecture: &str,
    payload_bytes: usize,
) -> PathBuf {
    let tree = tempfile::tempdir().expect("package tree");
    std::fs::create_dir_all(tree.path().join("DEBIAN")).expect("DEBIAN");
    std::fs::create_dir_all(tree.path().join("usr/share").join(name)).expect("share");
    std::fs::write(
        tree.path().join("DEBIAN/control"),
        format!(
            "Package: {name}\nVersion: {version}\nArchitecture: {architecture}\nMaintainer: Test <test@example.invalid>\nDescription: test package {name}\n multi-line description\n .\n with an empty line.\n"
        ),
    )
    .expect("control");
    let payload: Vec<u8> = (0..payload_bytes)
        .map(|index| (index * 7 % 251) as u8)
        .collect();
    std::fs::write(
        tree.path().join("usr/share").join(name).join("payload"),
        payload,
    )
    .expect("payload");
    let output = directory.join(format!("{name}_{version}_{architecture}.deb"));
    let status = Command::new("dpkg-deb")
        .args(["--root-owner-group", "-Zgzip", "--build"])
        .arg(tree.path())
        .arg(&output)
        .output()
        .expect("run dpkg-deb");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    output
}

pub fn describe(output: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
