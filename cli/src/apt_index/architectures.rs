//! Which `binary-<arch>` indexes a suite gets.

/// With only `Architecture: all` packages (or none) and no `--architectures`: the release
/// architectures of Debian 12 and 13 and of Ubuntu, so every usual apt client finds its index.
pub const DEFAULT_ARCHITECTURES: [&str; 10] = [
    "amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "riscv64", "s390x",
];

#[derive(Debug, PartialEq, Eq)]
pub struct ArchitectureChoice {
    pub architectures: Vec<String>,
    /// Set when the default set was used, to tell the user.
    pub warning: Option<String>,
}

/// `--architectures` when given; otherwise every architecture the packages name; otherwise
/// (only `all` packages, or none) [`DEFAULT_ARCHITECTURES`], with a warning.
pub fn choose<'a>(
    given: &[String],
    package_architectures: impl IntoIterator<Item = &'a str>,
) -> ArchitectureChoice {
    let mut architectures: Vec<String> = if given.is_empty() {
        package_architectures
            .into_iter()
            .filter(|architecture| *architecture != "all")
            .map(str::to_owned)
            .collect()
    } else {
        given.to_vec()
    };
    architectures.sort();
    architectures.dedup();
    if !architectures.is_empty() {
        return ArchitectureChoice {
            architectures,
            warning: None,
        };
    }
    ArchitectureChoice {
        architectures: DEFAULT_ARCHITECTURES.map(str::to_owned).to_vec(),
        warning: Some(format!(
            "every package is `Architecture: all`, so the suite lists the default architectures ({}); pass --architectures to choose them",
            DEFAULT_ARCHITECTURES.join(" ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_architectures_win() {
        let choice = choose(
            &["arm64".into(), "amd64".into(), "arm64".into()],
            ["riscv64"],
        );
        assert_eq!(choice.architectures, ["amd64", "arm64"]);
        assert_eq!(choice.warning, None);
    }

    #[test]
    fn otherwise_the_packages_name_them() {
        let choice = choose(&[], ["arm64", "all", "amd64", "arm64"]);
        assert_eq!(choice.architectures, ["amd64", "arm64"]);
        assert_eq!(choice.warning, None);
    }

    #[test]
    fn only_all_packages_get_the_default_set_and_a_warning() {
        for packages in [vec!["all", "all"], vec![]] {
            let choice = choose(&[], packages);
            for required in [
                "amd64", "arm64", "armhf", "i386", "ppc64el", "s390x", "riscv64",
            ] {
                assert!(
                    choice.architectures.iter().any(|a| a == required),
                    "{required}"
                );
            }
            assert!(choice.warning.unwrap().contains("--architectures"));
        }
    }
}
