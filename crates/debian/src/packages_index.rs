//! The `Packages` file of one `dists/<suite>/<component>/binary-<arch>/` directory.

use std::fmt;

use crate::control_paragraph::write_field;
use crate::deb_package::DebPackage;
use crate::index_error::IndexError;
use crate::syntax::check_pool_filename;

/// Fields the index writes itself; copies in a control file (there should be none) are
/// dropped so a stanza never holds a field twice.
const GENERATED_FIELDS: [&str; 7] = [
    "Package", "Filename", "Size", "MD5sum", "SHA1", "SHA256", "SHA512",
];

/// A package and where it lives relative to the repository root (`pool/main/h/hello.deb`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    package: DebPackage,
    filename: String,
}

impl IndexEntry {
    /// Pairs a package with its path, which must be a clean relative path of characters that
    /// survive URL quoting unchanged: ASCII letters, digits and `/-._~+@=,` (no `:`, so no
    /// epoch, and no `%`, `?`, `#` or whitespace).
    pub fn new(package: DebPackage, filename: impl Into<String>) -> Result<Self, IndexError> {
        let filename = filename.into();
        check_pool_filename(&filename).map_err(|reason| IndexError::InvalidFilename {
            package: package.name().to_owned(),
            filename: filename.clone(),
            reason,
        })?;
        Ok(Self { package, filename })
    }

    /// Why `filename` cannot be a package's `Filename`, if it cannot (see [`IndexEntry::new`]);
    /// lets a caller check a path before downloading the package.
    pub fn check_filename(filename: &str) -> Result<(), &'static str> {
        check_pool_filename(filename)
    }

    /// The package.
    pub fn package(&self) -> &DebPackage {
        &self.package
    }

    /// Its path relative to the repository root.
    pub fn filename(&self) -> &str {
        &self.filename
    }
}

/// A `Packages` index: stanzas sorted by name, then version (dpkg order), then architecture,
/// then filename, so the same packages always give the same bytes.
///
/// Several entries with the same name, version and architecture are all kept (apt picks
/// one); rejecting duplicates is the caller's policy to choose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackagesIndex {
    entries: Vec<IndexEntry>,
}

impl PackagesIndex {
    /// An index of exactly these entries.
    pub fn new(entries: impl IntoIterator<Item = IndexEntry>) -> Self {
        let mut entries: Vec<IndexEntry> = entries.into_iter().collect();
        entries.sort_by(|a, b| {
            let (pa, pb) = (&a.package, &b.package);
            pa.name()
                .cmp(pb.name())
                .then_with(|| pa.version().cmp(pb.version()))
                .then_with(|| pa.architecture().cmp(pb.architecture()))
                .then_with(|| a.filename.cmp(&b.filename))
                // Equal versions can be spelt differently (`1.0` and `1.00`).
                .then_with(|| pa.version().as_str().cmp(pb.version().as_str()))
        });
        Self { entries }
    }

    /// The index for `binary-<architecture>`: the entries built for that architecture plus
    /// every `Architecture: all` entry, which apt looks for in each architecture's index.
    pub fn for_architecture(all_entries: &[IndexEntry], architecture: &str) -> Self {
        Self::new(
            all_entries
                .iter()
                .filter(|e| {
                    let arch = e.package.architecture();
                    arch == architecture || arch == "all"
                })
                .cloned(),
        )
    }

    /// The entries in index order.
    pub fn entries(&self) -> &[IndexEntry] {
        &self.entries
    }

    /// Number of stanzas.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the index lists nothing (an empty `Packages` file is valid).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl fmt::Display for PackagesIndex {
    /// The `Packages` text: per stanza `Package`, the other control fields in their order,
    /// then `Filename`, `Size`, `MD5sum`, `SHA1`, `SHA256`, `SHA512`; each stanza followed by
    /// a blank line, as apt-ftparchive and dpkg-scanpackages end them (so stanzas can be
    /// appended or concatenated safely). No package, no bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for entry in &self.entries {
            write_stanza(&mut out, entry);
            out.push('\n');
        }
        f.write_str(&out)
    }
}

fn write_stanza(out: &mut String, entry: &IndexEntry) {
    let package = &entry.package;
    write_field(out, "Package", package.name());
    for field in package.control().fields() {
        if !GENERATED_FIELDS
            .iter()
            .any(|generated| generated.eq_ignore_ascii_case(field.name()))
        {
            write_field(out, field.name(), field.value());
        }
    }
    let digests = package.digests();
    write_field(out, "Filename", &entry.filename);
    write_field(out, "Size", &digests.size.to_string());
    write_field(out, "MD5sum", &digests.md5);
    write_field(out, "SHA1", &digests.sha1);
    write_field(out, "SHA256", &digests.sha256);
    write_field(out, "SHA512", &digests.sha512);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control_parse::parse_paragraphs;
    use crate::{ControlParagraph, FileDigests};

    fn entry(name: &str, version: &str, arch: &str) -> IndexEntry {
        let control = ControlParagraph::parse(&format!(
            "Version: {version}\nArchitecture: {arch}\nPackage: {name}\nDescription: test\n more\n"
        ))
        .unwrap();
        let package = DebPackage::from_parts(control, FileDigests::of(name.as_bytes())).unwrap();
        let filename = crate::pool_path("main", &package);
        IndexEntry::new(package, filename).unwrap()
    }

    fn order(index: &PackagesIndex) -> Vec<String> {
        index
            .entries()
            .iter()
            .map(|e| {
                format!(
                    "{} {} {}",
                    e.package().name(),
                    e.package().version(),
                    e.package().architecture()
                )
            })
            .collect()
    }

    #[test]
    fn sorts_by_name_then_dpkg_version_then_architecture() {
        let index = PackagesIndex::new([
            entry("zeta", "1.0", "amd64"),
            entry("alpha", "1.10", "amd64"),
            entry("alpha", "1.9", "arm64"),
            entry("alpha", "1.9", "amd64"),
            entry("alpha", "1.10~rc1", "amd64"),
            entry("alpha", "1:0.1", "amd64"),
        ]);
        assert_eq!(
            order(&index),
            [
                "alpha 1.9 amd64",
                "alpha 1.9 arm64",
                "alpha 1.10~rc1 amd64",
                "alpha 1.10 amd64",
                "alpha 1:0.1 amd64",
                "zeta 1.0 amd64",
            ]
        );
    }

    #[test]
    fn order_does_not_depend_on_input_order() {
        let mut entries = vec![
            entry("bb", "2", "amd64"),
            entry("ab", "1", "all"),
            entry("bb", "10", "amd64"),
            entry("bb", "2", "arm64"),
        ];
        let forward = PackagesIndex::new(entries.clone()).to_string();
        entries.reverse();
        assert_eq!(PackagesIndex::new(entries).to_string(), forward);
    }

    #[test]
    fn architecture_all_joins_every_architecture() {
        let all = [
            entry("tool", "1", "amd64"),
            entry("tool", "1", "arm64"),
            entry("docs", "1", "all"),
        ];
        assert_eq!(
            order(&PackagesIndex::for_architecture(&all, "amd64")),
            ["docs 1 all", "tool 1 amd64"]
        );
        assert_eq!(
            order(&PackagesIndex::for_architecture(&all, "arm64")),
            ["docs 1 all", "tool 1 arm64"]
        );
        assert_eq!(
            order(&PackagesIndex::for_architecture(&all, "riscv64")),
            ["docs 1 all"]
        );
    }

    #[test]
    fn stanza_layout_puts_package_first_and_digests_last() {
        let text = PackagesIndex::new([
            entry("hello", "1.0", "amd64"),
            entry("hello", "2.0", "amd64"),
        ])
        .to_string();
        let stanzas = parse_paragraphs(&text).unwrap();
        assert_eq!(stanzas.len(), 2);
        let names: Vec<&str> = stanzas[0].fields().iter().map(|f| f.name()).collect();
        assert_eq!(
            names,
            [
                "Package",
                "Version",
                "Architecture",
                "Description",
                "Filename",
                "Size",
                "MD5sum",
                "SHA1",
                "SHA256",
                "SHA512"
            ]
        );
        assert_eq!(stanzas[0].get("Description"), Some("test\n more"));
        assert_eq!(stanzas[1].get("Version"), Some("2.0"));
        assert_eq!(stanzas[0].get("Size"), Some("5"));
        // Independent digest of the bytes the entry was built from: sha256("hello").
        assert_eq!(
            stanzas[0].get("SHA256"),
            Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        assert!(text.contains("\n\nPackage: hello\nVersion: 2.0\n"));
        // Every stanza, the last one too, is followed by one blank line.
        let last_line = text.trim_end_matches('\n').rsplit('\n').next().unwrap();
        assert!(last_line.starts_with("SHA512: "), "{text}");
        assert!(
            text.ends_with("\n\n") && !text.ends_with("\n\n\n"),
            "{text:?}"
        );
    }

    #[test]
    fn control_copies_of_generated_fields_are_dropped() {
        let control = ControlParagraph::parse(
            "Package: sneaky\nVersion: 1\nArchitecture: all\nFilename: elsewhere.deb\nsize: 999\n",
        )
        .unwrap();
        let package = DebPackage::from_parts(control, FileDigests::of(b"x")).unwrap();
        let index = PackagesIndex::new([IndexEntry::new(package, "pool/s.deb").unwrap()]);
        let stanza = ControlParagraph::parse(&index.to_string()).unwrap();
        assert_eq!(stanza.get("Filename"), Some("pool/s.deb"));
        assert_eq!(stanza.get("Size"), Some("1"));
        assert_eq!(stanza.len(), 9);
    }

    #[test]
    fn filenames_are_checked() {
        let package = entry("a1", "1", "all").package().clone();
        for bad in [
            "",
            "/etc/passwd",
            "pool/../x.deb",
            "a b.deb",
            "x.deb\nSize: 1",
            "pool/main/h/hello_1:2.0_all.deb",
            "pool/main/h/hello_100%.deb",
        ] {
            assert!(
                matches!(
                    IndexEntry::new(package.clone(), bad),
                    Err(IndexError::InvalidFilename { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn empty_index_is_empty_text() {
        assert_eq!(PackagesIndex::new([]).to_string(), "");
    }
}
