use std::io::{self, Read};
use std::path::Path;

/// Reads a small file whole, refusing one larger than `limit` bytes (a checksums file or a
/// key must not be able to exhaust memory).
pub fn read_bounded(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut contents = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut contents)?;
    if contents.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is larger than {limit} bytes", path.display()),
        ));
    }
    Ok(contents)
}
