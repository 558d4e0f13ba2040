//! A real `redis-server` (Debian's package, installed by `.ci/run`) on a free loopback port,
//! with its data in a temporary directory so a test can stop it and start it again without
//! losing what was written.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::test_ca::TestCertificates;

pub struct RedisServer {
    child: Option<Child>,
    pub address: SocketAddr,
    /// With `start_tls`: where it also speaks TLS.
    tls_address: Option<SocketAddr>,
    tls_arguments: Vec<String>,
    directory: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl RedisServer {
    pub fn start() -> Self {
        Self::launch_with(Vec::new(), None)
    }

    /// Also serves TLS on another port with the test CA's loopback certificate (the plain port
    /// stays, for the test's own checks).
    pub fn start_tls(certificates: &TestCertificates) -> Self {
        let tls_address = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let arguments = [
            "--tls-port".to_owned(),
            tls_address.port().to_string(),
            "--tls-cert-file".to_owned(),
            certificates.certificate.display().to_string(),
            "--tls-key-file".to_owned(),
            certificates.key.display().to_string(),
            "--tls-ca-cert-file".to_owned(),
            certificates.authority.display().to_string(),
            "--tls-auth-clients".to_owned(),
            "no".to_owned(),
        ];
        Self::launch_with(arguments.to_vec(), Some(tls_address))
    }

    fn launch_with(tls_arguments: Vec<String>, tls_address: Option<SocketAddr>) -> Self {
        let directory = tempfile::tempdir().expect("redis directory");
        let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let child = launch(address, directory.path(), &tls_arguments);
        Self {
            child: Some(child),
            address,
            tls_address,
            tls_arguments,
            directory,
        }
    }

    /// `redis://127.0.0.1:PORT`, for a runtime config file.
    pub fn url(&self) -> String {
        format!("redis://{}", self.address)
    }

    /// `rediss://127.0.0.1:PORT` (after `start_tls`).
    pub fn tls_url(&self) -> String {
        format!("rediss://{}", self.tls_address.expect("started with TLS"))
    }

    /// Writes a Spin runtime config file that puts the default key-value store in this Redis.
    pub fn runtime_config_file(&self, directory: &Path) -> PathBuf {
        write_runtime_config(directory, &self.url())
    }

    /// Stops the server the way an operator or a crash would (SIGKILL): what it acknowledged
    /// is on disk (append-only file, fsync on every write), nothing else is saved on the way out.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same data.
    pub fn restart(&mut self) {
        self.kill();
        self.child = Some(launch(
            self.address,
            self.directory.path(),
            &self.tls_arguments,
        ));
    }

    /// Freezes it (SIGSTOP): connections stay open and nothing answers, like a hung server.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let child = self.child.as_ref().expect("running");
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal}");
    }

    /// Runs one command through the Redis protocol and returns the raw reply.
    pub fn command(&self, arguments: &[&str]) -> String {
        let mut stream = TcpStream::connect(self.address).expect("connect to redis");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut request = format!("*{}\r\n", arguments.len());
        for argument in arguments {
            request.push_str(&format!("${}\r\n{argument}\r\n", argument.len()));
        }
        stream.write_all(request.as_bytes()).expect("send");
        let mut reply = vec![0u8; 64 * 1024];
        let read = stream.read(&mut reply).expect("reply");
        String::from_utf8_lossy(&reply[..read]).into_owned()
    }
}

/// A Spin runtime config file in `directory` whose default key-value store is Redis at `url`.
pub fn write_runtime_config(directory: &Path, url: &str) -> PathBuf {
    let path = directory.join("runtime-config.toml");
    std::fs::write(
        &path,
        format!("[key_value_store.default]\ntype = \"redis\"\nurl = \"{url}\"\n"),
    )
    .expect("runtime config");
    path
}

fn launch(address: SocketAddr, directory: &Path, tls_arguments: &[String]) -> Child {
    let mut child = Command::new("redis-server")
        .args([
            "--port",
            &address.port().to_string(),
            "--bind",
            "127.0.0.1",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
        ])
        .arg("--dir")
        .arg(directory)
        .args(tls_arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("cannot start redis-server ({error}): install Debian's redis-server package (.ci/run does)")
        });
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(mut stream) = TcpStream::connect(address) {
            let mut reply = [0u8; 16];
            if stream.write_all(b"PING\r\n").is_ok()
                && stream
                    .set_read_timeout(Some(Duration::from_secs(1)))
                    .is_ok()
                && stream
                    .read(&mut reply)
                    .is_ok_and(|read| reply[..read].starts_with(b"+PONG"))
            {
                return child;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("redis-server did not answer on {address} within 10 s");
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            // A frozen server does not die of SIGKILL until it is thawed on some kernels.
            let _ = Command::new("kill")
                .args(["-CONT", &child.id().to_string()])
                .status();
        }
        self.kill();
    }
}
