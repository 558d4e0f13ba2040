//! Golden comparison with Debian's own tool: for a set of packages that covers what real
//! packages hold, every field `wharf apt index` writes into `Packages` equals what
//! `apt-ftparchive packages` (Debian's apt-utils) writes for the same pool, and every hash and
//! size in `Release` equals what `apt-ftparchive release` computes for the same files.
//!
//! Known, deliberate differences, checked here rather than hidden:
//! - a control file that is not UTF-8 is transcoded from Windows-1252 (Latin-1) by wharf and
//!   passed through as bytes by apt-ftparchive: its values equal `iconv -f WINDOWS-1252`'s;
//! - wharf keeps each control file's field order, apt-ftparchive sorts fields into its own
//!   canonical order (apt reads fields by name; values are compared, not positions);
//! - wharf's Release lists SHA256 and SHA512 only (no MD5Sum/SHA1, which apt does not trust)
//!   and not the Release itself.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use end_to_end::apt::{describe, DebContents};
use end_to_end::paths::workspace_binary;

/// A stanza as apt reads it: field name (lowercase) -> (name as written, value bytes with the
/// value's own leading and trailing whitespace trimmed). Bytes, not text: apt-ftparchive
/// passes non-UTF-8 control files through.
type Stanza = BTreeMap<String, (String, Vec<u8>)>;

fn parse_stanzas(bytes: &[u8]) -> Vec<Stanza> {
    let mut stanzas = Vec::new();
    let mut current = Stanza::new();
    let mut field: Option<(String, Vec<u8>)> = None;
    let finish = |field: &mut Option<(String, Vec<u8>)>, stanza: &mut Stanza| {
        if let Some((name, value)) = field.take() {
            let value = value.trim_ascii().to_vec();
            let previous = stanza.insert(name.to_ascii_lowercase(), (name.clone(), value));
            assert!(previous.is_none(), "field {name} twice");
        }
    };
    for line in bytes.split(|&byte| byte == b'\n') {
        if line.trim_ascii().is_empty() {
            finish(&mut field, &mut current);
            if !current.is_empty() {
                stanzas.push(std::mem::take(&mut current));
            }
        } else if line.starts_with(b" ") || line.starts_with(b"\t") {
            let (_, value) = field.as_mut().expect("a continuation line follows a field");
            value.push(b'\n');
            value.extend_from_slice(line);
        } else {
            finish(&mut field, &mut current);
            let colon = line
                .iter()
                .position(|&byte| byte == b':')
                .expect("Name: value");
            let name = String::from_utf8(line[..colon].to_vec()).expect("ASCII field name");
            field = Some((name, line[colon + 1..].to_vec()));
        }
    }
    finish(&mut field, &mut current);
    if !current.is_empty() {
        stanzas.push(current);
    }
    stanzas
}

fn identity(stanza: &Stanza) -> (String, String, String) {
    let text = |name: &str| String::from_utf8_lossy(&stanza[name].1).into_owned();
    (text("package"), text("version"), text("architecture"))
}

fn run_in(directory: &Path, program: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(program)
        .args(args)
        .current_dir(directory)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program} (Debian's apt-utils): {error}"));
    assert!(output.status.success(), "{program}: {}", describe(&output));
    output.stdout
}

fn iconv_windows_1252(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new("iconv")
        .args(["-f", "WINDOWS-1252", "-t", "UTF-8"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("iconv");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(bytes)
        .expect("write to iconv");
    let output = child.wait_with_output().expect("iconv output");
    assert!(output.status.success());
    output.stdout
}

/// A test package: file name, exact control bytes, dpkg-deb compression, further files.
struct GoldenPackage(&'static str, Vec<u8>, &'static str, Vec<(String, Vec<u8>)>);

/// The packages: every relationship field, Essential/Protected/Multi-Arch, a 4 GiB
/// Installed-Size, UTF-8 and Latin-1 text, blanks and tabs inside descriptions, epochs, `~`
/// and `+`, every control compression dpkg-deb writes, long and non-ASCII paths in the data,
/// conffiles, ~900 KB of control fields, two versions of one package, one version for two
/// architectures.
fn build_packages(directory: &Path) {
    let huge = {
        let mut text = String::from("Package: huge-fields\nVersion: 1.0\nArchitecture: all\nMaintainer: Test <test@example.invalid>\nDepends: ");
        text.push_str(
            &(0..2000)
                .map(|index| format!("virtual-dependency-{index}"))
                .collect::<Vec<_>>()
                .join(" | "),
        );
        text.push_str("\nDescription: a package with very large fields\n");
        for line in 0..12_000 {
            text.push_str(&format!(" line {line:05} of a long description\n"));
        }
        text
    };
    let long_path = format!("usr/share/{}/file-with-a-long-name.txt", "deep/".repeat(30));
    let packages: Vec<GoldenPackage> = vec![
        GoldenPackage(
            "plain-tool_1.0-1_amd64.deb",
            b"Package: plain-tool\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: Test <test@example.invalid>\nInstalled-Size: 12\nSection: utils\nPriority: optional\nHomepage: https://example.invalid/plain\nDescription: a plain tool\n With a longer description.\n".to_vec(),
            "gzip",
            vec![],
        ),
        GoldenPackage(
            "relations_2.0-3_arm64.deb",
            b"Package: relations\nSource: relations-src (2.0-2)\nVersion: 2.0-3\nArchitecture: arm64\nMaintainer: Test <test@example.invalid>\nPre-Depends: dpkg (>= 1.19.1), init-system-helpers (>= 1.54~)\nDepends: libc6 (>= 2.34), libssl3 | libssl1.1, python3:any, adduser\nRecommends: ca-certificates\nSuggests: relations-doc (= 2.0-3)\nEnhances: plain-tool\nBreaks: old-relations (<< 2.0)\nConflicts: relations-ng\nReplaces: old-relations (<< 2.0)\nProvides: relations-api (= 2), virtual-relations\nBuilt-Using: gcc-12 (= 12.2.0-14)\nDescription: every relationship field\n Pre-Depends, Depends, Recommends and the others.\n".to_vec(),
            "xz",
            vec![],
        ),
        GoldenPackage(
            "essential-bits_1.2_amd64.deb",
            b"Package: essential-bits\nVersion: 1.2\nArchitecture: amd64\nMaintainer: Test <test@example.invalid>\nEssential: yes\nProtected: yes\nMulti-Arch: same\nPriority: required\nSection: admin\nDescription: essential and protected\n".to_vec(),
            "zstd",
            vec![],
        ),
        GoldenPackage(
            "big-size_0.1_amd64.deb",
            b"Package: big-size\nVersion: 0.1\nArchitecture: amd64\nMaintainer: Test <test@example.invalid>\nInstalled-Size: 4194304\nDescription: claims 4 GiB installed\n".to_vec(),
            "none",
            vec![],
        ),
        GoldenPackage(
            "unicode-text_1.0_all.deb",
            "Package: unicode-text\nVersion: 1.0\nArchitecture: all\nMaintainer: Zoë Ünïcödé <zoe@example.invalid>\nDescription: Ünïcödé — 日本語 — 🚀\n Ελληνικά, русский, עברית, हिन्दी.\n".as_bytes().to_vec(),
            "gzip",
            vec![],
        ),
        GoldenPackage(
            "whitespace_1.0_all.deb",
            b"Package: whitespace\nVersion: 1.0\nArchitecture: all\nMaintainer: Test <test@example.invalid>   \nDescription: short  \n line with trailing spaces   \n \tline with a tab\n .\n  indented  verbatim\tline\n last   \nX-Multi: \n first  \n second\t\n".to_vec(),
            "gzip",
            vec![],
        ),
        GoldenPackage(
            "libfoo++1_2.3~rc1+dfsg-1~bpo12+1_amd64.deb",
            b"Package: libfoo++1\nSource: foo\nVersion: 1:2.3~rc1+dfsg-1~bpo12+1\nArchitecture: amd64\nMulti-Arch: same\nMaintainer: Test <test@example.invalid>\nDescription: epoch, tilde and plus\n".to_vec(),
            "xz",
            vec![],
        ),
        GoldenPackage(
            "libfoo++1_2.3~rc1+dfsg-1~bpo12+1_arm64.deb",
            b"Package: libfoo++1\nSource: foo\nVersion: 1:2.3~rc1+dfsg-1~bpo12+1\nArchitecture: arm64\nMulti-Arch: same\nMaintainer: Test <test@example.invalid>\nDescription: epoch, tilde and plus\n".to_vec(),
            "xz",
            vec![],
        ),
        GoldenPackage(
            "legacy_1.0_all.deb",
            b"Package: legacy\nVersion: 1.0\nArchitecture: all\nMaintainer: Jos\xe9 M\xfcller <jose@example.invalid>\nDescription: caf\xe9 \x93tool\x94 \xa9 2009\n Gr\xfc\xdfe aus K\xf6ln.\n".to_vec(),
            "gzip",
            vec![],
        ),
        GoldenPackage(
            "huge-fields_1.0_all.deb",
            huge.into_bytes(),
            "xz",
            vec![],
        ),
        GoldenPackage(
            "custom-fields_1.0_all.deb",
            b"Package: custom-fields\nVersion: 1.0\nArchitecture: all\nMaintainer: Test <test@example.invalid>\nOriginal-Maintainer: Someone Else <else@example.invalid>\nX-Custom: kept as written\nTag: devel::lang:rust, role::program,\n implemented-in::rust\nDescription: fields apt does not know\n".to_vec(),
            "gzip",
            vec![],
        ),
        GoldenPackage(
            "long-paths_1.0_amd64.deb",
            b"Package: long-paths\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Test <test@example.invalid>\nDescription: pax headers, non-ASCII names and conffiles\n".to_vec(),
            "zstd",
            vec![
                (long_path, b"deep\n".to_vec()),
                ("usr/share/long-paths/caf\u{e9}-\u{65e5}\u{672c}.txt".to_owned(), b"name\n".to_vec()),
                ("etc/long-paths.conf".to_owned(), b"setting = 1\n".to_vec()),
                ("DEBIAN/conffiles".to_owned(), b"/etc/long-paths.conf\n".to_vec()),
            ],
        ),
        GoldenPackage(
            "hello_1.0-1_amd64.deb",
            b"Package: hello\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: Test <test@example.invalid>\nDescription: first version\n".to_vec(),
            "gzip",
            vec![],
        ),
        GoldenPackage(
            "hello_1.0-2_amd64.deb",
            b"Package: hello\nVersion: 1.0-2\nArchitecture: amd64\nMaintainer: Test <test@example.invalid>\nDescription: second version\n".to_vec(),
            "gzip",
            vec![],
        ),
    ];
    for GoldenPackage(file_name, control, compression, files) in &packages {
        let files: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .collect();
        DebContents {
            control,
            compression,
            files: &files,
            ..DebContents::default()
        }
        .build(&directory.join(file_name));
    }
}

#[test]
fn packages_and_release_agree_with_apt_ftparchive() {
    let work = tempfile::tempdir().expect("work");
    let debs = work.path().join("debs");
    std::fs::create_dir(&debs).expect("debs");
    build_packages(&debs);
    let signing_key = work.path().join("key.asc");
    let keygen = Command::new(workspace_binary("wharf"))
        .args(["keygen", "--secret-key"])
        .arg(&signing_key)
        .arg("--public-key")
        .arg(work.path().join("public.key"))
        .output()
        .expect("wharf keygen");
    assert!(keygen.status.success(), "{}", describe(&keygen));
    let output = work.path().join("repo");
    let indexed = Command::new(workspace_binary("wharf"))
        .args(["apt", "index", "--output"])
        .arg(&output)
        .arg("--from-dir")
        .arg(&debs)
        .arg("--signing-key")
        .arg(&signing_key)
        .args(["--architectures", "amd64,arm64"])
        .output()
        .expect("wharf apt index");
    assert!(indexed.status.success(), "{}", describe(&indexed));

    // wharf's stanzas, from both architectures' indexes; `all` packages are in both, alike.
    let mut ours: BTreeMap<(String, String, String), Stanza> = BTreeMap::new();
    for architecture in ["amd64", "arm64"] {
        let bytes =
            std::fs::read(output.join(format!("dists/stable/main/binary-{architecture}/Packages")))
                .expect("Packages");
        assert!(
            bytes.ends_with(b"\n\n") && !bytes.ends_with(b"\n\n\n"),
            "a blank line after the last stanza, as apt-ftparchive writes"
        );
        for stanza in parse_stanzas(&bytes) {
            if let Some(other) = ours.insert(identity(&stanza), stanza.clone()) {
                assert_eq!(
                    other, stanza,
                    "an `all` package differs between architectures"
                );
            }
        }
    }

    let theirs_bytes = run_in(&output, "apt-ftparchive", &["packages", "pool"]);
    assert!(theirs_bytes.ends_with(b"\n\n"));
    let theirs: BTreeMap<_, _> = parse_stanzas(&theirs_bytes)
        .into_iter()
        .map(|stanza| (identity(&stanza), stanza))
        .collect();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "the same packages"
    );
    assert_eq!(theirs.len(), 14);

    let mut compared = 0;
    for (package, their_stanza) in &theirs {
        let our_stanza = &ours[package];
        assert_eq!(
            our_stanza.keys().collect::<Vec<_>>(),
            their_stanza.keys().collect::<Vec<_>>(),
            "{package:?}: the same fields"
        );
        for (field, (name, their_value)) in their_stanza {
            let (our_name, our_value) = &our_stanza[field];
            assert_eq!(our_name, name, "{package:?}: field name spelling");
            let expected = if package.0 == "legacy" {
                // The one deliberate difference: wharf transcodes, apt-ftparchive passes bytes.
                iconv_windows_1252(their_value)
            } else {
                their_value.clone()
            };
            assert_eq!(
                String::from_utf8_lossy(our_value),
                String::from_utf8_lossy(&expected),
                "{package:?} {name}"
            );
            assert_eq!(our_value, &expected, "{package:?} {name}");
            compared += 1;
        }
    }
    let legacy = &theirs[&("legacy".to_owned(), "1.0".to_owned(), "all".to_owned())];
    assert!(
        std::str::from_utf8(&legacy["maintainer"].1).is_err(),
        "apt-ftparchive passes Latin-1 through"
    );
    eprintln!(
        "{compared} field values of {} packages equal apt-ftparchive's",
        theirs.len()
    );

    // Release: the same size and hashes for every index file.
    let dists = output.join("dists/stable");
    let our_release = parse_stanzas(&std::fs::read(dists.join("Release")).expect("Release"));
    let their_release = parse_stanzas(&run_in(&dists, "apt-ftparchive", &["release", "."]));
    for list in ["sha256", "sha512"] {
        let entries = |stanza: &Stanza| -> BTreeMap<String, (String, u64)> {
            String::from_utf8(stanza[list].1.clone())
                .expect("ASCII list")
                .lines()
                .filter_map(|line| {
                    let parts: Vec<&str> = line.split_whitespace().collect();
                    match parts.as_slice() {
                        [hash, size, path] => Some((
                            path.to_string(),
                            (hash.to_string(), size.parse().expect("a size")),
                        )),
                        _ => None,
                    }
                })
                // apt-ftparchive also lists the Release file it found in the directory.
                .filter(|(path, _)| path != "Release")
                .collect()
        };
        let ours = entries(&our_release[0]);
        assert_eq!(ours, entries(&their_release[0]), "{list}");
        assert_eq!(ours.len(), 6, "Packages, .gz and .xz for two architectures");
    }
}
