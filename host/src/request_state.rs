//! What one request's `Store` holds: WASI and wasi:http contexts, the component's Spin
//! configuration (variables, key-value stores, outbound allow-list) and its memory limit.

use std::collections::BTreeMap;
use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::key_value::KeyValueStores;
use crate::memory_limit::InstanceMemoryLimit;
use crate::outbound::AllowedHosts;
use crate::outbound_requests::OutboundPolicy;

/// A component's configuration after templates were resolved; shared by all its requests.
pub struct ComponentConfig {
    pub id: String,
    pub variables: BTreeMap<String, String>,
    pub key_value_stores: Vec<String>,
    pub allowed_outbound_hosts: Arc<AllowedHosts>,
}

pub struct RequestState {
    pub table: ResourceTable,
    pub wasi: WasiCtx,
    pub http: WasiHttpCtx,
    pub outbound: OutboundPolicy,
    pub component: Arc<ComponentConfig>,
    pub key_value: Arc<KeyValueStores>,
    pub memory: InstanceMemoryLimit,
}

impl WasiView for RequestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for RequestState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.outbound,
        }
    }
}
