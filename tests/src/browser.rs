//! A real browser for end-to-end tests: Debian's headless Chromium (`.ci/run` installs the
//! `chromium` package) loads a page, and the test reads the DOM Chromium built (after parsing,
//! applying the page's Content-Security-Policy and running whatever it allowed to run), or
//! keeps a screenshot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Headless Chromium with a fresh profile per run, and the flags this machine kind needs:
/// no sandbox as root, no GPU, and none of Chromium's own calls to Google (the network here
/// is closed and refuses them).
pub struct Browser {
    binary: PathBuf,
}

impl Browser {
    /// `WHARF_CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on `PATH`; panics with what
    /// to install when there is none (CI installs it, so a missing browser fails loudly).
    pub fn find() -> Self {
        let candidates = std::env::var_os("WHARF_CHROMIUM")
            .map(PathBuf::from)
            .into_iter()
            .chain([PathBuf::from("/usr/bin/chromium")]);
        for candidate in candidates {
            if candidate.is_file() {
                return Self { binary: candidate };
            }
        }
        if Command::new("chromium").arg("--version").output().is_ok() {
            return Self {
                binary: PathBuf::from("chromium"),
            };
        }
        panic!("headless Chromium is needed: apt-get install chromium (or set WHARF_CHROMIUM)");
    }

    fn run(&self, arguments: &[String], url: &str) -> Output {
        let profile = tempfile::tempdir().expect("browser profile");
        let output = Command::new(&self.binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(arguments)
            .arg(url)
            .output()
            .expect("run chromium");
        assert!(
            output.status.success(),
            "chromium failed on {}: {}",
            redact(url),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// The DOM Chromium built for `url`, serialized (`--dump-dom`).
    pub fn dom(&self, url: &str) -> String {
        String::from_utf8(self.run(&["--dump-dom".to_owned()], url).stdout).expect("UTF-8 DOM")
    }

    /// A screenshot of `url` at `width`×`height` CSS pixels, written to `path`.
    pub fn screenshot(&self, url: &str, path: &Path, width: u32, height: u32) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("screenshot directory");
        }
        self.run(
            &[
                format!("--screenshot={}", path.display()),
                format!("--window-size={width},{height}"),
            ],
            url,
        );
        let written = std::fs::metadata(path)
            .map(|metadata| metadata.len())
            .unwrap_or(0);
        assert!(
            written > 1000,
            "no screenshot of {} at {}",
            redact(url),
            path.display()
        );
    }
}

/// A URL carrying Basic credentials (`http://user:password@host/path`): how a person types
/// them into a browser's address bar, and how Chromium answers the 401 challenge headless.
pub fn url_with_credentials(
    address: std::net::SocketAddr,
    user: &str,
    password: &str,
    path: &str,
) -> String {
    format!("http://{user}:{password}@{address}{path}")
}

/// The URL without its credentials, for messages.
fn redact(url: &str) -> String {
    match (url.split_once("://"), url.split_once('@')) {
        (Some((scheme, _)), Some((_, rest))) => format!("{scheme}://{rest}"),
        _ => url.to_owned(),
    }
}
