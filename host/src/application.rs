//! Loads spin.toml into something that can serve: variables resolved, components composed with
//! their dependencies, compiled and pre-instantiated, routes ready to match.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use crate::compose::{compose, Dependency};
use crate::key_value::KeyValueDatabase;
use crate::manifest::{ComponentDeclaration, FileMount, Manifest};
use crate::outbound::AllowedHosts;
use crate::request_state::{ComponentConfig, RequestState};
use crate::routes::RouteTable;
use crate::variables::ApplicationVariables;

/// A component ready to take requests.
pub struct LoadedComponent {
    pub pre: ProxyPre<RequestState>,
    pub config: Arc<ComponentConfig>,
    /// `files` mounts: (directory on this machine, path inside the component).
    pub mounts: Vec<(PathBuf, String)>,
    pub environment: Vec<(String, String)>,
}

pub struct Application {
    pub name: String,
    pub routes: RouteTable,
    pub components: HashMap<String, LoadedComponent>,
    pub key_value: KeyValueDatabase,
}

impl Application {
    pub fn load(manifest_path: &Path, state_dir: &Path) -> anyhow::Result<Self> {
        let manifest = Manifest::load(manifest_path)?;
        let base = manifest_path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let variables =
            ApplicationVariables::resolve(&manifest.variables, |name| std::env::var(name).ok())?;
        let routes = RouteTable::new(
            manifest
                .trigger
                .http
                .iter()
                .map(|trigger| (trigger.route.clone(), trigger.component.clone())),
        )?;

        std::fs::create_dir_all(state_dir)
            .with_context(|| format!("cannot create state directory {}", state_dir.display()))?;
        let key_value =
            KeyValueDatabase::open(&state_dir.join("key_value.db")).with_context(|| {
                format!("cannot open the key-value store in {}", state_dir.display())
            })?;

        let engine = engine()?;
        let mut linker = Linker::<RequestState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        crate::spin_interfaces::add_to_linker(&mut linker)?;

        // Spin instantiates only components that a trigger names; the others are dependencies.
        let mut components = HashMap::new();
        for route in routes.routes() {
            if components.contains_key(&route.component) {
                continue;
            }
            let declaration = &manifest.component[&route.component];
            let loaded = load_component(
                &engine,
                &linker,
                base,
                &route.component,
                declaration,
                &variables,
            )
            .with_context(|| format!("component '{}'", route.component))?;
            components.insert(route.component.clone(), loaded);
        }
        Ok(Self {
            name: manifest.application.name,
            routes,
            components,
            key_value,
        })
    }
}

fn engine() -> anyhow::Result<Engine> {
    let mut pooling = PoolingAllocationConfig::default();
    // Sized for a small registry: a few hundred concurrent requests, each a composed component
    // (the HTTP component plus its verifier, each with its own memory and table).
    pooling
        .total_component_instances(256)
        .total_core_instances(2048)
        .total_memories(1024)
        .total_tables(1024)
        .max_memory_size(512 << 20);
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("cannot start wasmtime")
}

fn load_component(
    engine: &Engine,
    linker: &Linker<RequestState>,
    base: &Path,
    id: &str,
    declaration: &ComponentDeclaration,
    variables: &ApplicationVariables,
) -> anyhow::Result<LoadedComponent> {
    let read = |relative: &str| {
        let path = base.join(relative);
        std::fs::read(&path).with_context(|| {
            format!(
                "cannot read {} (build the components first: make build)",
                path.display()
            )
        })
    };
    let mut bytes = read(&declaration.source)?;
    if !declaration.dependencies.is_empty() {
        let dependencies = declaration
            .dependencies
            .iter()
            .map(|(import, source)| {
                Ok(Dependency {
                    import: import.clone(),
                    bytes: read(&source.path)?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        bytes = compose(&bytes, dependencies).context("cannot compose its dependencies")?;
    }
    let component = Component::new(engine, &bytes)
        .map_err(anyhow::Error::from)
        .context("cannot compile it")?;
    let instance_pre = linker
        .instantiate_pre(&component)
        .map_err(anyhow::Error::from)
        .context(
            "it imports something wharf-host does not provide (wharf-host provides WASI 0.2, wasi:http, fermyon:spin/key-value@2.0.0 and fermyon:spin/variables@2.0.0)",
        )?;
    let pre = ProxyPre::new(instance_pre)
        .map_err(anyhow::Error::from)
        .context("it does not export wasi:http/incoming-handler")?;

    let component_variables = declaration
        .variables
        .iter()
        .map(|(name, template)| {
            variables
                .expand(template)
                .map(|value| (name.clone(), value))
                .with_context(|| format!("variable '{name}'"))
        })
        .collect::<anyhow::Result<BTreeMap<_, _>>>()?;
    let allowed_hosts = declaration
        .allowed_outbound_hosts
        .iter()
        .map(|template| variables.expand(template))
        .collect::<Result<Vec<_>, _>>()
        .context("allowed_outbound_hosts")?;
    let allowed_outbound_hosts = AllowedHosts::parse(allowed_hosts.iter().map(String::as_str))?;

    let mounts = declaration
        .files
        .iter()
        .map(|mount| match mount {
            FileMount::Directory {
                source,
                destination,
            } => {
                let directory = base.join(source);
                if !directory.is_dir() {
                    return Err(anyhow!("files: {} is not a directory", directory.display()));
                }
                Ok((directory, destination.clone()))
            }
            FileMount::Pattern(pattern) => Err(anyhow!("files: unsupported pattern {pattern}")),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    Ok(LoadedComponent {
        pre,
        config: Arc::new(ComponentConfig {
            id: id.to_owned(),
            variables: component_variables,
            key_value_stores: declaration.key_value_stores.clone(),
            allowed_outbound_hosts: Arc::new(allowed_outbound_hosts),
        }),
        mounts,
        environment: declaration
            .environment
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    })
}
