use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::ArchiveError;

/// Packs a module directory into a `.tar.gz` with its files at the root, skipping `.git` and
/// `.terraform` (VCS metadata and provider caches are not part of a module). Entries are sorted
/// so the same directory gives the same archive.
pub fn pack_directory(directory: &Path, output: impl Write) -> Result<u64, ArchiveError> {
    let mut builder = tar::Builder::new(GzEncoder::new(output, Compression::default()));
    builder.mode(tar::HeaderMode::Deterministic);
    builder.follow_symlinks(false);
    let mut count = 0;
    add_directory(&mut builder, directory, Path::new(""), &mut count)?;
    let encoder = builder.into_inner().map_err(ArchiveError::Write)?;
    encoder.finish().map_err(ArchiveError::Write)?;
    Ok(count)
}

fn add_directory<W: Write>(
    builder: &mut tar::Builder<W>,
    root: &Path,
    relative: &Path,
    count: &mut u64,
) -> Result<(), ArchiveError> {
    let directory = root.join(relative);
    let read_error = |source| ArchiveError::ReadDirectory {
        path: directory.display().to_string(),
        source,
    };
    let mut entries = std::fs::read_dir(&directory)
        .map_err(read_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_error)?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name == ".git" || name == ".terraform" {
            continue;
        }
        let path = relative.join(&name);
        let file_type = entry.file_type().map_err(read_error)?;
        if file_type.is_dir() {
            builder
                .append_dir(&path, entry.path())
                .map_err(ArchiveError::Write)?;
            add_directory(builder, root, &path, count)?;
        } else {
            builder
                .append_path_with_name(entry.path(), &path)
                .map_err(ArchiveError::Write)?;
            *count += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;

    #[test]
    fn packs_files_at_the_root_without_vcs_metadata_deterministically() {
        let directory = tempfile::tempdir().unwrap();
        let module = directory.path();
        std::fs::write(module.join("main.tf"), "# main\n").unwrap();
        std::fs::create_dir_all(module.join("sub")).unwrap();
        std::fs::write(module.join("sub/outputs.tf"), "# out\n").unwrap();
        std::fs::create_dir_all(module.join(".git")).unwrap();
        std::fs::write(module.join(".git/HEAD"), "ref\n").unwrap();

        let mut first = Vec::new();
        assert_eq!(pack_directory(module, &mut first).unwrap(), 2);
        let mut second = Vec::new();
        pack_directory(module, &mut second).unwrap();
        assert_eq!(first, second, "same input, same bytes");

        let mut archive = tar::Archive::new(GzDecoder::new(&first[..]));
        let paths: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|entry| entry.unwrap().path().unwrap().display().to_string())
            .collect();
        assert!(paths.contains(&"main.tf".to_owned()), "{paths:?}");
        assert!(paths.contains(&"sub/outputs.tf".to_owned()), "{paths:?}");
        assert!(
            paths.iter().all(|path| !path.starts_with(".git")),
            "{paths:?}"
        );
    }

    #[test]
    fn a_missing_directory_is_reported_by_path() {
        let error = pack_directory(Path::new("/nonexistent/module"), Vec::new()).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/module"), "{error}");
    }
}
