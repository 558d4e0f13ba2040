//! wharf's own spin.toml, with the files origin pointed at another registry directory: tests
//! publish into a fresh directory with `wharf apt index` and serve exactly that.

use std::path::{Path, PathBuf};

use crate::paths::repository_root;
use crate::wharf_host::wharf_manifest;

/// Writes `spin.toml` beside `registry` (which holds `apt/…` and/or `terraform/…`) with every
/// component's `files` mount serving it and every other path made absolute; returns its path.
/// Beside, because Spin maps only files inside the application's directory.
pub fn manifest_serving(registry: &Path) -> PathBuf {
    let directory = registry
        .parent()
        .expect("the registry directory has a parent");
    let mounted = registry
        .file_name()
        .and_then(|name| name.to_str())
        .expect("the registry directory has a UTF-8 name");
    let text = std::fs::read_to_string(wharf_manifest()).expect("read spin.toml");
    let mut manifest: toml::Table = text.parse().expect("spin.toml is TOML");
    let root = repository_root();
    let absolute = |value: &mut toml::Value| {
        if let Some(relative) = value.as_str() {
            *value = toml::Value::String(root.join(relative).display().to_string());
        }
    };
    let components = manifest
        .get_mut("component")
        .and_then(toml::Value::as_table_mut)
        .expect("spin.toml has components");
    for (_, component) in components.iter_mut() {
        let component = component.as_table_mut().expect("a component is a table");
        if let Some(source) = component.get_mut("source") {
            absolute(source);
        }
        if let Some(dependencies) = component
            .get_mut("dependencies")
            .and_then(toml::Value::as_table_mut)
        {
            for (_, dependency) in dependencies.iter_mut() {
                if let Some(path) = dependency.get_mut("path") {
                    absolute(path);
                }
            }
        }
        if let Some(files) = component
            .get_mut("files")
            .and_then(toml::Value::as_array_mut)
        {
            for mount in files.iter_mut() {
                if let Some(source) = mount.get_mut("source") {
                    *source = toml::Value::String(mounted.to_owned());
                }
            }
        }
    }
    let path = directory.join("spin.toml");
    std::fs::write(&path, toml::to_string(&manifest).expect("write TOML")).expect("spin.toml");
    path
}
