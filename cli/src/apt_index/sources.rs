use std::path::PathBuf;

use anyhow::{bail, Context};
use github::Repository;

/// Where packages come from, and which APT component they go into.
#[derive(Debug, Clone)]
pub enum PackageSource {
    /// Every `.deb` asset of every (non-draft) release of a GitHub repository.
    GitHub {
        repository: Repository,
        component: String,
    },
    /// Every `.deb` in a directory (air-gapped use); copied into the output's `pool/`.
    Directory { path: PathBuf, component: String },
}

fn split_component(spec: &str) -> (&str, String) {
    match spec.rsplit_once('@') {
        Some((what, component)) if !component.is_empty() => (what, component.to_owned()),
        _ => (spec, "main".to_owned()),
    }
}

fn check_component(component: &str) -> anyhow::Result<()> {
    if component.is_empty()
        || !component
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        bail!("component '{component}' may hold only letters, digits, '-', '_' and '.'");
    }
    Ok(())
}

impl PackageSource {
    /// `owner/repo` or `owner/repo@component`.
    pub fn github(spec: &str) -> anyhow::Result<Self> {
        let (slug, component) = split_component(spec);
        check_component(&component)?;
        let repository = Repository::parse(slug)
            .with_context(|| format!("--from-github '{spec}' is not owner/repo[@component]"))?;
        Ok(PackageSource::GitHub {
            repository,
            component,
        })
    }

    /// `DIR` or `DIR@component`.
    pub fn directory(spec: &str) -> anyhow::Result<Self> {
        let (path, component) = split_component(spec);
        check_component(&component)?;
        if component == "github" {
            // pool/github/… paths name GitHub Release assets (see components/apt-packages).
            bail!("--from-dir '{spec}': component 'github' is reserved for packages from --from-github; choose another");
        }
        let path = PathBuf::from(path);
        if !path.is_dir() {
            bail!("--from-dir '{}' is not a directory", path.display());
        }
        Ok(PackageSource::Directory { path, component })
    }

    pub fn component(&self) -> &str {
        match self {
            PackageSource::GitHub { component, .. }
            | PackageSource::Directory { component, .. } => component,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_defaults_to_main() {
        let source = PackageSource::github("acme/tools").unwrap();
        assert_eq!(source.component(), "main");
        let source = PackageSource::github("acme/tools@contrib").unwrap();
        assert_eq!(source.component(), "contrib");
    }

    #[test]
    fn bad_specs_are_refused_with_the_flag_name() {
        let error = PackageSource::github("not-a-slug").unwrap_err();
        assert!(format!("{error:#}").contains("--from-github"), "{error:#}");
        assert!(PackageSource::github("acme/tools@bad/component").is_err());
        let error = PackageSource::directory("/nonexistent/debs").unwrap_err();
        assert!(error.to_string().contains("--from-dir"), "{error}");
        let error = PackageSource::directory("/tmp@github").unwrap_err();
        assert!(error.to_string().contains("reserved"), "{error}");
    }
}
