//! Small files under the mounted registry ([`FILES_ROOT`]), read whole with as few calls into
//! the host as wasi:filesystem allows: open, one `stat`, and one `read` per 64 KiB (the most a
//! host hands over at once). `std::fs::File::open` plus `read_to_end` make about ten calls for
//! the same file (type checks, a second `stat` to size the buffer, a read to find the end), and
//! under Spin every one is a trip through its blocking thread pool: for an APT index that was
//! most of the request.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wasi::filesystem::preopens::get_directories;
use wasi::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorType, ErrorCode, OpenFlags, PathFlags,
};

use crate::FILES_ROOT;

/// A file's bytes and when it last changed, as the mount reports it.
pub struct MountedFile {
    pub bytes: Vec<u8>,
    pub modified: SystemTime,
}

/// Why a mounted file could not be read (it exists, or something in the way failed).
#[derive(Debug)]
pub struct MountedFileError {
    pub path: String,
    pub cause: MountedFileCause,
}

#[derive(Debug)]
pub enum MountedFileCause {
    /// The component has no directory mounted at [`FILES_ROOT`] (spin.toml `files`).
    NotMounted,
    /// The host refused an open, `stat` or read.
    Host(ErrorCode),
}

impl std::fmt::Display for MountedFileError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cause {
            MountedFileCause::NotMounted => write!(
                formatter,
                "cannot read {}: nothing is mounted at {FILES_ROOT} (spin.toml `files`)",
                self.path
            ),
            MountedFileCause::Host(code) => {
                write!(formatter, "cannot read {}: {}", self.path, code.name())
            }
        }
    }
}

impl std::error::Error for MountedFileError {}

/// The registry directory spin.toml mounts at [`FILES_ROOT`], found once per request: every
/// read below goes through the same preopened descriptor.
pub struct MountedRegistry {
    descriptor: Descriptor,
    /// From the preopen to [`FILES_ROOT`]: empty when the preopen is the registry itself.
    below: String,
}

impl MountedRegistry {
    /// The preopen that holds [`FILES_ROOT`]. Spin names a preopen after its `files`
    /// destination with `--direct-mounts` (`/registry`, nothing below it) and otherwise
    /// preopens a copy of all of a component's files as `/` (`registry` below it); the most
    /// specific preopen wins, as in wasi-libc. The descriptors are host table entries, not
    /// system calls.
    pub fn find() -> Result<Self, MountedFileError> {
        get_directories()
            .into_iter()
            .filter_map(|(descriptor, name)| {
                let below = below_preopen(&name, FILES_ROOT)?.to_owned();
                Some((name.len(), MountedRegistry { descriptor, below }))
            })
            .max_by_key(|(specificity, _)| *specificity)
            .map(|(_, registry)| registry)
            .ok_or_else(|| MountedFileError {
                path: FILES_ROOT.to_owned(),
                cause: MountedFileCause::NotMounted,
            })
    }

    /// Reads `relative` (`/`-separated, no `.` or `..`, which the host refuses anyway: a
    /// descriptor never reaches outside its mount) whole, with its modification time.
    /// `Ok(None)` when there is no such file: it does not exist, or it is a directory.
    pub fn read(&self, relative: &str) -> Result<Option<MountedFile>, MountedFileError> {
        let failed = |code| MountedFileError {
            path: format!("{FILES_ROOT}/{relative}"),
            cause: MountedFileCause::Host(code),
        };
        let Some(file) = self.open(relative).map_err(failed)? else {
            return Ok(None);
        };
        let stat = file.stat().map_err(failed)?;
        if stat.type_ == DescriptorType::Directory {
            return Ok(None);
        }
        let size = usize::try_from(stat.size).map_err(|_| failed(ErrorCode::FileTooLarge))?;
        let bytes = read_from_start(&file, size).map_err(failed)?;
        let modified = stat.data_modification_timestamp.map_or(UNIX_EPOCH, |time| {
            UNIX_EPOCH + Duration::new(time.seconds, time.nanoseconds.min(999_999_999))
        });
        Ok(Some(MountedFile { bytes, modified }))
    }

    /// At most the first `limit` bytes of `relative`, cut after the last whole line when the
    /// file is longer: for a header at the top of a large file. Without a `stat` (a short first
    /// read is the whole file), and `None` for anything that cannot be read, a directory
    /// included.
    pub fn read_head(&self, relative: &str, limit: usize) -> Option<Vec<u8>> {
        let file = self.open(relative).ok()??;
        let (bytes, _) = file.read(limit as u64, 0).ok()?;
        Some(whole_lines_within(bytes, limit))
    }

    fn open(&self, relative: &str) -> Result<Option<Descriptor>, ErrorCode> {
        let path = if self.below.is_empty() {
            relative.to_owned()
        } else {
            format!("{}/{relative}", self.below)
        };
        match self.descriptor.open_at(
            PathFlags::SYMLINK_FOLLOW,
            &path,
            OpenFlags::empty(),
            DescriptorFlags::READ,
        ) {
            Ok(file) => Ok(Some(file)),
            Err(ErrorCode::NoEntry | ErrorCode::NotDirectory | ErrorCode::NameTooLong) => Ok(None),
            Err(code) => Err(code),
        }
    }
}

/// `bytes` read from the start of a file: all of them when fewer than `limit` came (the whole
/// file), else the first `limit` up to and including their last newline.
fn whole_lines_within(mut bytes: Vec<u8>, limit: usize) -> Vec<u8> {
    if bytes.len() < limit {
        return bytes;
    }
    bytes.truncate(limit);
    let end = bytes
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    bytes.truncate(end);
    bytes
}

/// Where the absolute path `absolute` lies below the directory preopened as `preopen`: `""` for
/// the directory itself, `"a/b"` below it, `None` outside it.
fn below_preopen<'a>(preopen: &str, absolute: &'a str) -> Option<&'a str> {
    let rest = absolute.strip_prefix(preopen.trim_end_matches('/'))?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.strip_prefix('/')
}

/// The first `wanted` bytes (fewer if the file shrank since its `stat`). The first read's buffer
/// is kept as it is when it holds everything, so a small file is never copied in the guest.
fn read_from_start(file: &Descriptor, wanted: usize) -> Result<Vec<u8>, ErrorCode> {
    let (mut bytes, mut at_end) = file.read(wanted as u64, 0)?;
    if bytes.len() < wanted && !at_end {
        bytes.reserve_exact(wanted - bytes.len());
    }
    while bytes.len() < wanted && !at_end {
        let (more, end) = file.read((wanted - bytes.len()) as u64, bytes.len() as u64)?;
        at_end = end || more.is_empty();
        bytes.extend_from_slice(&more);
    }
    bytes.truncate(wanted);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::{below_preopen, whole_lines_within};

    #[test]
    fn the_registry_is_found_below_a_preopen_named_after_it_or_after_the_root() {
        assert_eq!(below_preopen("/registry", "/registry"), Some(""));
        assert_eq!(below_preopen("/registry/", "/registry"), Some(""));
        assert_eq!(below_preopen("/", "/registry"), Some("registry"));
        assert_eq!(
            below_preopen("/srv", "/srv/wharf/registry"),
            Some("wharf/registry")
        );
        assert_eq!(below_preopen("/reg", "/registry"), None);
        assert_eq!(below_preopen("/registry/apt", "/registry"), None);
    }

    #[test]
    fn a_file_shorter_than_the_limit_is_kept_whole() {
        let file = b"Origin: wharf\nDate: x".to_vec();
        assert_eq!(whole_lines_within(file.clone(), 64), file);
    }

    #[test]
    fn a_longer_file_is_cut_after_its_last_whole_line() {
        let file = b"Origin: wharf\nDate: Tue, 01 Dec 2026 00:00:00 UTC\nMD5Sum:\n".to_vec();
        assert_eq!(whole_lines_within(file.clone(), 20), b"Origin: wharf\n");
        // Exactly at the limit: the last line may go on past it, so it is dropped too.
        assert_eq!(
            whole_lines_within(file[..file.len() - 1].to_vec(), file.len() - 1),
            b"Origin: wharf\nDate: Tue, 01 Dec 2026 00:00:00 UTC\n"
        );
    }

    #[test]
    fn a_head_without_a_line_end_is_empty() {
        assert!(whole_lines_within(vec![b'x'; 32], 16).is_empty());
    }
}
