pub mod apt;
pub mod keygen;
pub mod module;
