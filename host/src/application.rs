//! Loads spin.toml into something that can serve: variables resolved, components composed with
//! their dependencies, compiled (or loaded from the compile cache) and pre-instantiated, routes
//! ready to match, key-value stores open.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context};
use tokio::sync::Semaphore;
use wasmtime::component::Linker;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use crate::compile_cache::{CacheOutcome, CompileCache};
use crate::compose::{compose, Dependency};
use crate::key_value::KeyValueStores;
use crate::limits::ServerLimits;
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

/// Requests served at once, each with its own instance: the size of the pooling allocator.
/// Beyond it a request waits briefly for a slot, then gets 503 with `Retry-After`.
pub const MAX_CONCURRENT_INSTANCES: usize = 256;

pub struct Application {
    pub name: String,
    pub routes: RouteTable,
    pub components: HashMap<String, LoadedComponent>,
    pub key_value: Arc<KeyValueStores>,
    pub limits: ServerLimits,
    pub instance_slots: Arc<Semaphore>,
}

/// Where state lives and what bounds apply, from the command line and the runtime config file.
pub struct LoadSettings {
    pub state_dir: PathBuf,
    pub compile_cache: PathBuf,
    pub key_value_stores: BTreeMap<String, crate::runtime_config::KeyValueStoreConfig>,
    pub limits: ServerLimits,
}

/// Which components came from the compile cache and which were compiled, for the start line.
pub struct CompileReport {
    directory: PathBuf,
    outcomes: Vec<(String, CacheOutcome)>,
}

impl CompileReport {
    pub fn summary(&self) -> String {
        let loaded = self
            .outcomes
            .iter()
            .filter(|(_, outcome)| *outcome == CacheOutcome::Loaded)
            .count();
        let mut compiled = Vec::new();
        for (id, outcome) in &self.outcomes {
            if let CacheOutcome::Compiled { discarded, stored } = outcome {
                let mut note = Vec::new();
                if let Some(reason) = discarded {
                    note.push(format!("cache file discarded: {reason}"));
                }
                if let Err(reason) = stored {
                    note.push(format!("not cached: {reason}"));
                }
                compiled.push(if note.is_empty() {
                    id.clone()
                } else {
                    format!("{id} ({})", note.join("; "))
                });
            }
        }
        let mut line = format!(
            "Compile cache {}: {loaded} of {} components loaded",
            self.directory.display(),
            self.outcomes.len()
        );
        if !compiled.is_empty() {
            line.push_str(&format!(", compiled {}", compiled.join(", ")));
        }
        line
    }
}

impl Application {
    pub fn load(
        manifest_path: &Path,
        settings: LoadSettings,
    ) -> anyhow::Result<(Self, CompileReport)> {
        let LoadSettings {
            state_dir,
            compile_cache,
            key_value_stores,
            limits,
        } = settings;
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

        std::fs::create_dir_all(&state_dir)
            .with_context(|| format!("cannot create state directory {}", state_dir.display()))?;
        let key_value = KeyValueStores::open(&key_value_stores, &state_dir)?;

        let engine = engine(&limits)?;
        let cache = CompileCache::new(compile_cache);
        let mut report = CompileReport {
            directory: cache.directory().to_owned(),
            outcomes: Vec::new(),
        };
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
            for label in &declaration.key_value_stores {
                if key_value.get(label).is_none() {
                    return Err(anyhow!(
                        "component '{}' uses key-value store '{label}', which is not defined: only 'default' exists unless --runtime-config-file defines [key_value_store.{label}]",
                        route.component
                    ));
                }
            }
            let (loaded, outcome) = load_component(
                &engine,
                &linker,
                &cache,
                base,
                &route.component,
                declaration,
                &variables,
            )
            .with_context(|| format!("component '{}'", route.component))?;
            components.insert(route.component.clone(), loaded);
            report.outcomes.push((route.component.clone(), outcome));
        }
        cache.remove_unused();
        let application = Self {
            name: manifest.application.name,
            routes,
            components,
            key_value: Arc::new(key_value),
            limits,
            instance_slots: Arc::new(Semaphore::new(MAX_CONCURRENT_INSTANCES)),
        };
        Ok((application, report))
    }
}

/// Bytes of each memory and table reset in place rather than unmapped when an instance ends
/// (see [`engine`]); what an instance dirtied beyond them is unmapped as before.
const KEEP_RESIDENT: usize = 4 << 20;

fn engine(limits: &ServerLimits) -> anyhow::Result<Engine> {
    let mut pooling = PoolingAllocationConfig::default();
    // Each request is a composed component (the HTTP component plus its verifier, each with its
    // own memory and tables), so a slot per request needs several memories and core instances.
    // No single memory may be larger than what a whole request may use.
    let max_memory = usize::try_from(limits.max_instance_memory.min(4 << 30)).unwrap_or(4 << 30);
    pooling
        .total_component_instances(MAX_CONCURRENT_INSTANCES as u32)
        .total_core_instances(8 * MAX_CONCURRENT_INSTANCES as u32)
        .total_memories(4 * MAX_CONCURRENT_INSTANCES as u32)
        .total_tables(4 * MAX_CONCURRENT_INSTANCES as u32)
        .max_memory_size(max_memory.next_multiple_of(64 << 10));
    // An instance's memories and tables are reset when its request ends. By default that is
    // an madvise per memory, which on a multi-threaded host means TLB shoot-downs to every
    // core, and then a page fault for each page the next instance touches: together a third
    // of a request's CPU time. With PAGEMAP_SCAN (Linux ≥ 6.7) only the pages the instance
    // dirtied, up to the first KEEP_RESIDENT bytes, are reset in place with memset and stay
    // mapped for the next instance. Without it, memset would clear every kept byte, dirtied or
    // not, which costs more than the madvise: the default stays.
    if PoolingAllocationConfig::is_pagemap_scan_available() {
        pooling
            .pagemap_scan(wasmtime::Enabled::Yes)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT);
    }
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    // For `perf record`: wasmtime writes /tmp/perf-PID.map naming each compiled wasm function.
    if std::env::var_os("WHARF_PROFILE_PERFMAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("cannot start wasmtime")
}

fn load_component(
    engine: &Engine,
    linker: &Linker<RequestState>,
    cache: &CompileCache,
    base: &Path,
    id: &str,
    declaration: &ComponentDeclaration,
    variables: &ApplicationVariables,
) -> anyhow::Result<(LoadedComponent, CacheOutcome)> {
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
    let (component, outcome) = cache.load_or_compile(engine, &bytes)?;
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

    let loaded = LoadedComponent {
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
    };
    Ok((loaded, outcome))
}
