//! `[component.X.dependencies]`: plugs each dependency's exports into the imports of the
//! component that names it, the way Spin composes them (with wac), producing one component.

use anyhow::{anyhow, Context};
use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeOptions};

/// One `"wharf:auth/verifier" = { path = "…" }` entry, with the dependency's bytes.
pub struct Dependency {
    /// The import it satisfies: `ns:pkg/interface`, optionally `@version`, or a package `ns:pkg`.
    pub import: String,
    pub bytes: Vec<u8>,
}

/// Whether the manifest's dependency name `wanted` names the component import `import`
/// (`wharf:auth/verifier` names `wharf:auth/verifier@0.1.0`; `wharf:auth` names every interface
/// of that package).
fn names_import(wanted: &str, import: &str) -> bool {
    let unversioned = import.split('@').next().unwrap_or(import);
    if wanted == import || wanted == unversioned {
        return true;
    }
    !wanted.contains('/')
        && unversioned
            .split_once('/')
            .is_some_and(|(package, _)| package == wanted.split('@').next().unwrap_or(wanted))
}

/// Returns the composed component: `socket` with every named import wired to its dependency.
pub fn compose(socket: &[u8], dependencies: Vec<Dependency>) -> anyhow::Result<Vec<u8>> {
    let mut graph = CompositionGraph::new();
    let socket_package = Package::from_bytes("wharf-host:socket", None, socket, graph.types_mut())
        .context("the component is not a valid component")?;
    let socket_package = graph.register_package(socket_package)?;
    let socket_instance = graph.instantiate(socket_package);
    let socket_imports: Vec<String> = graph.types()[graph[socket_package].ty()]
        .imports
        .keys()
        .cloned()
        .collect();

    for (index, dependency) in dependencies.into_iter().enumerate() {
        let package = Package::from_bytes(
            &format!("wharf-host:dependency{index}"),
            None,
            dependency.bytes,
            graph.types_mut(),
        )
        .with_context(|| {
            format!(
                "dependency '{}' is not a valid component",
                dependency.import
            )
        })?;
        let package = graph.register_package(package)?;
        let exports: Vec<String> = graph.types()[graph[package].ty()]
            .exports
            .keys()
            .cloned()
            .collect();
        let wired: Vec<&String> = socket_imports
            .iter()
            .filter(|import| names_import(&dependency.import, import))
            .collect();
        if wired.is_empty() {
            return Err(anyhow!(
                "dependency '{}' matches no import of the component (it imports: {})",
                dependency.import,
                socket_imports.join(", ")
            ));
        }
        let instance = graph.instantiate(package);
        for import in wired {
            if !exports.contains(import) {
                return Err(anyhow!(
                    "dependency '{}' does not export '{import}' (it exports: {})",
                    dependency.import,
                    exports.join(", ")
                ));
            }
            let export = graph.alias_instance_export(instance, import)?;
            graph
                .set_instantiation_argument(socket_instance, import, export)
                .with_context(|| format!("cannot plug '{import}' into the component"))?;
        }
    }

    let socket_exports: Vec<String> = graph.types()[graph[socket_package].ty()]
        .exports
        .keys()
        .cloned()
        .collect();
    for name in socket_exports {
        let export = graph.alias_instance_export(socket_instance, &name)?;
        graph.export(export, &name)?;
    }
    // Not validated here: wasmtime validates the composed component when it compiles it, and
    // a warm start reuses a compilation of these exact bytes (the cache key is their hash), so
    // validating again would only cost every start most of its time.
    Ok(graph.encode(EncodeOptions {
        validate: false,
        ..EncodeOptions::default()
    })?)
}

#[cfg(test)]
mod tests {
    use super::names_import;

    #[test]
    fn dependency_names_match_imports_with_or_without_version() {
        let import = "wharf:auth/verifier@0.1.0";
        assert!(names_import("wharf:auth/verifier", import));
        assert!(names_import("wharf:auth/verifier@0.1.0", import));
        assert!(names_import("wharf:auth", import));
        assert!(!names_import("wharf:auth/other", import));
        assert!(!names_import("wharf:authx", import));
        assert!(!names_import("wasi:http/types", import));
    }
}
