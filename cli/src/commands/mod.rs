pub mod apt;
pub mod keygen;
pub mod module;
pub mod provider;
