//! Small pieces every layer may use, and that use nothing of the portal:
//! secrets (and their files), configuration issues, URL rules, the clock,
//! random tokens, one field of a query or form, values from outside made
//! safe to log, compact JWS
//! verification against a JWKS, the capped HTTP client toward services
//! outside the portal (`outbound`).
//! (A leaf module: it imports no other module of the crate.)

pub mod clock;
mod config_issue;
mod files;
pub mod form;
pub mod jws;
pub mod outbound;
mod random;
pub mod seal;
mod secret;
mod untrusted;
mod urls;

pub use config_issue::{ConfigErrors, ConfigIssue, renamed_list};
pub use files::write_private;
pub use random::{is_random_token, random_token};
pub use secret::{Secret, read_secret};
pub use untrusted::{UNTRUSTED_MAX_CHARS, Untrusted, escape_for_log};
pub use urls::{check_web_url, is_loopback_url};
