//! What every wharf HTTP component shares: the request as received (path decoded once, body
//! refused or bounded), the gate in front of protected routes (it asks `wharf:auth/verifier`,
//! which spin.toml composes in from `components/auth`), plain-text responses that carry a
//! one-line reason to apt and Terraform users, streaming bodies, and the settings every
//! origin-reading component reads.

mod auth_gate;
mod body_io;
mod mounted_file;
mod received_request;
mod request_body;
mod request_path;
mod respond;
mod responses;
mod settings;

pub use auth_gate::{exchange_token, require_identity, Identity, IssuedToken, Method};
pub use body_io::{ResponseBodyReader, ResponseBodyWriter};
pub use mounted_file::{MountedFile, MountedFileCause, MountedFileError, MountedRegistry};
pub use received_request::{respond_without_body, ReceivedRequest, GET_OR_HEAD};
pub use request_body::{DeclaredBody, MalformedLength};
pub use request_path::{PathError, RequestPath, MAX_PATH_BYTES};
pub use respond::{send_response, start_streaming};
pub use responses::plain_text;
pub use settings::{unix_now, variable, Origin, FILES_ROOT};
