//! wharf-host: runs wharf's spin.toml on wasmtime, for tests and for machines without Spin.
//!
//! It honours what wharf uses of spin.toml with Spin's semantics (routes, component
//! dependencies, key-value, variables, allowed_outbound_hosts, files). It is not a replacement
//! for Spin: where Spin is available, run `spin up`.

// One function may use `unsafe`: loading compiled components from wharf-host's own cache
// (`compile_cache::deserialize_own_artifact`, which says why that is sound).
#![deny(unsafe_code)]

mod application;
mod compile_cache;
mod compose;
mod connection_clock;
mod key_value;
mod limits;
mod manifest;
mod memory_limit;
mod outbound;
mod outbound_requests;
mod request_body;
mod request_handler;
mod request_state;
mod routes;
mod runtime_config;
mod server;
mod spin_interfaces;
mod tls;
mod variables;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::signal::unix::{signal, SignalKind};

use crate::application::{Application, LoadSettings};
use crate::limits::{describe_size, parse_seconds, parse_size, ServerLimits};
use crate::runtime_config::RuntimeConfig;

#[derive(Parser)]
#[command(
    name = "wharf-host",
    version,
    about = "Runs a Spin application (spin.toml) on wasmtime"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the application over HTTP until Ctrl-C or SIGTERM.
    Up {
        /// Address to listen on; port 0 picks a free port (the chosen one is printed).
        #[arg(long, default_value = "127.0.0.1:3000")]
        listen: SocketAddr,
        /// The application manifest.
        #[arg(long = "from", default_value = "spin.toml")]
        manifest: PathBuf,
        /// Where key-value data lives (default: .spin next to the manifest, as with Spin).
        #[arg(long)]
        state_dir: Option<PathBuf>,
        /// Serve HTTPS with this PEM certificate chain (as `spin up --tls-cert`).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert (as `spin up --tls-key`).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Spin's runtime configuration file: key-value stores ([key_value_store.LABEL] with
        /// type "redis" and url, or type "spin" and path), state_dir, max_instance_memory.
        #[arg(long)]
        runtime_config_file: Option<PathBuf>,
        /// Where compiled components are kept between starts [default: STATE_DIR/compiled].
        #[arg(long)]
        compile_cache: Option<PathBuf>,
        /// Most client connections open at once; more wait to be accepted [default: 10000, or
        /// fewer if the open-file limit is lower].
        #[arg(long)]
        max_connections: Option<usize>,
        /// Seconds a client has to send a complete request head (also the longest pause
        /// allowed inside a request body) [default: 10].
        #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
        header_read_timeout: Option<Duration>,
        /// Seconds a connection may stay idle between two requests [default: 30].
        #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
        keep_alive_timeout: Option<Duration>,
        /// Largest request body; a larger Content-Length gets 413 before any component runs
        /// [default: 1MiB].
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_request_body: Option<u64>,
        /// Memory one request's instance may use, all its memories together (bytes, or with
        /// KiB/MiB/GiB) [default: 128MiB, or max_instance_memory in the runtime config file].
        #[arg(long, value_name = "SIZE", value_parser = parse_size, env = "SPIN_MAX_INSTANCE_MEMORY")]
        max_instance_memory: Option<u64>,
    },
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wharf-host: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let Command::Up {
        listen,
        manifest,
        state_dir,
        tls_cert,
        tls_key,
        runtime_config_file,
        compile_cache,
        max_connections,
        header_read_timeout,
        keep_alive_timeout,
        max_request_body,
        max_instance_memory,
    } = cli.command;
    let tls = match (&tls_cert, &tls_key) {
        (Some(certificate), Some(key)) => Some(tls::acceptor(certificate, key)?),
        _ => None,
    };
    let runtime_config = match &runtime_config_file {
        Some(path) => RuntimeConfig::load(path)?,
        None => RuntimeConfig::default(),
    };
    // As in Spin: the flag, then the runtime config file, then `.spin` next to the manifest.
    let state_dir = state_dir.or(runtime_config.state_dir).unwrap_or_else(|| {
        manifest
            .parent()
            .map(|parent| parent.join(".spin"))
            .unwrap_or_else(|| PathBuf::from(".spin"))
    });
    let compile_cache = compile_cache.unwrap_or_else(|| state_dir.join("compiled"));
    let file_limit = limits::raise_file_limit();
    let max_connections =
        max_connections.unwrap_or_else(|| limits::default_max_connections(file_limit.now));
    if limits::exceeds_file_limit(max_connections, file_limit.now) {
        eprintln!(
            "warning: --max-connections {max_connections} leaves too few of the {} file descriptors this process may open; raise its limit (ulimit -n, systemd LimitNOFILE=)",
            file_limit.now
        );
    }
    let limits = ServerLimits {
        max_connections,
        header_read_timeout: header_read_timeout.unwrap_or(limits::DEFAULT_HEADER_READ_TIMEOUT),
        keep_alive_timeout: keep_alive_timeout.unwrap_or(limits::DEFAULT_KEEP_ALIVE_TIMEOUT),
        max_request_body: max_request_body.unwrap_or(limits::DEFAULT_MAX_REQUEST_BODY),
        max_instance_memory: max_instance_memory
            .or(runtime_config.max_instance_memory)
            .unwrap_or(limits::DEFAULT_MAX_INSTANCE_MEMORY),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let settings = LoadSettings {
            state_dir,
            compile_cache,
            key_value_stores: runtime_config.key_value_stores,
            limits: limits.clone(),
        };
        let (application, report) = Application::load(&manifest, settings)
            .with_context(|| format!("cannot load {}", manifest.display()))?;
        println!("{}", report.summary());
        println!("Key-value stores: {}", application.key_value.summary());
        application.key_value.check_reachable().await;
        let file_limit_note = if file_limit.now > file_limit.before {
            format!(
                "open-file limit raised from {} to {}",
                file_limit.before, file_limit.now
            )
        } else {
            format!("open-file limit {}", file_limit.now)
        };
        println!(
            "Limits: {} connections ({file_limit_note}), request heads within {} s, keep-alive {} s, request bodies up to {}, {} of memory per request",
            limits.max_connections,
            limits.header_read_timeout.as_secs(),
            limits.keep_alive_timeout.as_secs(),
            describe_size(limits.max_request_body),
            describe_size(limits.max_instance_memory),
        );
        // Registered before "Serving" is printed, so a Ctrl-C right after it is not lost;
        // SIGTERM (systemd, Kubernetes) stops as gently as Ctrl-C.
        let mut interrupt =
            signal(SignalKind::interrupt()).context("cannot handle Ctrl-C (SIGINT)")?;
        let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let listener =
            server::listen(listen).with_context(|| format!("cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("Serving {scheme}://{address} ({})", application.name);
        println!("Available Routes:");
        for route in application.routes.routes() {
            println!("  {}: {scheme}://{address}{}", route.component, route.raw);
        }
        server::serve(Arc::new(application), listener, tls, async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
        .await
    })
}
