use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use tar::{Archive, Builder, EntryType};

use crate::ArchiveError;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct RepackSummary {
    pub top_folder: String,
    pub entries: u64,
}

/// Streams a GitHub tarball (`owner-repo-sha7/…`) into a `.tar.gz` with the same files at its
/// root. Entries are copied one at a time, so memory does not grow with the archive.
pub fn strip_top_directory(
    input: impl Read,
    output: impl Write,
) -> Result<RepackSummary, ArchiveError> {
    let mut archive = Archive::new(GzDecoder::new(input));
    let mut builder = Builder::new(GzEncoder::new(output, Compression::fast()));
    builder.mode(tar::HeaderMode::Complete);
    let mut summary = RepackSummary::default();
    for entry in archive.entries().map_err(ArchiveError::Corrupt)? {
        let mut entry = entry.map_err(ArchiveError::Corrupt)?;
        let kind = entry.header().entry_type();
        // GitHub puts the commit id in a pax global header; it describes no file.
        if matches!(
            kind,
            EntryType::XGlobalHeader
                | EntryType::XHeader
                | EntryType::GNULongName
                | EntryType::GNULongLink
        ) {
            continue;
        }
        let path = entry.path().map_err(ArchiveError::Corrupt)?.into_owned();
        let Some(relative) = below_top_folder(&path, &mut summary.top_folder)? else {
            continue; // the top folder itself
        };
        let mut header = entry.header().clone();
        match kind {
            EntryType::Symlink => {
                let target = entry
                    .link_name()
                    .map_err(ArchiveError::Corrupt)?
                    .map(|target| target.into_owned())
                    .unwrap_or_default();
                builder
                    .append_link(&mut header, &relative, &target)
                    .map_err(ArchiveError::Write)?;
            }
            EntryType::Link => {
                let target = entry
                    .link_name()
                    .map_err(ArchiveError::Corrupt)?
                    .map(|target| target.into_owned())
                    .unwrap_or_default();
                let Some(target) = below_top_folder(&target, &mut summary.top_folder)? else {
                    return Err(ArchiveError::UnsafePath(target.display().to_string()));
                };
                builder
                    .append_link(&mut header, &relative, &target)
                    .map_err(ArchiveError::Write)?;
            }
            _ => {
                builder
                    .append_data(&mut header, &relative, &mut entry)
                    .map_err(ArchiveError::Write)?;
            }
        }
        summary.entries += 1;
    }
    let encoder = builder.into_inner().map_err(ArchiveError::Write)?;
    encoder
        .finish()
        .map_err(ArchiveError::Write)?
        .flush()
        .map_err(ArchiveError::Write)?;
    Ok(summary)
}

/// The path below the archive's single top folder (`None` for the folder itself). The first
/// entry decides the top folder; any other top folder, absolute path or `..` is refused.
fn below_top_folder(path: &Path, top_folder: &mut String) -> Result<Option<PathBuf>, ArchiveError> {
    let unsafe_path = || ArchiveError::UnsafePath(path.display().to_string());
    let mut components = path.components();
    let top = match components.next() {
        Some(Component::Normal(top)) => top.to_string_lossy().into_owned(),
        _ => return Err(unsafe_path()),
    };
    if top_folder.is_empty() {
        *top_folder = top;
    } else if *top_folder != top {
        return Err(ArchiveError::SeveralTopFolders {
            expected: top_folder.clone(),
            found: top,
        });
    }
    let mut relative = PathBuf::new();
    for component in components {
        match component {
            Component::Normal(part) => relative.push(part),
            Component::CurDir => {}
            _ => return Err(unsafe_path()),
        }
    }
    Ok((!relative.as_os_str().is_empty()).then_some(relative))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A tarball shaped like GitHub's: pax global header, top folder, nested files, a symlink.
    fn github_tarball(top: &str, long_name: bool) -> Vec<u8> {
        let mut builder = Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
        let mut global = tar::Header::new_ustar();
        global.set_entry_type(EntryType::XGlobalHeader);
        let comment = b"52 comment=0123456789abcdef0123456789abcdef01234567\n";
        global.set_size(comment.len() as u64);
        global.set_path("pax_global_header").unwrap();
        global.set_cksum();
        builder.append(&global, &comment[..]).unwrap();
        let mut directory = tar::Header::new_gnu();
        directory.set_entry_type(EntryType::Directory);
        directory.set_mode(0o755);
        directory.set_size(0);
        builder
            .append_data(&mut directory, format!("{top}/"), &[][..])
            .unwrap();
        let mut files = vec![
            (
                "main.tf".to_owned(),
                "resource \"null_resource\" \"x\" {}\n".to_owned(),
            ),
            (
                "modules/nested/variables.tf".to_owned(),
                "variable \"v\" {}\n".to_owned(),
            ),
        ];
        if long_name {
            files.push((
                format!("{}/file.tf", "deep".repeat(40)),
                "# long\n".to_owned(),
            ));
        }
        for (path, contents) in files {
            let mut header = tar::Header::new_gnu();
            header.set_mode(0o644);
            header.set_size(contents.len() as u64);
            builder
                .append_data(&mut header, format!("{top}/{path}"), contents.as_bytes())
                .unwrap();
        }
        let mut link = tar::Header::new_gnu();
        link.set_entry_type(EntryType::Symlink);
        link.set_size(0);
        builder
            .append_link(&mut link, format!("{top}/link.tf"), "main.tf")
            .unwrap();
        builder.into_inner().unwrap().finish().unwrap()
    }

    fn listing(archive: &[u8]) -> BTreeMap<String, String> {
        let mut archive = Archive::new(GzDecoder::new(archive));
        archive
            .entries()
            .unwrap()
            .map(|entry| {
                let mut entry = entry.unwrap();
                let path = entry.path().unwrap().display().to_string();
                let mut contents = String::new();
                if entry.header().entry_type() == EntryType::Symlink {
                    contents = format!("-> {}", entry.link_name().unwrap().unwrap().display());
                } else {
                    entry.read_to_string(&mut contents).unwrap();
                }
                (path, contents)
            })
            .collect()
    }

    #[test]
    fn files_move_to_the_root_and_keep_their_contents() {
        let input = github_tarball("acme-proxmox-vm-0123456", true);
        let mut output = Vec::new();
        let summary = strip_top_directory(&input[..], &mut output).unwrap();
        assert_eq!(summary.top_folder, "acme-proxmox-vm-0123456");
        let files = listing(&output);
        assert_eq!(files["main.tf"], "resource \"null_resource\" \"x\" {}\n");
        assert_eq!(files["modules/nested/variables.tf"], "variable \"v\" {}\n");
        assert_eq!(files["link.tf"], "-> main.tf");
        let long = format!("{}/file.tf", "deep".repeat(40));
        assert_eq!(files[&long], "# long\n", "GNU long names survive");
        assert!(
            files.keys().all(|path| !path.starts_with("acme-")),
            "{files:?}"
        );
        assert!(!files.contains_key("pax_global_header"));
    }

    #[test]
    fn the_system_tar_reads_the_result() {
        let input = github_tarball("o-r-abcdef1", false);
        let directory = tempfile::tempdir().unwrap();
        let archive = directory.path().join("module.tar.gz");
        let mut output = std::fs::File::create(&archive).unwrap();
        strip_top_directory(&input[..], &mut output).unwrap();
        let unpacked = directory.path().join("unpacked");
        std::fs::create_dir(&unpacked).unwrap();
        let status = std::process::Command::new("tar")
            .arg("xzf")
            .arg(&archive)
            .arg("-C")
            .arg(&unpacked)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(unpacked.join("main.tf").is_file());
        assert!(unpacked.join("modules/nested/variables.tf").is_file());
    }

    #[test]
    fn a_second_top_folder_is_refused() {
        let mut builder = Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
        for path in ["one/a.tf", "two/b.tf"] {
            let mut header = tar::Header::new_gnu();
            header.set_size(1);
            builder.append_data(&mut header, path, &b"x"[..]).unwrap();
        }
        let input = builder.into_inner().unwrap().finish().unwrap();
        let error = strip_top_directory(&input[..], Vec::new()).unwrap_err();
        assert!(
            matches!(error, ArchiveError::SeveralTopFolders { .. }),
            "{error}"
        );
    }

    #[test]
    fn parent_directory_entries_are_refused() {
        // Written by hand: the tar crate refuses to build such a path itself.
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..16].copy_from_slice(b"top/../../etc/x\0");
        header.set_size(1);
        header.set_cksum();
        let mut builder = Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
        builder.append(&header, &b"x"[..]).unwrap();
        let input = builder.into_inner().unwrap().finish().unwrap();
        let error = strip_top_directory(&input[..], Vec::new()).unwrap_err();
        assert!(matches!(error, ArchiveError::UnsafePath(_)), "{error}");
    }

    #[test]
    fn truncated_or_garbage_input_is_an_error_not_an_empty_archive() {
        let input = github_tarball("o-r-abcdef1", false);
        assert!(strip_top_directory(&input[..input.len() / 2], Vec::new()).is_err());
        assert!(strip_top_directory(&b"<html>rate limited</html>"[..], Vec::new()).is_err());
    }
}
