//! `wharf`: the native command line beside the registry (packing modules, building and signing
//! APT indexes). Everything it writes is written to a temporary file first and renamed into
//! place, so an interrupted run never leaves a half-written file behind.

#![forbid(unsafe_code)]

mod atomic_file;
mod commands;

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
}

fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Module(command) => commands::module::run(command),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wharf: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
