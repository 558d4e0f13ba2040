use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::{DeflateEncoder, GzEncoder};
use flate2::Compression;
use tar::{Archive, Builder, EntryType};

use crate::ArchiveError;

/// Files at least this large are sampled (their first bytes) before they are compressed.
const SAMPLE_BYTES: usize = 64 * 1024;
/// A sample that level 1 shrinks by less than this (compressed ≥ 90%) is incompressible: the
/// file is stored, not compressed. Deflating such data was 85% of a repack's CPU time and held
/// a large module to ~100 MB/s, for no smaller archive.
const INCOMPRESSIBLE_PERCENT: usize = 90;

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
    let mut builder = Builder::new(GzipMembers::new(output));
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
                let sample = if entry.size() >= SAMPLE_BYTES as u64 {
                    sample_of(&mut entry).map_err(ArchiveError::Corrupt)?
                } else {
                    Vec::new()
                };
                let level = if compresses(&sample) {
                    Compression::fast()
                } else {
                    Compression::none()
                };
                builder
                    .get_mut()
                    .use_level(level)
                    .map_err(ArchiveError::Write)?;
                builder
                    .append_data(&mut header, &relative, sample.as_slice().chain(&mut entry))
                    .map_err(ArchiveError::Write)?;
            }
        }
        summary.entries += 1;
    }
    let members = builder.into_inner().map_err(ArchiveError::Write)?;
    members
        .finish()
        .map_err(ArchiveError::Write)?
        .flush()
        .map_err(ArchiveError::Write)?;
    Ok(summary)
}

/// The first [`SAMPLE_BYTES`] of `entry` (fewer at its end).
fn sample_of(entry: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    entry.take(SAMPLE_BYTES as u64).read_to_end(&mut sample)?;
    Ok(sample)
}

/// Whether level 1 makes `sample` meaningfully smaller (an empty sample: assume it does).
fn compresses(sample: &[u8]) -> bool {
    if sample.is_empty() {
        return true;
    }
    let mut encoder = DeflateEncoder::new(Vec::with_capacity(sample.len()), Compression::fast());
    match encoder.write_all(sample).and_then(|()| encoder.finish()) {
        Ok(compressed) => compressed.len() * 100 < sample.len() * INCOMPRESSIBLE_PERCENT,
        Err(_) => true,
    }
}

/// A `.tar.gz` written as one or more gzip members, one per run of entries at the same
/// compression level. Concatenated members are one valid gzip file (RFC 1952 §2.2) that gzip,
/// GNU tar, Go's `compress/gzip` (Terraform, OpenTofu) and Python read as a single stream.
struct GzipMembers<W: Write> {
    // `None` only while one member is finished and the next not yet started.
    member: Option<Member<W>>,
}

enum Member<W: Write> {
    /// Deflated at level 1. Boxed: the encoder's state is ten times the stored member's.
    Compressed(Box<GzEncoder<W>>),
    /// Stored blocks, written here: miniz_oxide's level 0 still ran its match finder and
    /// moved only ~240 MB/s.
    Stored(StoredMember<W>),
}

impl<W: Write> GzipMembers<W> {
    fn new(output: W) -> Self {
        Self {
            member: Some(Member::Compressed(Box::new(GzEncoder::new(
                output,
                Compression::fast(),
            )))),
        }
    }

    /// What follows is compressed (or stored): a new member when that changes.
    fn use_level(&mut self, level: Compression) -> io::Result<()> {
        let stored = level == Compression::none();
        if matches!(self.member, Some(Member::Stored(_))) == stored {
            return Ok(());
        }
        let output = self.take_member()?.finish()?;
        self.member = Some(if stored {
            Member::Stored(StoredMember::new(output)?)
        } else {
            Member::Compressed(Box::new(GzEncoder::new(output, level)))
        });
        Ok(())
    }

    fn finish(mut self) -> io::Result<W> {
        self.take_member()?.finish()
    }

    fn take_member(&mut self) -> io::Result<Member<W>> {
        self.member
            .take()
            .ok_or_else(|| io::Error::other("an earlier write to the archive failed"))
    }
}

impl<W: Write> Member<W> {
    fn finish(self) -> io::Result<W> {
        match self {
            Member::Compressed(encoder) => encoder.finish(),
            Member::Stored(stored) => stored.finish(),
        }
    }
}

impl<W: Write> Write for GzipMembers<W> {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        match &mut self.member {
            Some(Member::Compressed(encoder)) => encoder.write(buffer),
            Some(Member::Stored(stored)) => stored.write(buffer),
            None => Err(io::Error::other("an earlier write to the archive failed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.member {
            Some(Member::Compressed(encoder)) => encoder.flush(),
            Some(Member::Stored(stored)) => stored.output.flush(),
            None => Err(io::Error::other("an earlier write to the archive failed")),
        }
    }
}

/// One gzip member of stored (uncompressed) deflate blocks (RFC 1951 §3.2.4).
struct StoredMember<W: Write> {
    output: W,
    crc: crc32fast::Hasher,
    length: u32,
}

/// The largest stored block deflate allows.
const MAX_STORED_BLOCK: usize = 65_535;

impl<W: Write> StoredMember<W> {
    fn new(mut output: W) -> io::Result<Self> {
        // Magic, deflate, no flags, no time, no extra flags, unknown OS.
        output.write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255])?;
        Ok(Self {
            output,
            crc: crc32fast::Hasher::new(),
            length: 0,
        })
    }

    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let block = &buffer[..buffer.len().min(MAX_STORED_BLOCK)];
        let length = block.len() as u16;
        let mut head = [0u8; 5]; // not final, stored
        head[1..3].copy_from_slice(&length.to_le_bytes());
        head[3..5].copy_from_slice(&(!length).to_le_bytes());
        self.output.write_all(&head)?;
        self.output.write_all(block)?;
        self.crc.update(block);
        // ISIZE is the length modulo 2^32.
        self.length = self.length.wrapping_add(u32::from(length));
        Ok(block.len())
    }

    fn finish(mut self) -> io::Result<W> {
        // An empty final block, then the CRC-32 and length of the member's data.
        self.output.write_all(&[1, 0, 0, 0xff, 0xff])?;
        self.output.write_all(&self.crc.finalize().to_le_bytes())?;
        self.output.write_all(&self.length.to_le_bytes())?;
        Ok(self.output)
    }
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
    use flate2::read::MultiGzDecoder;
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
        let mut archive = Archive::new(MultiGzDecoder::new(archive));
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

    /// A GitHub-shaped tarball holding a text file, `noise` (incompressible) and a large but
    /// compressible text file, in that order.
    fn tarball_with_a_binary(noise: &[u8], text: &str) -> Vec<u8> {
        let mut builder = Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
        for (path, contents) in [
            ("top/main.tf", b"variable \"v\" {}\n".as_slice()),
            ("top/bin/tool", noise),
            ("top/docs/large.md", text.as_bytes()),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_mode(0o644);
            header.set_size(contents.len() as u64);
            builder.append_data(&mut header, path, contents).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    fn noise(length: usize) -> Vec<u8> {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        (0..length)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn incompressible_files_are_stored_and_the_rest_compressed() {
        let noise = noise(3 * SAMPLE_BYTES);
        let text = "resource \"null_resource\" \"x\" {}\n".repeat(10_000);
        let input = tarball_with_a_binary(&noise, &text);
        let mut output = Vec::new();
        strip_top_directory(&input[..], &mut output).unwrap();

        let mut unpacked = Archive::new(MultiGzDecoder::new(&output[..]));
        let mut files = BTreeMap::new();
        for entry in unpacked.entries().unwrap() {
            let mut entry = entry.unwrap();
            let mut contents = Vec::new();
            entry.read_to_end(&mut contents).unwrap();
            files.insert(entry.path().unwrap().display().to_string(), contents);
        }
        assert_eq!(files["main.tf"], b"variable \"v\" {}\n");
        assert_eq!(files["bin/tool"], noise, "the stored file comes out whole");
        assert_eq!(files["docs/large.md"], text.as_bytes());

        // The binary went into a stored member of its own: a single-member reader stops
        // before it, and the archive is about its size, while the text was compressed.
        let mut first_member = Vec::new();
        GzDecoder::new(&output[..])
            .read_to_end(&mut first_member)
            .unwrap();
        assert!(first_member.len() < noise.len(), "{}", first_member.len());
        assert!(output.len() >= noise.len(), "{}", output.len());
        assert!(
            output.len() < noise.len() + text.len() / 10,
            "the text is compressed: {} bytes",
            output.len()
        );
    }

    #[test]
    fn a_stored_member_splits_large_writes_into_blocks_gzip_accepts() {
        let data = noise(3 * MAX_STORED_BLOCK + 7);
        let mut members = GzipMembers::new(Vec::new());
        members.use_level(Compression::none()).unwrap();
        members.write_all(&data).unwrap();
        let archive = members.finish().unwrap();
        let mut decoded = Vec::new();
        MultiGzDecoder::new(&archive[..])
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, data);
        // An empty compressed member, then the stored one: header, 5 bytes per block, the
        // empty final block and the trailer around the data.
        assert!(archive.len() > data.len() && archive.len() < data.len() + 80);
    }

    #[test]
    fn the_system_tar_and_gzip_read_an_archive_of_several_members() {
        let noise = noise(2 * SAMPLE_BYTES);
        let input = tarball_with_a_binary(&noise, "# notes\n");
        let directory = tempfile::tempdir().unwrap();
        let archive = directory.path().join("module.tar.gz");
        strip_top_directory(&input[..], std::fs::File::create(&archive).unwrap()).unwrap();
        let tested = std::process::Command::new("gzip")
            .arg("-t")
            .arg(&archive)
            .status()
            .unwrap();
        assert!(tested.success(), "gzip -t accepts the archive");
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
        assert_eq!(std::fs::read(unpacked.join("bin/tool")).unwrap(), noise);
        assert_eq!(
            std::fs::read_to_string(unpacked.join("docs/large.md")).unwrap(),
            "# notes\n"
        );
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
