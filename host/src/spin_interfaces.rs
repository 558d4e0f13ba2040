//! Host side of `fermyon:spin/key-value@2.0.0` and `fermyon:spin/variables@2.0.0`, the Spin
//! interfaces that spin-sdk 5.2 components import.

use wasmtime::component::{HasSelf, Linker, Resource};

use crate::key_value::KeyValueError;
pub use crate::key_value::KeyValueStore;
use crate::request_state::RequestState;

wasmtime::component::bindgen!({
    path: "wit",
    world: "spin-imports",
    // Async: a Redis store answers over the network, and a request must not block a thread.
    imports: {
        "fermyon:spin/key-value.[static]store.open": trappable,
        "fermyon:spin/key-value.[drop]store": trappable,
        "fermyon:spin/variables.get": trappable,
        default: async | trappable,
    },
    with: {
        "fermyon:spin/key-value.store": KeyValueStore,
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
    ) -> wasmtime::Result<Result<Resource<KeyValueStore>, key_value::Error>> {
        if !self.component.key_value_stores.contains(&label) {
            return Ok(Err(key_value::Error::AccessDenied));
        }
        // Labels are checked against the configured stores at start, as Spin does.
        let Some(store) = self.key_value.get(&label) else {
            return Ok(Err(key_value::Error::NoSuchStore));
        };
        Ok(Ok(self.table.push(store.clone())?))
    }

    async fn get(
        &mut self,
        store: Resource<KeyValueStore>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, key_value::Error>> {
        let store = self.table.get(&store)?.clone();
        Ok(store
            .get(&key)
            .await
            .map_err(|error| guest_error(&store, error)))
    }

    async fn set(
        &mut self,
        store: Resource<KeyValueStore>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), key_value::Error>> {
        let store = self.table.get(&store)?.clone();
        Ok(store
            .set(&key, &value)
            .await
            .map_err(|error| guest_error(&store, error)))
    }

    async fn delete(
        &mut self,
        store: Resource<KeyValueStore>,
        key: String,
    ) -> wasmtime::Result<Result<(), key_value::Error>> {
        let store = self.table.get(&store)?.clone();
        Ok(store
            .delete(&key)
            .await
            .map_err(|error| guest_error(&store, error)))
    }

    async fn exists(
        &mut self,
        store: Resource<KeyValueStore>,
        key: String,
    ) -> wasmtime::Result<Result<bool, key_value::Error>> {
        let store = self.table.get(&store)?.clone();
        Ok(store
            .exists(&key)
            .await
            .map_err(|error| guest_error(&store, error)))
    }

    async fn get_keys(
        &mut self,
        store: Resource<KeyValueStore>,
    ) -> wasmtime::Result<Result<Vec<String>, key_value::Error>> {
        let store = self.table.get(&store)?.clone();
        Ok(store
            .keys()
            .await
            .map_err(|error| guest_error(&store, error)))
    }

    fn drop(&mut self, store: Resource<KeyValueStore>) -> wasmtime::Result<()> {
        self.table.delete(store)?;
        Ok(())
    }
}

/// What the component sees: the store's label and the kind of failure, never its address
/// (components may put the message in a response; the log has the details).
fn guest_error(store: &KeyValueStore, error: KeyValueError) -> key_value::Error {
    key_value::Error::Other(match error {
        KeyValueError::Unavailable => format!("key-value store '{}' is unavailable", store.label()),
        KeyValueError::Failed(reason) => format!("key-value store '{}': {reason}", store.label()),
    })
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
