//! Host side of `fermyon:spin/key-value@2.0.0` and `fermyon:spin/variables@2.0.0`, the Spin
//! interfaces that spin-sdk 5.2 components import.

use wasmtime::component::{HasSelf, Linker, Resource};

pub use crate::key_value::KeyValueStoreHandle;
use crate::request_state::RequestState;

wasmtime::component::bindgen!({
    path: "wit",
    world: "spin-imports",
    imports: { default: trappable },
    with: {
        "fermyon:spin/key-value.store": KeyValueStoreHandle,
    },
});

use fermyon::spin::key_value;
use fermyon::spin::variables;

pub fn add_to_linker(linker: &mut Linker<RequestState>) -> wasmtime::Result<()> {
    key_value::add_to_linker::<RequestState, HasSelf<RequestState>>(linker, |state| state)?;
    variables::add_to_linker::<RequestState, HasSelf<RequestState>>(linker, |state| state)?;
    Ok(())
}

impl key_value::Host for RequestState {}

impl key_value::HostStore for RequestState {
    fn open(
        &mut self,
        label: String,
    ) -> wasmtime::Result<Result<Resource<KeyValueStoreHandle>, key_value::Error>> {
        if !self.component.key_value_stores.contains(&label) {
            return Ok(Err(key_value::Error::AccessDenied));
        }
        // Like Spin without a runtime config: only the "default" store exists.
        if label != "default" {
            return Ok(Err(key_value::Error::NoSuchStore));
        }
        let handle = self.key_value.store(&label);
        Ok(Ok(self.table.push(handle)?))
    }

    fn get(
        &mut self,
        store: Resource<KeyValueStoreHandle>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, key_value::Error>> {
        Ok(self.table.get(&store)?.get(&key).map_err(other))
    }

    fn set(
        &mut self,
        store: Resource<KeyValueStoreHandle>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), key_value::Error>> {
        Ok(self.table.get(&store)?.set(&key, &value).map_err(other))
    }

    fn delete(
        &mut self,
        store: Resource<KeyValueStoreHandle>,
        key: String,
    ) -> wasmtime::Result<Result<(), key_value::Error>> {
        Ok(self.table.get(&store)?.delete(&key).map_err(other))
    }

    fn exists(
        &mut self,
        store: Resource<KeyValueStoreHandle>,
        key: String,
    ) -> wasmtime::Result<Result<bool, key_value::Error>> {
        Ok(self.table.get(&store)?.exists(&key).map_err(other))
    }

    fn get_keys(
        &mut self,
        store: Resource<KeyValueStoreHandle>,
    ) -> wasmtime::Result<Result<Vec<String>, key_value::Error>> {
        Ok(self.table.get(&store)?.keys().map_err(other))
    }

    fn drop(&mut self, store: Resource<KeyValueStoreHandle>) -> wasmtime::Result<()> {
        self.table.delete(store)?;
        Ok(())
    }
}

fn other(error: rusqlite::Error) -> key_value::Error {
    key_value::Error::Other(format!("key-value store: {error}"))
}

impl variables::Host for RequestState {
    fn get(&mut self, name: String) -> wasmtime::Result<Result<String, variables::Error>> {
        if !crate::manifest::is_valid_variable_name(&name) {
            return Ok(Err(variables::Error::InvalidName(name)));
        }
        Ok(self
            .component
            .variables
            .get(&name)
            .cloned()
            .ok_or(variables::Error::Undefined(name)))
    }
}
