use component_http::plain_text;
use github_access::github::{GitRef, Repository};
use spin_sdk::http::Response;

pub enum PackageLocation {
    /// Below the mounted registry's `apt/pool/`.
    Local { relative: String },
    GitHub {
        repository: Repository,
        tag: GitRef,
        asset: String,
    },
}

impl PackageLocation {
    pub fn parse(path: &str) -> Result<Self, Response> {
        let not_found = || plain_text(404, "no such package");
        let relative = path.strip_prefix("/pool/").ok_or_else(not_found)?;
        let segments: Vec<&str> = relative.split('/').collect();
        if segments.iter().any(|segment| {
            segment.is_empty() || *segment == "." || *segment == ".." || segment.contains('\\')
        }) {
            return Err(not_found());
        }
        match segments.as_slice() {
            ["github", owner, name, tag, asset] => Ok(PackageLocation::GitHub {
                repository: Repository::new(owner, name).map_err(|_| not_found())?,
                tag: GitRef::new(&percent_decode(tag)).map_err(|_| not_found())?,
                asset: percent_decode(asset),
            }),
            ["github", ..] => Err(not_found()),
            _ => Ok(PackageLocation::Local {
                relative: relative.to_owned(),
            }),
        }
    }
}

/// Package file names may hold `+` and `~`, which apt percent-encodes in URLs.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |offset: usize| {
            bytes
                .get(index + offset)
                .and_then(|byte| (*byte as char).to_digit(16))
        };
        match (bytes[index], hex(1), hex(2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}
