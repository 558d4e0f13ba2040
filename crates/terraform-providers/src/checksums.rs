//! `SHA256SUMS`: the file a provider's signature covers, one `<sha256 hex>  <file name>` line
//! per package.
//!
//! Read the way Terraform reads it (`internal/getproviders/package_authentication.go`): lines
//! split on `\n`, fields split on white space, the file name compared exactly. What Terraform
//! would trip over is refused here with the line named, so a release is never offered that
//! Terraform cannot install: a blank line makes Terraform (1.0 to 1.11) crash while it records
//! hashes for the lock file, and a line without a 64-digit hash makes it silently record none.

use std::collections::BTreeMap;

use terraform_registry::printable;

/// The largest `SHA256SUMS` read (a few hundred platforms fit in a few dozen KB).
pub const MAX_CHECKSUMS_BYTES: usize = 1024 * 1024;

/// A parsed `SHA256SUMS`: file name → lowercase hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Checksums {
    entries: BTreeMap<String, String>,
}

/// Why a `SHA256SUMS` is unusable; the message names the line and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChecksumsError {
    /// Not text.
    #[error("SHA256SUMS is not UTF-8 text")]
    NotText,
    /// Larger than [`MAX_CHECKSUMS_BYTES`].
    #[error("SHA256SUMS is larger than {MAX_CHECKSUMS_BYTES} bytes")]
    TooLarge,
    /// An empty line, which crashes Terraform when it writes the lock file.
    #[error("SHA256SUMS line {0} is empty, which crashes Terraform; write one line per file with no blank lines")]
    EmptyLine(usize),
    /// A line that is not `<64 hex digits> <file name>`.
    #[error("SHA256SUMS line {line} is not '<sha256 hex>  <file name>': {text}")]
    MalformedLine {
        /// 1-based line number.
        line: usize,
        /// The line (shortened, control characters replaced).
        text: String,
    },
    /// A file named twice.
    #[error("SHA256SUMS names {0} twice")]
    Duplicate(String),
}

impl Checksums {
    /// Parses a `SHA256SUMS` document.
    pub fn parse(document: &[u8]) -> Result<Self, ChecksumsError> {
        if document.len() > MAX_CHECKSUMS_BYTES {
            return Err(ChecksumsError::TooLarge);
        }
        let text = std::str::from_utf8(document).map_err(|_| ChecksumsError::NotText)?;
        // A final line break ends the last line; it does not start an empty one.
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut entries = BTreeMap::new();
        if body.is_empty() {
            return Ok(Self { entries });
        }
        for (index, line) in body.split('\n').enumerate() {
            let number = index + 1;
            let fields: Vec<&str> = line.split_ascii_whitespace().collect();
            let (hash, name) = match fields.as_slice() {
                [] => return Err(ChecksumsError::EmptyLine(number)),
                [hash, name] if is_sha256_hex(hash) => (hash, name),
                _ => {
                    return Err(ChecksumsError::MalformedLine {
                        line: number,
                        text: printable(line),
                    })
                }
            };
            if entries
                .insert((*name).to_owned(), hash.to_ascii_lowercase())
                .is_some()
            {
                return Err(ChecksumsError::Duplicate(printable(name)));
            }
        }
        Ok(Self { entries })
    }

    /// Builds the checksums of `files` (name, SHA-256).
    pub fn from_digests<I, N>(files: I) -> Self
    where
        I: IntoIterator<Item = (N, [u8; 32])>,
        N: Into<String>,
    {
        Self {
            entries: files
                .into_iter()
                .map(|(name, digest)| (name.into(), hex::encode(digest)))
                .collect(),
        }
    }

    /// The lowercase hex SHA-256 listed for `file_name`.
    pub fn sha256_of(&self, file_name: &str) -> Option<&str> {
        self.entries.get(file_name).map(String::as_str)
    }

    /// Every (file name, hex SHA-256), ordered by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(name, hash)| (name.as_str(), hash.as_str()))
    }

    /// The document, as `sha256sum` writes it (two spaces, sorted by name, final line break).
    pub fn render(&self) -> String {
        self.iter()
            .map(|(name, hash)| format!("{hash}  {name}\n"))
            .collect()
    }
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "4b2e92083d829b42915086133d3034047de813c83eee1ea29214b9be22e902d3";

    #[test]
    fn sha256sum_output_parses_and_renders_back() {
        let document = format!(
            "{A}  terraform-provider-x_1.0.0_linux_amd64.zip\n{}  terraform-provider-x_1.0.0_darwin_arm64.zip\n",
            A.to_uppercase()
        );
        let checksums = Checksums::parse(document.as_bytes()).expect("parses");
        assert_eq!(
            checksums.sha256_of("terraform-provider-x_1.0.0_linux_amd64.zip"),
            Some(A)
        );
        assert_eq!(
            checksums.sha256_of("terraform-provider-x_1.0.0_darwin_arm64.zip"),
            Some(A),
            "lowercased"
        );
        assert_eq!(checksums.sha256_of("other.zip"), None);
        assert_eq!(
            checksums.render(),
            format!(
                "{A}  terraform-provider-x_1.0.0_darwin_arm64.zip\n{A}  terraform-provider-x_1.0.0_linux_amd64.zip\n"
            )
        );
        let reparsed = Checksums::parse(checksums.render().as_bytes()).expect("parses");
        assert_eq!(reparsed, checksums);
    }

    #[test]
    fn crlf_tabs_and_a_missing_final_line_break_are_read_as_terraform_reads_them() {
        let document = format!("{A}\tone.zip\r\n{A} two.zip");
        let checksums = Checksums::parse(document.as_bytes()).expect("parses");
        assert_eq!(checksums.iter().count(), 2);
        assert_eq!(checksums.sha256_of("two.zip"), Some(A));
        assert_eq!(
            Checksums::parse(b"")
                .expect("empty is empty")
                .iter()
                .count(),
            0
        );
    }

    #[test]
    fn what_terraform_trips_over_is_refused_with_the_line() {
        let blank = format!("{A}  one.zip\n\n{A}  two.zip\n");
        assert_eq!(
            Checksums::parse(blank.as_bytes()),
            Err(ChecksumsError::EmptyLine(2))
        );
        let trailing_blank = format!("{A}  one.zip\n\n");
        assert_eq!(
            Checksums::parse(trailing_blank.as_bytes()),
            Err(ChecksumsError::EmptyLine(2))
        );
        for bad in [
            format!("{}  one.zip", &A[..63]),
            format!("{}g  one.zip", &A[..63]),
            A.to_owned(),
            format!("{A}  one.zip extra"),
            "not a checksum line".to_owned(),
        ] {
            let error = Checksums::parse(bad.as_bytes()).expect_err(&bad);
            assert!(
                matches!(error, ChecksumsError::MalformedLine { line: 1, .. }),
                "{bad}: {error}"
            );
        }
        let twice = format!("{A}  one.zip\n{A}  one.zip\n");
        assert_eq!(
            Checksums::parse(twice.as_bytes()),
            Err(ChecksumsError::Duplicate("one.zip".to_owned()))
        );
        assert_eq!(
            Checksums::parse(&[0xff, 0xfe]),
            Err(ChecksumsError::NotText)
        );
        let huge = vec![b'a'; MAX_CHECKSUMS_BYTES + 1];
        assert_eq!(Checksums::parse(&huge), Err(ChecksumsError::TooLarge));
        let hostile = format!("{A}  one.zip\nforged\u{1b}[2J line\n");
        let message = Checksums::parse(hostile.as_bytes())
            .expect_err("bad")
            .to_string();
        assert!(!message.contains('\u{1b}'), "{message}");
    }

    #[test]
    fn digests_render_as_sha256sum_does() {
        let checksums = Checksums::from_digests([("b.zip", [0xab; 32]), ("a.zip", [0x01; 32])]);
        assert_eq!(
            checksums.render(),
            format!("{}  a.zip\n{}  b.zip\n", "01".repeat(32), "ab".repeat(32))
        );
    }
}
