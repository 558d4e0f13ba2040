use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Writes `path` through a temporary file in the same directory, renamed into place only when
/// `write` succeeded: readers see the old file or the new one, never a partial one.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory)
        .with_context(|| format!("cannot create {}", directory.display()))?;
    let mut temporary = tempfile::NamedTempFile::new_in(directory)
        .with_context(|| format!("cannot create a temporary file in {}", directory.display()))?;
    write(temporary.as_file_mut())?;
    temporary
        .as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    temporary
        .persist(path)
        .with_context(|| format!("cannot move the new file into {}", path.display()))?;
    Ok(())
}
