//! Character-level rules shared by several formats (field names, package and architecture
//! names, path-like tokens). Each returns the reason a value is refused, for error messages.

/// deb822 field names: printable US-ASCII without spaces or colons, not starting with `#` or
/// `-` (those would read back as a comment or as a PGP armor line).
pub(crate) fn check_field_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("a field name must not be empty");
    }
    if name.starts_with(['#', '-']) {
        return Err("a field name must not start with `#` or `-`");
    }
    if !name
        .bytes()
        .all(|b| (b'!'..=b'~').contains(&b) && b != b':')
    {
        return Err("a field name may only hold printable ASCII without spaces or colons");
    }
    Ok(())
}

/// Debian Policy 5.6.1: at least two characters, lowercase letters, digits, `+`, `-`, `.`,
/// starting with a letter or digit. dpkg-deb enforces the same when building.
pub(crate) fn check_package_name(name: &str) -> Result<(), &'static str> {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if name.len() < 2 || !first_ok {
        return Err("a package name needs two or more characters, starting with a-z or 0-9");
    }
    if !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b)) {
        return Err("a package name may only hold a-z, 0-9, `+`, `-` and `.`");
    }
    Ok(())
}

/// Architecture names as dpkg spells them (`amd64`, `arm64`, `all`, `musl-linux-arm64`).
pub(crate) fn check_architecture(arch: &str) -> Result<(), &'static str> {
    if arch.is_empty()
        || !arch
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("an architecture is one word of a-z, 0-9 and `-`");
    }
    Ok(())
}

/// Suite, codename and component names end up as directory names under `dists/`.
pub(crate) fn check_path_word(word: &str) -> Result<(), &'static str> {
    if word.is_empty() || word == "." || word == ".." {
        return Err("must be a non-empty name other than `.` or `..`");
    }
    if !word
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
    {
        return Err("may only hold ASCII letters, digits, `.`, `_`, `-` and `+`");
    }
    Ok(())
}

/// Relative file paths written into `Packages` (`Filename`) and `Release` checksum lists:
/// one whitespace-free line, relative, never climbing out with `..`.
pub(crate) fn check_relative_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') {
        return Err("the path must be relative");
    }
    if path
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err("the path must not contain whitespace or control characters");
    }
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err("the path must not contain empty, `.` or `..` segments");
    }
    Ok(())
}

/// A package's `Filename`: a relative path (see [`check_relative_path`]) whose segments hold
/// only characters that pass unchanged through apt's URL quoting, HTTP servers, caches and
/// file systems: ASCII letters and digits and `-._~+@=,`. In particular no `:` (an epoch
/// belongs in `Version`, never in a file name), `%`, `?` or `#`.
pub(crate) fn check_pool_filename(path: &str) -> Result<(), &'static str> {
    check_relative_path(path)?;
    if path.contains(':') {
        return Err("a package file name must not contain `:` (leave the epoch out, as dpkg does)");
    }
    if !path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/-._~+@=,".contains(&b))
    {
        return Err("a package path may only hold ASCII letters, digits, `/` and `-._~+@=,`");
    }
    Ok(())
}

/// Single-line free text (Origin, Label, Description): no line breaks, no edge whitespace,
/// because either would change the deb822 text when read back.
pub(crate) fn check_single_line(text: &str) -> Result<(), &'static str> {
    if text.contains(['\n', '\r']) {
        return Err("must be a single line");
    }
    if text.trim() != text {
        return Err("must not start or end with whitespace");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        assert!(check_field_name("Package").is_ok());
        assert!(check_field_name("X-Custom_Field.1").is_ok());
        assert!(check_field_name("").is_err());
        assert!(check_field_name("#Package").is_err());
        assert!(check_field_name("-----BEGIN").is_err());
        assert!(check_field_name("Pack age").is_err());
        assert!(check_field_name("Pack:age").is_err());
        assert!(check_field_name("Packäge").is_err());
    }

    #[test]
    fn package_names_follow_policy() {
        for ok in ["hello", "g++", "libc6.1-dev", "0ad"] {
            assert!(check_package_name(ok).is_ok(), "{ok}");
        }
        for bad in ["h", "Hello", "-hello", "hel_lo", "hel lo", ""] {
            assert!(check_package_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn architectures() {
        assert!(check_architecture("amd64").is_ok());
        assert!(check_architecture("musl-linux-arm64").is_ok());
        assert!(check_architecture("").is_err());
        assert!(check_architecture("amd64 arm64").is_err());
        assert!(check_architecture("AMD64").is_err());
    }

    #[test]
    fn relative_paths() {
        assert!(check_relative_path("pool/main/h/hello_1.0_amd64.deb").is_ok());
        for bad in ["", "/abs", "a//b", "a/../b", "./a", "a b", "a\nb", "a/"] {
            assert!(check_relative_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pool_filenames() {
        for ok in [
            "pool/main/h/hello/hello_2.0~rc1+b1-1_amd64.deb",
            "pool/github/acme/tools/v1.0.0/tool_1.0_all.deb",
            "pool/github/a/b/release@2024=1,x/t.deb",
        ] {
            assert!(check_pool_filename(ok).is_ok(), "{ok}");
        }
        for bad in [
            "pool/main/h/hello/hello_1:2.0_amd64.deb",
            "pool/x/a%3a.deb",
            "pool/x/a?.deb",
            "pool/x/a#b.deb",
            "pool/x/caf\u{e9}.deb",
            "pool/x/a b.deb",
            "pool/../x.deb",
        ] {
            assert!(check_pool_filename(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn path_words_and_single_lines() {
        assert!(check_path_word("stable").is_ok());
        assert!(check_path_word("..").is_err());
        assert!(check_path_word("a/b").is_err());
        assert!(check_single_line("My repo").is_ok());
        assert!(check_single_line("two\nlines").is_err());
        assert!(check_single_line(" padded").is_err());
    }
}
