//! `DebPackage::read` against packages built by the real `dpkg-deb`, and against broken ones.

mod support;

use std::fs::{self, File};

use debian::{ControlParagraph, DebError, DebPackage};
use support::{ar_member, ar_names, control_tar_gz, tool_digest, write_ar, DebSpec};

#[test]
fn reads_each_control_compression_dpkg_deb_writes() {
    let dir = tempfile::tempdir().unwrap();
    for (compression, member) in [
        ("gzip", "control.tar.gz"),
        ("xz", "control.tar.xz"),
        ("zstd", "control.tar.zst"),
        ("none", "control.tar"),
    ] {
        let spec = DebSpec {
            compression,
            extra_control: "Depends: libc6 (>= 2.34), adduser\nX-Custom: kept\n",
            ..DebSpec::default()
        };
        let deb = spec.build(dir.path());
        assert!(
            ar_names(&deb).contains(&member.to_owned()),
            "{compression}: {:?}",
            ar_names(&deb)
        );

        let package = DebPackage::read(File::open(&deb).unwrap()).unwrap();
        assert_eq!(package.name(), "hello");
        assert_eq!(package.version().as_str(), "1.0-1");
        assert_eq!(package.architecture(), "amd64");
        let control = package.control();
        assert_eq!(control.get("Depends"), Some("libc6 (>= 2.34), adduser"));
        assert_eq!(control.get("x-custom"), Some("kept"));
        assert_eq!(
            control.get("Description"),
            Some("test package\n A longer description\n .\n with a paragraph break.")
        );
        // dpkg-deb stores the control file as written: same fields, order and values.
        let written = ControlParagraph::parse(&spec.control_text()).unwrap();
        assert_eq!(control, &written, "{compression}");
        assert_eq!(control.to_string(), spec.control_text());
    }
}

#[test]
fn a_latin1_control_file_is_read_as_windows_1252_like_iconv_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    // What an old packaging script writes: Latin-1 (é, ü, ©) and Windows-1252 quotes.
    let raw: &[u8] = b"Package: legacy\nVersion: 1.0\nArchitecture: all\nMaintainer: Jos\xe9 M\xfcller <jose@example.org>\nDescription: caf\xe9 \x93tool\x94 \xa9 2009\n Gr\xfc\xdfe aus K\xf6ln.\n";
    let deb = DebSpec {
        name: "legacy",
        raw_control: Some(raw),
        ..DebSpec::default()
    }
    .build(dir.path());
    // dpkg-deb itself accepts and stores the bytes as they are.
    assert_eq!(
        support::run(
            "dpkg-deb",
            &["--field", deb.to_str().unwrap(), "Maintainer"]
        ),
        b"Jos\xe9 M\xfcller <jose@example.org>\n"
    );
    let package = DebPackage::read(File::open(&deb).unwrap()).unwrap();
    assert!(package.control_was_transcoded());
    let expected = String::from_utf8(support::run_with_input(
        "iconv",
        &["-f", "WINDOWS-1252", "-t", "UTF-8"],
        raw,
    ))
    .unwrap();
    assert_eq!(
        package.control(),
        &ControlParagraph::parse(&expected).unwrap()
    );
    assert_eq!(
        package.control().get("Maintainer"),
        Some("José Müller <jose@example.org>")
    );

    let utf8 = DebPackage::read(File::open(DebSpec::default().build(dir.path())).unwrap()).unwrap();
    assert!(!utf8.control_was_transcoded());
}

#[test]
fn digests_match_coreutils_for_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    for compression in ["gzip", "xz", "zstd", "none"] {
        let deb = DebSpec {
            compression,
            ..DebSpec::default()
        }
        .build(dir.path());
        let package = DebPackage::read(File::open(&deb).unwrap()).unwrap();
        assert_eq!(package.size(), fs::metadata(&deb).unwrap().len());
        assert_eq!(package.md5(), tool_digest("md5sum", &deb));
        assert_eq!(package.sha1(), tool_digest("sha1sum", &deb));
        assert_eq!(package.sha256(), tool_digest("sha256sum", &deb));
        assert_eq!(package.sha512(), tool_digest("sha512sum", &deb));
    }
}

#[test]
fn a_large_data_member_is_streamed_and_hashed_whole() {
    let dir = tempfile::tempdir().unwrap();
    // 24 MiB that compress poorly, so the data member is really that large.
    let mut state = 0x1234_5678_u32;
    let noise: Vec<u8> = (0..24 * 1024 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let deb = DebSpec {
        compression: "none",
        files: &[("opt/blob.bin", &noise)],
        ..DebSpec::default()
    }
    .build(dir.path());
    drop(noise);
    let size = fs::metadata(&deb).unwrap().len();
    assert!(size > 24 * 1024 * 1024);
    let package = DebPackage::read(File::open(&deb).unwrap()).unwrap();
    assert_eq!(package.size(), size);
    assert_eq!(package.sha256(), tool_digest("sha256sum", &deb));
}

#[test]
fn truncated_files_are_reported_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let deb = DebSpec::default().build(dir.path());
    let bytes = fs::read(&deb).unwrap();
    // Inside: the signature, the first header, debian-binary's body, the control member's
    // header, the control tarball, the data tarball.
    for cut in [4, 30, 70, 100, 200, bytes.len() / 2, bytes.len() - 1] {
        let err = DebPackage::read(&bytes[..cut]).unwrap_err();
        assert!(
            matches!(err, DebError::Truncated { .. }),
            "cut at {cut}: {err}"
        );
    }
    let err = DebPackage::read(&bytes[..bytes.len() - 1]).unwrap_err();
    assert!(err.to_string().contains("data.tar"), "{err}");
}

#[test]
fn corrupt_control_tarballs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    for (compression, member) in [
        ("gzip", "control.tar.gz"),
        ("xz", "control.tar.xz"),
        ("zstd", "control.tar.zst"),
    ] {
        let deb = DebSpec {
            compression,
            ..DebSpec::default()
        }
        .build(dir.path());
        let control = ar_member(&deb, member);
        let mut broken = control.clone();
        let middle = broken.len() / 2;
        for byte in &mut broken[middle..middle + 8] {
            *byte ^= 0x5a;
        }
        let data = ar_member(&deb, &ar_names(&deb)[2]);
        let bytes = write_ar(&[
            ("debian-binary", b"2.0\n"),
            (member, &broken),
            ("data.tar.xz", &data),
        ]);
        let err = DebPackage::read(&bytes[..]).unwrap_err();
        assert!(
            matches!(&err, DebError::CorruptControlTarball { member: m, .. } if m == member),
            "{compression}: {err}"
        );
    }
}

#[test]
fn wrong_or_missing_debian_binary_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let deb = DebSpec::default().build(dir.path());
    let bytes = fs::read(&deb).unwrap();
    // deb(5) layout: signature (8), header (60), then debian-binary's 4 bytes.
    assert_eq!(&bytes[68..72], b"2.0\n");

    let mut version_3 = bytes.clone();
    version_3[68] = b'3';
    let err = DebPackage::read(&version_3[..]).unwrap_err();
    assert!(
        matches!(&err, DebError::UnsupportedFormatVersion { found } if found == "3.0"),
        "{err}"
    );

    let mut renamed = bytes.clone();
    assert_eq!(&renamed[8..21], b"debian-binary");
    renamed[20] = b'x';
    let err = DebPackage::read(&renamed[..]).unwrap_err();
    assert!(matches!(err, DebError::MissingDebianBinary { .. }), "{err}");
    assert!(err.to_string().contains("debian-binarx"));

    let err = DebPackage::read(&b"!<arch>\n"[..]).unwrap_err();
    assert!(matches!(err, DebError::MissingDebianBinary { .. }), "{err}");
}

#[test]
fn missing_members_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let deb = DebSpec::default().build(dir.path());
    let control = ar_member(&deb, "control.tar.gz");
    let data_name = ar_names(&deb)[2].clone();
    let data = ar_member(&deb, &data_name);

    let no_control = write_ar(&[("debian-binary", b"2.0\n"), (&data_name, &data)]);
    assert!(matches!(
        DebPackage::read(&no_control[..]),
        Err(DebError::MissingControlMember)
    ));

    let no_data = write_ar(&[("debian-binary", b"2.0\n"), ("control.tar.gz", &control)]);
    assert!(matches!(
        DebPackage::read(&no_data[..]),
        Err(DebError::MissingDataMember)
    ));

    let bzip2 = write_ar(&[
        ("debian-binary", b"2.0\n"),
        ("control.tar.bz2", &control),
        (&data_name, &data),
    ]);
    assert!(matches!(
        DebPackage::read(&bzip2[..]),
        Err(DebError::UnsupportedControlCompression { .. })
    ));

    let twice = write_ar(&[
        ("debian-binary", b"2.0\n"),
        ("control.tar.gz", &control),
        ("control.tar.gz", &control),
        (&data_name, &data),
    ]);
    assert!(matches!(
        DebPackage::read(&twice[..]),
        Err(DebError::DuplicateControlMember { .. })
    ));

    // Unknown members are skipped, as deb(5) asks of readers.
    let extra = write_ar(&[
        ("debian-binary", b"2.0\n"),
        ("_extra", b"odd"),
        ("control.tar.gz", &control),
        (&data_name, &data),
    ]);
    assert_eq!(DebPackage::read(&extra[..]).unwrap().name(), "hello");
}

#[test]
fn control_files_without_required_fields_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let deb = DebSpec::default().build(dir.path());
    let data_name = ar_names(&deb)[2].clone();
    let data = ar_member(&deb, &data_name);
    for (text, field) in [
        ("Version: 1\nArchitecture: all\n", "Package"),
        ("Package: hello\nArchitecture: all\n", "Version"),
        ("Package: hello\nVersion: 1\n", "Architecture"),
    ] {
        let control = control_tar_gz(dir.path(), text);
        let bytes = write_ar(&[
            ("debian-binary", b"2.0\n"),
            ("control.tar.gz", &control),
            (&data_name, &data),
        ]);
        let err = DebPackage::read(&bytes[..]).unwrap_err();
        assert!(
            matches!(err, DebError::MissingField { field: f } if f == field),
            "{text}: {err}"
        );
        assert_eq!(
            err.to_string(),
            format!("the control file has no `{field}` field")
        );
    }

    let control = control_tar_gz(dir.path(), "Package: hello\nno colon\n");
    let bytes = write_ar(&[
        ("debian-binary", b"2.0\n"),
        ("control.tar.gz", &control),
        (&data_name, &data),
    ]);
    let err = DebPackage::read(&bytes[..]).unwrap_err();
    assert!(matches!(err, DebError::Control(_)), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn other_files_are_not_debs() {
    assert!(matches!(
        DebPackage::read(&b"\x1f\x8b\x08\x00 a gzip file, not an ar archive"[..]),
        Err(DebError::NotArArchive)
    ));
}
