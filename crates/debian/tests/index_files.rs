//! A whole suite built from real packages, checked with dpkg-scanpackages, coreutils,
//! gzip and xz.

mod support;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::Path;

use debian::{
    by_hash_path, by_hash_sha512_path, parse_paragraphs, ComponentPackages, ControlParagraph,
    DebPackage, IndexEntry, IndexFileSet, SuiteMeta,
};
use support::{run, tool_digest, DebSpec};

fn meta() -> SuiteMeta {
    SuiteMeta {
        origin: "wharf".into(),
        label: "wharf test".into(),
        suite: "stable".into(),
        codename: "stable".into(),
        description: "Packages for tests".into(),
        architectures: vec!["amd64".into(), "arm64".into()],
        components: vec!["main".into()],
        date: 1_767_225_600,
    }
}

/// Builds packages into `<repo>/pool/main/` and returns their index entries.
fn build_pool(repo: &Path) -> Vec<IndexEntry> {
    let pool = repo.join("pool/main");
    fs::create_dir_all(&pool).unwrap();
    let specs = [
        ("hello", "1.0-2", "amd64"),
        ("hello", "1.0-1", "amd64"),
        ("hello", "1.0-1", "arm64"),
        ("hello", "1.0~rc1-1", "amd64"),
        ("hello-doc", "1.0-1", "all"),
        ("zz-tool", "2:0.1", "amd64"),
    ];
    specs
        .iter()
        .map(|&(name, version, architecture)| {
            let deb = DebSpec {
                name,
                version,
                architecture,
                extra_control: "Section: misc\nPriority: optional\n",
                ..DebSpec::default()
            }
            .build(&pool);
            let package = DebPackage::read(File::open(&deb).unwrap()).unwrap();
            let filename = deb.strip_prefix(repo).unwrap().to_str().unwrap().to_owned();
            IndexEntry::new(package, filename).unwrap()
        })
        .collect()
}

fn write_files(set: &IndexFileSet, dists: &Path) {
    for file in set.files() {
        let path = dists.join(&file.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, &file.bytes).unwrap();
    }
}

/// The `SHA256:`/`SHA512:` list of a Release file as path -> (hash, size).
fn checksum_list(release: &ControlParagraph, field: &str) -> BTreeMap<String, (String, u64)> {
    release
        .get(field)
        .unwrap()
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "{line:?}");
            (
                parts[2].to_owned(),
                (parts[0].to_owned(), parts[1].parse().unwrap()),
            )
        })
        .collect()
}

#[test]
fn release_lists_every_index_with_sizes_and_hashes_coreutils_agree_with() {
    let repo = tempfile::tempdir().unwrap();
    let entries = build_pool(repo.path());
    let set = IndexFileSet::build(
        &meta(),
        &[ComponentPackages {
            component: "main".into(),
            entries,
        }],
    )
    .unwrap();
    let dists = repo.path().join("dists/stable");
    write_files(&set, &dists);

    let release =
        ControlParagraph::parse(&fs::read_to_string(dists.join("Release")).unwrap()).unwrap();
    assert_eq!(release.get("Date"), Some("Thu, 01 Jan 2026 00:00:00 UTC"));
    assert_eq!(release.get("Acquire-By-Hash"), Some("yes"));
    assert_eq!(release.get("Components"), Some("main"));

    let sha256 = checksum_list(&release, "SHA256");
    let sha512 = checksum_list(&release, "SHA512");
    let mut expected: Vec<String> = Vec::new();
    for arch in ["amd64", "arm64"] {
        for name in ["Packages", "Packages.gz", "Packages.xz"] {
            expected.push(format!("main/binary-{arch}/{name}"));
        }
    }
    expected.sort();
    assert_eq!(sha256.keys().cloned().collect::<Vec<_>>(), expected);
    assert_eq!(sha512.keys().cloned().collect::<Vec<_>>(), expected);

    for (path, (hash, size)) in &sha256 {
        let file = dists.join(path);
        assert_eq!(fs::metadata(&file).unwrap().len(), *size, "{path}");
        assert_eq!(hash, &tool_digest("sha256sum", &file), "{path}");
        let (hash512, size512) = &sha512[path];
        assert_eq!(size512, size);
        assert_eq!(hash512, &tool_digest("sha512sum", &file), "{path}");

        // by-hash copies under both names, with the same bytes.
        let content = fs::read(&file).unwrap();
        assert_eq!(
            fs::read(dists.join(by_hash_path(path, hash))).unwrap(),
            content,
            "{path}"
        );
        assert_eq!(
            fs::read(dists.join(by_hash_sha512_path(path, hash512))).unwrap(),
            content,
            "{path}"
        );
    }

    // The compressed indexes hold the uncompressed one, as the system tools read them.
    for arch in ["amd64", "arm64"] {
        let dir = dists.join(format!("main/binary-{arch}"));
        let plain = fs::read(dir.join("Packages")).unwrap();
        assert!(!plain.is_empty());
        assert_eq!(
            run("gzip", &["-dc", dir.join("Packages.gz").to_str().unwrap()]),
            plain
        );
        assert_eq!(
            run("xz", &["-dc", dir.join("Packages.xz").to_str().unwrap()]),
            plain
        );
    }
}

/// Stanzas keyed by (Package, Version, Architecture).
fn stanzas_by_key(text: &str) -> BTreeMap<(String, String, String), ControlParagraph> {
    parse_paragraphs(text)
        .unwrap()
        .into_iter()
        .map(|p| {
            let key = |f: &str| p.get(f).unwrap().to_owned();
            (
                (key("Package"), key("Version"), key("Architecture")),
                p.clone(),
            )
        })
        .collect()
}

#[test]
fn packages_agree_with_dpkg_scanpackages() {
    let repo = tempfile::tempdir().unwrap();
    let entries = build_pool(repo.path());
    let set = IndexFileSet::build(
        &meta(),
        &[ComponentPackages {
            component: "main".into(),
            entries,
        }],
    )
    .unwrap();

    for arch in ["amd64", "arm64"] {
        let ours = String::from_utf8(
            set.file(&format!("main/binary-{arch}/Packages"))
                .unwrap()
                .bytes
                .clone(),
        )
        .unwrap();
        let output = std::process::Command::new("dpkg-scanpackages")
            .args(["--multiversion", "pool", "/dev/null"])
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut theirs = stanzas_by_key(&String::from_utf8(output.stdout).unwrap());
        // dpkg-scanpackages lists every architecture; keep what binary-<arch> should hold.
        theirs.retain(|(_, _, package_arch), _| package_arch == arch || package_arch == "all");
        let ours = stanzas_by_key(&ours);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{arch}"
        );
        for (key, their_stanza) in &theirs {
            let our_stanza = &ours[key];
            for field in their_stanza.fields() {
                assert_eq!(
                    our_stanza.get(field.name()),
                    Some(field.value()),
                    "{arch} {key:?} {}",
                    field.name()
                );
            }
            // Ours adds SHA512 and nothing else.
            for field in our_stanza.fields() {
                assert!(
                    their_stanza.contains(field.name()) || field.name() == "SHA512",
                    "{arch} {key:?}: unexpected {}",
                    field.name()
                );
            }
        }
    }
}

#[test]
fn packages_are_ordered_and_all_goes_everywhere() {
    let repo = tempfile::tempdir().unwrap();
    let entries = build_pool(repo.path());
    let set = IndexFileSet::build(
        &meta(),
        &[ComponentPackages {
            component: "main".into(),
            entries,
        }],
    )
    .unwrap();
    let listing = |arch: &str| -> Vec<String> {
        let text = String::from_utf8(
            set.file(&format!("main/binary-{arch}/Packages"))
                .unwrap()
                .bytes
                .clone(),
        )
        .unwrap();
        parse_paragraphs(&text)
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{} {} {}",
                    p.get("Package").unwrap(),
                    p.get("Version").unwrap(),
                    p.get("Architecture").unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        listing("amd64"),
        [
            "hello 1.0~rc1-1 amd64",
            "hello 1.0-1 amd64",
            "hello 1.0-2 amd64",
            "hello-doc 1.0-1 all",
            "zz-tool 2:0.1 amd64"
        ]
    );
    assert_eq!(
        listing("arm64"),
        ["hello 1.0-1 arm64", "hello-doc 1.0-1 all"]
    );
}

#[test]
fn the_same_packages_give_the_same_files() {
    let repo = tempfile::tempdir().unwrap();
    let entries = build_pool(repo.path());
    let mut shuffled = entries.clone();
    shuffled.rotate_left(2);
    shuffled.swap(0, 3);
    let a = IndexFileSet::build(
        &meta(),
        &[ComponentPackages {
            component: "main".into(),
            entries,
        }],
    )
    .unwrap();
    let b = IndexFileSet::build(
        &meta(),
        &[ComponentPackages {
            component: "main".into(),
            entries: shuffled,
        }],
    )
    .unwrap();
    assert_eq!(a, b);
}
