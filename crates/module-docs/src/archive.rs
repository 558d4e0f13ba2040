//! One pass over a module archive, keeping only what documents the module.

use std::io::Read;
use std::path::{Component, Path};

use flate2::read::GzDecoder;
use tar::{Archive, EntryType};

use crate::interface::read_interface;
use crate::readme::{render_readme, summary_of};
use crate::ModuleDocs;

/// Size bounds for what is read out of an archive; anything larger is skipped with a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// The README.
    pub readme_bytes: u64,
    /// One `.tf` file.
    pub tf_file_bytes: u64,
    /// All `.tf` files together.
    pub tf_total_bytes: u64,
    /// Entries walked before giving up (a tar bomb of empty entries).
    pub entries: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            readme_bytes: 512 * 1024,
            tf_file_bytes: 1024 * 1024,
            tf_total_bytes: 4 * 1024 * 1024,
            entries: 100_000,
        }
    }
}

/// Why an archive could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// Not gzip, not tar, or cut short.
    #[error("the module archive cannot be read: {0}")]
    Corrupt(std::io::Error),
    /// More entries than [`ArchiveLimits::entries`].
    #[error("the module archive has more than {0} entries")]
    TooManyEntries(u64),
}

/// A file kept from the archive, by where it sits.
struct Kept {
    /// Its top folder when it is one level down (GitHub's `owner-repo-sha7/`), else `None`.
    folder: Option<String>,
    name: String,
    text: String,
}

/// Reads a module `.tar.gz` whose files sit at its root or under one top folder.
pub fn read_module_archive(
    input: impl Read,
    limits: ArchiveLimits,
) -> Result<ModuleDocs, DocsError> {
    let mut archive = Archive::new(GzDecoder::new(input));
    let mut kept: Vec<Kept> = Vec::new();
    let mut notes = Vec::new();
    let mut tf_total = 0u64;
    let mut walked = 0u64;
    for entry in archive.entries().map_err(DocsError::Corrupt)? {
        walked += 1;
        if walked > limits.entries {
            return Err(DocsError::TooManyEntries(limits.entries));
        }
        let mut entry = entry.map_err(DocsError::Corrupt)?;
        if !matches!(
            entry.header().entry_type(),
            EntryType::Regular | EntryType::Continuous
        ) {
            continue;
        }
        let path = entry.path().map_err(DocsError::Corrupt)?.into_owned();
        let Some((folder, name)) = placement(&path) else {
            continue;
        };
        let is_readme = name.eq_ignore_ascii_case("README.md");
        let is_tf = name.ends_with(".tf");
        if !is_readme && !is_tf {
            continue;
        }
        let size = entry.header().size().map_err(DocsError::Corrupt)?;
        let bound = if is_readme {
            limits.readme_bytes
        } else {
            limits
                .tf_file_bytes
                .min(limits.tf_total_bytes.saturating_sub(tf_total))
        };
        if size > bound {
            notes.push(format!(
                "{name} is larger than wharf reads ({size} bytes); not shown"
            ));
            continue;
        }
        let mut bytes = Vec::with_capacity(size as usize);
        entry
            .by_ref()
            .take(bound)
            .read_to_end(&mut bytes)
            .map_err(DocsError::Corrupt)?;
        if is_tf {
            tf_total += bytes.len() as u64;
        }
        match String::from_utf8(bytes) {
            Ok(text) => kept.push(Kept { folder, name, text }),
            Err(_) => notes.push(format!("{name} is not UTF-8; not shown")),
        }
    }
    Ok(documentation(choose_root(kept), notes))
}

/// `(top folder, file name)` for a file at the archive's root or one folder down; `None`
/// for anything deeper (submodules, examples) or unsafe.
fn placement(path: &Path) -> Option<(Option<String>, String)> {
    let parts: Vec<&str> = path
        .components()
        .filter(|component| !matches!(component, Component::CurDir))
        .map(|component| match component {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    match parts.as_slice() {
        [name] => Some((None, (*name).to_owned())),
        [folder, name] => Some((Some((*folder).to_owned()), (*name).to_owned())),
        _ => None,
    }
}

/// Files at the root win; otherwise the files of the single top folder (GitHub's layout).
/// An archive with several top folders and nothing at its root documents nothing.
fn choose_root(kept: Vec<Kept>) -> Vec<Kept> {
    if kept.iter().any(|file| file.folder.is_none()) {
        return kept
            .into_iter()
            .filter(|file| file.folder.is_none())
            .collect();
    }
    let mut folders: Vec<&String> = kept
        .iter()
        .filter_map(|file| file.folder.as_ref())
        .collect();
    folders.sort();
    folders.dedup();
    if folders.len() == 1 {
        kept
    } else {
        Vec::new()
    }
}

fn documentation(mut files: Vec<Kept>, mut notes: Vec<String>) -> ModuleDocs {
    // The same order whatever order the archive had.
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let readme = files
        .iter()
        .find(|file| file.name == "README.md")
        .or_else(|| {
            files
                .iter()
                .find(|file| file.name.eq_ignore_ascii_case("README.md"))
        });
    let tf_files: Vec<(&str, &str)> = files
        .iter()
        .filter(|file| file.name.ends_with(".tf"))
        .map(|file| (file.name.as_str(), file.text.as_str()))
        .collect();
    let interface = read_interface(&tf_files);
    notes.extend(interface.notes);
    ModuleDocs {
        readme_html: readme.map(|file| render_readme(&file.text)),
        summary: readme.and_then(|file| summary_of(&file.text)),
        inputs: interface.inputs,
        outputs: interface.outputs,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;

    use super::*;

    fn archive(files: &[(&str, &str)]) -> Vec<u8> {
        let mut builder =
            tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        let mut global = tar::Header::new_ustar();
        global.set_entry_type(EntryType::XGlobalHeader);
        let comment = b"52 comment=0123456789abcdef0123456789abcdef01234567\n";
        global.set_size(comment.len() as u64);
        global.set_path("pax_global_header").expect("path");
        global.set_cksum();
        builder
            .append(&global, &comment[..])
            .expect("global header");
        for (path, text) in files {
            let mut header = tar::Header::new_gnu();
            header.set_mode(0o644);
            header.set_size(text.len() as u64);
            builder
                .append_data(&mut header, path, text.as_bytes())
                .expect("entry");
        }
        let mut encoder = builder.into_inner().expect("tar");
        encoder.flush().expect("flush");
        encoder.finish().expect("gzip")
    }

    const MAIN_TF: &str = r#"
variable "region" {
  description = "Where the VPC lives."
  type        = string
}
output "id" {
  description = "The VPC's id."
  value       = "x"
}
"#;

    #[test]
    fn reads_a_github_tarball_under_its_top_folder() {
        let bytes = archive(&[
            (
                "acme-vpc-abc1234/README.md",
                "# VPC\n\nA private network.\n",
            ),
            ("acme-vpc-abc1234/main.tf", MAIN_TF),
            (
                "acme-vpc-abc1234/modules/subnet/main.tf",
                "variable \"deep\" {}\n",
            ),
            ("acme-vpc-abc1234/examples/README.md", "# not this one\n"),
        ]);
        let docs = read_module_archive(&bytes[..], ArchiveLimits::default()).expect("reads");
        assert_eq!(docs.summary.as_deref(), Some("A private network."));
        assert!(docs
            .readme_html
            .as_deref()
            .unwrap_or_default()
            .contains("<h1>VPC</h1>"));
        let inputs: Vec<&str> = docs
            .inputs
            .iter()
            .map(|input| input.name.as_str())
            .collect();
        assert_eq!(inputs, ["region"], "submodule inputs are not the module's");
        assert_eq!(
            docs.outputs[0].description.as_deref(),
            Some("The VPC's id.")
        );
        assert!(docs.notes.is_empty(), "{:?}", docs.notes);
    }

    #[test]
    fn reads_an_archive_with_files_at_its_root() {
        let bytes = archive(&[
            ("main.tf", MAIN_TF),
            ("modules/x/main.tf", "variable \"y\" {}\n"),
        ]);
        let docs = read_module_archive(&bytes[..], ArchiveLimits::default()).expect("reads");
        assert_eq!(docs.inputs.len(), 1);
        assert_eq!(docs.readme_html, None);
        assert_eq!(docs.summary, None);
    }

    #[test]
    fn oversized_and_broken_files_are_noted_not_fatal() {
        let big = format!("# big\n\n{}", "x".repeat(100));
        let bytes = archive(&[
            ("README.md", &big),
            ("broken.tf", "variable \"open\" {\n"),
            ("main.tf", MAIN_TF),
        ]);
        let limits = ArchiveLimits {
            readme_bytes: 50,
            ..ArchiveLimits::default()
        };
        let docs = read_module_archive(&bytes[..], limits).expect("reads");
        assert_eq!(docs.readme_html, None);
        assert_eq!(docs.inputs.len(), 1, "main.tf is still read");
        assert_eq!(docs.notes.len(), 2, "{:?}", docs.notes);
        assert!(
            docs.notes[0].contains("README.md is larger"),
            "{:?}",
            docs.notes
        );
        assert!(docs.notes[1].starts_with("broken.tf"), "{:?}", docs.notes);
    }

    #[test]
    fn not_an_archive_is_an_error() {
        let error = read_module_archive(&b"definitely not gzip"[..], ArchiveLimits::default())
            .expect_err("not gzip");
        assert!(error.to_string().contains("cannot be read"), "{error}");
    }

    #[test]
    fn entry_count_is_bounded() {
        let files: Vec<(String, String)> = (0..20)
            .map(|i| (format!("f{i}.txt"), String::new()))
            .collect();
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let bytes = archive(&borrowed);
        let limits = ArchiveLimits {
            entries: 10,
            ..ArchiveLimits::default()
        };
        assert!(matches!(
            read_module_archive(&bytes[..], limits),
            Err(DocsError::TooManyEntries(10))
        ));
    }
}
