//! `gzip` and `xz` output read back by the system's own `gzip -dc` and `xz -dc`.

mod support;

use support::{run_with_input, DebSpec};

fn packages_like_text() -> Vec<u8> {
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!(
            "Package: package-{i}\nVersion: 1.{i}-1\nArchitecture: amd64\nSize: {}\nDescription: number {i}\n\n",
            i * 37
        ));
    }
    text.into_bytes()
}

#[test]
fn system_gzip_reads_our_gzip() {
    for data in [packages_like_text(), Vec::new(), b"x".to_vec()] {
        let packed = debian::gzip(&data);
        assert_eq!(run_with_input("gzip", &["-dc"], &packed), data);
        run_with_input("gzip", &["-t"], &packed);
    }
}

#[test]
fn system_xz_reads_our_xz() {
    for data in [packages_like_text(), Vec::new(), b"x".to_vec()] {
        let packed = debian::xz(&data).unwrap();
        assert_eq!(run_with_input("xz", &["-dc"], &packed), data);
        run_with_input("xz", &["-t"], &packed);
    }
}

#[test]
fn compressed_indexes_are_smaller_than_the_text() {
    let data = packages_like_text();
    assert!(debian::gzip(&data).len() * 5 < data.len());
    assert!(debian::xz(&data).unwrap().len() * 5 < data.len());
}

#[test]
fn binary_data_round_trips_through_the_system_tools() {
    // A real .deb is a good incompressible-ish sample.
    let dir = tempfile::tempdir().unwrap();
    let deb = std::fs::read(DebSpec::default().build(dir.path())).unwrap();
    assert_eq!(run_with_input("gzip", &["-dc"], &debian::gzip(&deb)), deb);
    assert_eq!(
        run_with_input("xz", &["-dc"], &debian::xz(&deb).unwrap()),
        deb
    );
}
