//! Where a package file lives in a repository's `pool/`, laid out as Debian lays it out.

use crate::deb_package::DebPackage;

/// `pool/<component>/<prefix>/<source>/<name>_<version>_<arch>.deb`, the layout of Debian's
/// archive: `prefix` is the source name's first letter, or `lib` and the next letter for
/// libraries (`pool/main/libf/libfoo/libfoo1_1.0-1_amd64.deb`). The file name is dpkg's,
/// without the epoch, so the path holds no `:`; `component` must be a plain path word.
pub fn pool_path(component: &str, package: &DebPackage) -> String {
    let source = package.source_name();
    // Package names are ASCII (checked when the package was read), so byte slicing is safe.
    let prefix = if source.starts_with("lib") && source.len() > 3 {
        &source[..4]
    } else {
        &source[..1]
    };
    format!(
        "pool/{component}/{prefix}/{source}/{}",
        package.canonical_file_name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ControlParagraph, FileDigests};

    fn package(control: &str) -> DebPackage {
        DebPackage::from_parts(
            ControlParagraph::parse(control).unwrap(),
            FileDigests::of(b"deb"),
        )
        .unwrap()
    }

    #[test]
    fn follows_debian_s_pool_layout() {
        assert_eq!(
            pool_path(
                "main",
                &package("Package: hello\nVersion: 1:2.10-3\nArchitecture: amd64\n")
            ),
            "pool/main/h/hello/hello_2.10-3_amd64.deb"
        );
        assert_eq!(
            pool_path(
                "contrib",
                &package("Package: libfoo1\nVersion: 1.0~rc1+b1\nArchitecture: arm64\nSource: foo (1.0~rc1)\n")
            ),
            "pool/contrib/f/foo/libfoo1_1.0~rc1+b1_arm64.deb"
        );
        assert_eq!(
            pool_path(
                "main",
                &package("Package: libbar-dev\nVersion: 3\nArchitecture: all\n")
            ),
            "pool/main/libb/libbar-dev/libbar-dev_3_all.deb"
        );
        assert_eq!(
            pool_path(
                "main",
                &package("Package: lib\nVersion: 3\nArchitecture: all\n")
            ),
            "pool/main/l/lib/lib_3_all.deb"
        );
    }
}
