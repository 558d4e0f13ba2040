//! `make bench`: wharf under wharf-host and under `spin up`, against nginx + auth_basic on the
//! same files, on this machine, in one run (issue 12). Request rates come from wrk; large
//! downloads from a plain client that reads 1 MiB at a time. Rounds alternate the servers, so
//! the load other processes put on the machine falls on all of them alike; each figure is the
//! median of its rounds, each ratio the median of the ratios within a round. Every server
//! writes its log, a line per request, to a file in the fixture directory (nginx's access.log,
//! wharf-host-*.log, spin-*.log), so none of them pays for a reader that the others do not.
//!
//! Settings (environment): `WHARF_BENCH_ROUNDS` (default 3), `WHARF_BENCH_LARGE_MB` (default
//! 500), `SPIN` (the spin binary; else `spin` on PATH, else ../shared/tools/spin),
//! `WHARF_BENCH_DIRECTORY` (where the fixture is written; default the build directory).

mod fixture;
mod load;
mod machine;
mod nginx;
mod report;
mod stream;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context};
use base64::Engine;
use end_to_end::fake_github::FakeGitHub;
use end_to_end::runner::Runner;
use end_to_end::WharfHost;

use crate::fixture::Fixture;
use crate::nginx::Nginx;
use crate::report::{Column, Report, Row};

const USER: &str = "bench";

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("make bench: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn setting(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => value
            .parse()
            .with_context(|| format!("{name}={value}: expected a whole number")),
        _ => Ok(default),
    }
}

/// Random printable secrets for this run only.
fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut random = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut random))
        .context("read /dev/urandom")?;
    Ok(random.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Where this workspace's binaries are: beside this one (`cargo run --release`).
fn workspace_binary(name: &str) -> anyhow::Result<PathBuf> {
    let binary = std::env::current_exe()?
        .parent()
        .ok_or_else(|| anyhow!("the bench binary has no directory"))?
        .join(name);
    if !binary.is_file() {
        bail!(
            "{} is missing: make bench builds it (make host)",
            binary.display()
        );
    }
    Ok(binary)
}

/// The server processes the bench compares.
struct Servers {
    nginx: Nginx,
    /// (files origin, GitHub origin) under wharf-host.
    wharf_host: (WharfHost, WharfHost),
    /// The same under `spin up`, when a spin binary is found.
    spin: Option<(WharfHost, WharfHost)>,
}

struct Credentials {
    password: String,
    token: String,
    signing_key: String,
}

impl Credentials {
    fn basic(&self) -> String {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{}", self.password));
        format!("Basic {encoded}")
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }
}

fn run() -> anyhow::Result<()> {
    let rounds = setting("WHARF_BENCH_ROUNDS", 3)?.max(1) as usize;
    let large_bytes = setting("WHARF_BENCH_LARGE_MB", 500)? * 1_000_000;
    let wharf_host = workspace_binary("wharf-host")?;
    let directory = match std::env::var_os("WHARF_BENCH_DIRECTORY") {
        Some(directory) => PathBuf::from(directory),
        None => wharf_host
            .parent()
            .expect("binaries live in a directory")
            .join("bench"),
    };
    let spin = end_to_end::runner::spin_binaries().into_iter().next();

    let mut report = Report::new(rounds, large_bytes);
    report.machine = machine::describe();
    report.load_before = machine::load_average();
    report.versions = vec![
        machine::version_of("nginx", &["-v"]),
        machine::version_of("wrk", &["-v"]),
        spin.as_ref().map_or_else(
            || "spin: not found (SPIN, PATH, ../shared/tools/spin): no spin up column".to_owned(),
            |spin| machine::version_of(&spin.display().to_string(), &["--version"]),
        ),
        format!("wharf-host {}", git_describe()),
    ];
    eprintln!("machine: {} (load {})", report.machine, report.load_before);

    eprintln!(
        "writing the fixture ({} MB package and module) to {}",
        large_bytes / 1_000_000,
        directory.display()
    );
    let fixture = Fixture::create(&directory, large_bytes)?;
    let github = FakeGitHub::start();
    fixture::publish_on_github(&github, &fixture, large_bytes)?;

    let credentials = Credentials {
        password: random_hex(16)?,
        token: random_hex(16)?,
        signing_key: random_hex(32)?,
    };
    let servers = start_servers(&fixture, &github, &credentials, &wharf_host, spin)?;
    check_answers(&servers, &credentials)?;

    measure_rates(&servers, &credentials, rounds, &mut report)?;
    measure_downloads(&servers, &credentials, rounds, large_bytes, &mut report)?;

    report.load_after = machine::load_average();
    println!("{}", report.render());
    Ok(())
}

fn git_describe() -> String {
    Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(end_to_end::paths::repository_root())
        .output()
        .ok()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .filter(|text| !text.is_empty())
        .map_or_else(|| "(this tree)".to_owned(), |text| format!("at {text}"))
}

fn start_servers(
    fixture: &Fixture,
    github: &FakeGitHub,
    credentials: &Credentials,
    wharf_host: &Path,
    spin: Option<PathBuf>,
) -> anyhow::Result<Servers> {
    let nginx = Nginx::start(
        &fixture.directory.join("nginx"),
        &fixture.registry,
        USER,
        &credentials.password,
    )?;
    let api = github.api_url();
    let downloads = github.downloads_url();
    let files_variables = [
        ("basic_user", USER),
        ("basic_password", credentials.password.as_str()),
        ("api_tokens", credentials.token.as_str()),
        ("url_signing_key", credentials.signing_key.as_str()),
    ];
    let mut github_variables = files_variables.to_vec();
    github_variables.extend([
        ("origin", "github"),
        ("github_api_url", api.as_str()),
        ("github_archive_host", downloads.as_str()),
        ("github_asset_host", downloads.as_str()),
        ("allowed_owners", fixture::GITHUB_OWNER),
    ]);

    let compile_cache = wharf_host
        .parent()
        .expect("binaries live in a directory")
        .join("bench-compile-cache");
    let start_wharf_host = |name: &str, variables: &[(&str, &str)]| {
        let mut command = Command::new(wharf_host);
        command
            .args(["up", "--listen", "127.0.0.1:0", "--from"])
            .arg(&fixture.manifest)
            .arg("--state-dir")
            .arg(fixture.directory.join(format!("state-wharf-host-{name}")))
            .arg("--compile-cache")
            .arg(&compile_cache);
        let log = fixture.directory.join(format!("wharf-host-{name}.log"));
        WharfHost::serve_logging_to(command, Runner::WharfHost, variables, &log)
            .map_err(|error| anyhow!(error))
    };
    let wharf_host = (
        start_wharf_host("files", &files_variables)?,
        start_wharf_host("github", &github_variables)?,
    );
    let spin = match spin {
        None => None,
        Some(binary) => {
            let start_spin = |name: &str, variables: &[(&str, &str)]| {
                let mut command = Command::new(&binary);
                command
                    .args(["up", "--listen", "127.0.0.1:0", "--from"])
                    .arg(&fixture.manifest)
                    .arg("--state-dir")
                    .arg(fixture.directory.join(format!("state-spin-{name}")))
                    // The registry as it is on disk, like wharf-host; Spin resolves the mounts
                    // against its working directory.
                    .arg("--direct-mounts")
                    .current_dir(&fixture.directory);
                let log = fixture.directory.join(format!("spin-{name}.log"));
                WharfHost::serve_logging_to(command, Runner::Spin(binary.clone()), variables, &log)
                    .map_err(|error| anyhow!(error))
            };
            Some((
                start_spin("files", &files_variables)?,
                start_spin("github", &github_variables)?,
            ))
        }
    };
    Ok(Servers {
        nginx,
        wharf_host,
        spin,
    })
}

/// Every measured URL answers 200 with what it should before anything is timed.
fn check_answers(servers: &Servers, credentials: &Credentials) -> anyhow::Result<()> {
    let basic = credentials.basic();
    let bearer = credentials.bearer();
    let mut targets = vec![(servers.nginx.address, fixture::METADATA_PATH, Some(&basic))];
    let mut wharf = vec![&servers.wharf_host.0];
    wharf.extend(servers.spin.as_ref().map(|spin| &spin.0));
    let versions = format!("/v1/modules/{}/versions", fixture::SAMPLE_MODULE);
    for server in &wharf {
        targets.push((server.address, "/health", None));
        targets.push((server.address, fixture::METADATA_PATH, Some(&basic)));
        targets.push((server.address, versions.as_str(), Some(&bearer)));
    }
    for (address, path, authorization) in targets {
        let headers: Vec<(&str, &[u8])> = authorization
            .map(|value| vec![("Authorization", value.as_bytes())])
            .unwrap_or_default();
        let response = end_to_end::request(address, "GET", path, &headers, b"");
        if response.status != 200 {
            bail!(
                "{address}{path} answered {}: {}",
                response.status,
                response.text().trim()
            );
        }
        if path == fixture::METADATA_PATH && response.body.len() < 50 * 1024 {
            bail!("{address}{path} sent {} bytes", response.body.len());
        }
    }
    Ok(())
}

fn measure_rates(
    servers: &Servers,
    credentials: &Credentials,
    rounds: usize,
    report: &mut Report,
) -> anyhow::Result<()> {
    let basic = credentials.basic();
    let bearer = credentials.bearer();
    let versions = format!("/v1/modules/{}/versions", fixture::SAMPLE_MODULE);
    let rows: [(Row, &str, Option<&str>); 3] = [
        (Row::Health, "/health", None),
        (Row::Metadata, fixture::METADATA_PATH, Some(&basic)),
        (Row::Versions, versions.as_str(), Some(&bearer)),
    ];
    for round in 0..rounds {
        for (row, path, authorization) in &rows {
            let mut columns = vec![(Column::WharfHost, servers.wharf_host.0.address)];
            if let Some(spin) = &servers.spin {
                columns.push((Column::Spin, spin.0.address));
            }
            if *row == Row::Metadata {
                columns.push((Column::Nginx, servers.nginx.address));
            }
            // A different server goes first each round.
            let first = round % columns.len();
            columns.rotate_left(first);
            for (column, address) in columns {
                let rate = load::measure(address, path, *authorization)?;
                eprintln!(
                    "round {}/{rounds}: {} {}: {:.0} requests/s",
                    round + 1,
                    column.name(),
                    row.name(),
                    rate.requests_per_second
                );
                report.add_rate(*row, column, round, rate.requests_per_second);
            }
        }
    }
    Ok(())
}

/// The signed archive URL the download endpoint hands Terraform for `module` 1.0.0.
fn signed_archive_url(server: &WharfHost, module: &str, bearer: &str) -> anyhow::Result<String> {
    let download = server.get_with(
        &format!("/v1/modules/{module}/1.0.0/download"),
        &[("Authorization", bearer.as_bytes())],
    );
    if download.status != 204 {
        bail!(
            "{module} download answered {}: {}",
            download.status,
            download.text().trim()
        );
    }
    download
        .header("x-terraform-get")
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("{module} download has no X-Terraform-Get"))
}

fn measure_downloads(
    servers: &Servers,
    credentials: &Credentials,
    rounds: usize,
    large_bytes: u64,
    report: &mut Report,
) -> anyhow::Result<()> {
    let basic = credentials.basic();
    let bearer = credentials.bearer();
    let nginx_archive = format!("/archive/files/{}/1.0.0.tar.gz", fixture::LOCAL_MODULE);
    let github_package = fixture::github_package_path();
    for round in 0..rounds {
        let mut runs: Vec<(Column, &WharfHost, &WharfHost)> = vec![(
            Column::WharfHost,
            &servers.wharf_host.0,
            &servers.wharf_host.1,
        )];
        if let Some((files, github)) = &servers.spin {
            runs.push((Column::Spin, files, github));
        }
        for row in Row::DOWNLOADS {
            if matches!(row, Row::PoolFiles | Row::ArchiveFiles) {
                let path = if row == Row::PoolFiles {
                    fixture::LOCAL_PACKAGE_PATH
                } else {
                    nginx_archive.as_str()
                };
                let download =
                    stream::download(servers.nginx.address, path, Some(&basic), large_bytes)?;
                eprintln!(
                    "round {}/{rounds}: nginx {}: {:.0} MB/s",
                    round + 1,
                    row.name(),
                    download.megabytes_per_second()
                );
                report.add_download(row, Column::Nginx, round, download, None);
            }
            for (column, files, github) in &runs {
                let (server, target, authorization) = match row {
                    Row::PoolFiles => {
                        (*files, fixture::LOCAL_PACKAGE_PATH.to_owned(), Some(&basic))
                    }
                    Row::PoolGitHub => (*github, github_package.clone(), Some(&basic)),
                    Row::ArchiveFiles => (
                        *files,
                        signed_archive_url(files, fixture::LOCAL_MODULE, &bearer)?,
                        None,
                    ),
                    Row::ArchiveGitHub => (
                        *github,
                        signed_archive_url(github, fixture::GITHUB_MODULE, &bearer)?,
                        None,
                    ),
                    _ => unreachable!("only download rows"),
                };
                let before = server.resident_memory();
                let peak = server.watch_resident_memory();
                let download = stream::download(
                    server.address,
                    &target,
                    authorization.map(String::as_str),
                    large_bytes,
                );
                let peak = peak.stop();
                let download = download?;
                let growth = peak.saturating_sub(before);
                eprintln!(
                    "round {}/{rounds}: {} {}: {:.0} MB/s, first byte after {:.2} s, memory +{:.1} MB",
                    round + 1,
                    column.name(),
                    row.name(),
                    download.megabytes_per_second(),
                    download.first_byte.as_secs_f64(),
                    growth as f64 / 1e6
                );
                report.add_download(row, *column, round, download, Some(growth));
            }
        }
    }
    Ok(())
}
