use std::io::{IsTerminal, Read};

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar on a terminal; nothing in CI logs.
pub fn download_bar(name: &str, length: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match length {
        Some(length) => ProgressBar::new(length),
        None => ProgressBar::no_length(),
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:40!} {bytes:>10}/{total_bytes:10} {bar:30} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(name.to_owned());
    bar
}

/// Counts bytes through the bar as they are read.
pub fn tracked(reader: impl Read, bar: &ProgressBar) -> impl Read {
    bar.wrap_read(reader)
}
