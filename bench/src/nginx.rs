//! Debian's nginx in front of the same files, as a homelab would put it in front of a static
//! repository: `auth_basic` with an apr1 (`openssl passwd -apr1`) htpasswd, sendfile, an access
//! log.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub struct Nginx {
    child: Child,
    pub address: SocketAddr,
}

impl Nginx {
    /// Serves `registry` (`apt/` at `/`, `terraform/` at `/archive/files/`) with Basic
    /// authentication for `user`/`password`; its files live in `directory`.
    pub fn start(
        directory: &Path,
        registry: &Path,
        user: &str,
        password: &str,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(directory.join("temp"))?;
        let hashed = Command::new("openssl")
            .args(["passwd", "-apr1", password])
            .output()
            .context("openssl passwd -apr1 (Debian: openssl)")?;
        if !hashed.status.success() {
            bail!("openssl passwd -apr1 failed");
        }
        let htpasswd = directory.join("htpasswd");
        std::fs::write(
            &htpasswd,
            format!("{user}:{}", String::from_utf8_lossy(&hashed.stdout)),
        )?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let address: SocketAddr = format!("127.0.0.1:{port}").parse()?;
        // Workers run as root when nginx is started by root: the fixture lives in a directory
        // only root may enter (the build directory under ~/.cache).
        let user_line = if is_root() { "user root;" } else { "" };
        let directory_text = directory.display();
        let apt = registry.join("apt");
        let terraform = registry.join("terraform");
        let config = format!(
            r#"{user_line}
worker_processes auto;
pid {directory_text}/nginx.pid;
error_log {directory_text}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    access_log {directory_text}/access.log;
    client_body_temp_path {directory_text}/temp/body;
    proxy_temp_path {directory_text}/temp/proxy;
    fastcgi_temp_path {directory_text}/temp/fastcgi;
    uwsgi_temp_path {directory_text}/temp/uwsgi;
    scgi_temp_path {directory_text}/temp/scgi;
    server {{
        listen {address};
        auth_basic "wharf";
        auth_basic_user_file {htpasswd};
        root {apt};
        location /archive/files/ {{
            alias {terraform}/;
        }}
    }}
}}
"#,
            htpasswd = htpasswd.display(),
            apt = apt.display(),
            terraform = terraform.display(),
        );
        let config_path = directory.join("nginx.conf");
        std::fs::write(&config_path, config)?;
        let child = Command::new("nginx")
            .arg("-p")
            .arg(directory)
            .arg("-c")
            .arg(&config_path)
            .arg("-e")
            .arg(directory.join("error.log"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("start nginx (Debian: nginx)")?;
        let mut nginx = Self { child, address };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(address).is_err() {
            if let Some(status) = nginx.child.try_wait()? {
                bail!(
                    "nginx exited ({status}); see {}",
                    directory.join("error.log").display()
                );
            }
            if Instant::now() > deadline {
                bail!("nginx did not listen on {address} within 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(nginx)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGQUIT: nginx's graceful stop, workers included.
        let _ = Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}
