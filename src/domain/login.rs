use serde::{Deserialize, Serialize};

use super::Identity;

/// A person logged in through a federation, as the browser's session
/// keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedIn {
    pub identity: Identity,
    /// The federation's ID token, for its logout (`id_token_hint`); never logged.
    pub id_token: String,
    /// Unix time of the login.
    pub at: i64,
}
