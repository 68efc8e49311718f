//! The `khabar` binary: start-up only. Parse the arguments, hand them to
//! [`cli::run`] (which picks the data folder when a command needs it and
//! dispatches to the command's group in `src/cli/`), and turn an error into
//! a plain message and exit code 2. The binary is the only place `anyhow` is
//! used.

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`khabar export | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("khabar: {e:#}");
            ExitCode::from(2)
        }
    }
}
