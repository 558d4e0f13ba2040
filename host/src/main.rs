//! wharf-host: runs wharf's spin.toml on wasmtime, for tests and for machines without Spin.
//!
//! It honours what wharf uses of spin.toml with Spin's semantics (routes, component
//! dependencies, key-value, variables, allowed_outbound_hosts, files). It is not a replacement
//! for Spin: where Spin is available, run `spin up`.

#![forbid(unsafe_code)]

mod application;
mod compose;
mod key_value;
mod manifest;
mod outbound;
mod outbound_requests;
mod request_state;
mod routes;
mod server;
mod spin_interfaces;
mod tls;
mod variables;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

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
    /// Serve the application over HTTP until Ctrl-C.
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
    } = cli.command;
    let tls = match (&tls_cert, &tls_key) {
        (Some(certificate), Some(key)) => Some(tls::acceptor(certificate, key)?),
        _ => None,
    };
    let state_dir = state_dir.unwrap_or_else(|| {
        manifest
            .parent()
            .map(|parent| parent.join(".spin"))
            .unwrap_or_else(|| PathBuf::from(".spin"))
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let application = application::Application::load(&manifest, &state_dir)
            .with_context(|| format!("cannot load {}", manifest.display()))?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("Serving {scheme}://{address} ({})", application.name);
        println!("Available Routes:");
        for route in application.routes.routes() {
            println!("  {}: {scheme}://{address}{}", route.component, route.raw);
        }
        server::serve(Arc::new(application), listener, tls, async {
            // If the signal handler cannot be installed, keep serving; the process can still
            // be stopped by SIGTERM's default action.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
    })
}
