//! Debian's `docker-registry` (the CNCF distribution registry) on a free loopback port, with
//! its own configuration file and its storage in a temporary directory: the OCI registry that
//! `spin registry push` and `spin up --from` talk to in the deploy tests. Stopped when dropped.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http_client::request;
use crate::tools::required_tool;

pub struct OciRegistry {
    child: Child,
    pub address: SocketAddr,
    directory: tempfile::TempDir,
}

impl OciRegistry {
    pub fn start() -> Self {
        let binary = required_tool("docker-registry", "docker-registry");
        let directory = tempfile::tempdir().expect("registry directory");
        let address = free_loopback_address();
        let configuration = directory.path().join("config.yml");
        std::fs::write(
            &configuration,
            format!(
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {address}\n  secret: wharf-test-registry-upload-secret\n",
                directory.path().join("storage").display()
            ),
        )
        .expect("write the registry configuration");
        let child = Command::new(binary)
            .arg("serve")
            .arg(&configuration)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(directory.path().join("registry.log")).expect("log file"))
            .spawn()
            .expect("start docker-registry");
        let registry = OciRegistry {
            child,
            address,
            directory,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(address).is_err() {
            assert!(
                Instant::now() < deadline,
                "docker-registry did not listen on {address} within 20 s:\n{}",
                registry.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let probe = request(address, "GET", "/v2/", &[], b"");
        assert_eq!(
            probe.status, 200,
            "the registry answers the OCI distribution API"
        );
        registry
    }

    /// The tags the registry holds for `repository` (its `/v2/<name>/tags/list`).
    pub fn tags(&self, repository: &str) -> Vec<String> {
        let response = request(
            self.address,
            "GET",
            &format!("/v2/{repository}/tags/list"),
            &[],
            b"",
        );
        if response.status != 200 {
            return Vec::new();
        }
        let listing: serde_json::Value =
            serde_json::from_slice(&response.body).expect("tags/list is JSON");
        listing["tags"]
            .as_array()
            .map(|tags| {
                tags.iter()
                    .filter_map(|tag| tag.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.directory.path().join("registry.log")).unwrap_or_default()
    }
}

impl Drop for OciRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address with a port nobody listens on right now.
pub fn free_loopback_address() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
}
