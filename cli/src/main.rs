//! `wharf`: the native command line beside the registry (packing modules and providers, building
//! and signing APT indexes). Everything it writes is written to a temporary file first and
//! renamed into place, so an interrupted run never leaves a half-written file behind.

#![forbid(unsafe_code)]

mod apt_index;
mod atomic_file;
mod commands;
mod provider_pack;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "wharf", version, about = "wharf's command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Terraform modules.
    #[command(subcommand)]
    Module(commands::module::ModuleCommand),
    /// APT repositories.
    #[command(subcommand)]
    Apt(commands::apt::AptCommand),
    /// Terraform providers.
    #[command(subcommand)]
    Provider(commands::provider::ProviderCommand),
    /// Create an Ed25519 OpenPGP key for signing the APT repository.
    Keygen(commands::keygen::KeygenArgs),
}

fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Module(command) => commands::module::run(command),
        Command::Apt(command) => commands::apt::run(command),
        Command::Provider(command) => commands::provider::run(command),
        Command::Keygen(args) => commands::keygen::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wharf: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
