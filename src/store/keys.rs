//! Every kind of value the portal keeps in the [`Store`](super::Store):
//! its key prefix and how long it lives, in one table.
//!
//! | keyspace  | key                    | value                                   | lifetime                        |
//! |-----------|------------------------|-----------------------------------------|---------------------------------|
//! | `session` | `session:<id>`         | a browser's session (actix-session)     | `server.session_ttl_minutes`, started again by every request (`touch`) |
//! | `login`   | `login:<state>`        | a login in progress at a federation     | 10 minutes                      |
//! | `pending` | `pending:<id>`         | a démarche's parked request             | 15 minutes                      |
//! | `code`    | `code:<code>`          | an authorization code's binding         | `provider.code_ttl_seconds`, then kept used for `provider.token_ttl_seconds` |
//! | `access`  | `access:<token>`       | what an access token gives at userinfo  | `provider.token_ttl_seconds`        |
//! | `logout`  | `logout:<state>`       | a logout in progress at a federation    | 10 minutes                      |
//! | `ended`   | `ended:<sid>`          | a login that was logged out: its codes and tokens are void | `provider.code_ttl_seconds` + `provider.token_ttl_seconds` |
//!
//! Each operation touches one key (Redis Cluster places keys freely).

use std::time::Duration;

/// One kind of stored value.
#[derive(Debug, Clone, Copy)]
pub struct Keyspace {
    prefix: &'static str,
    /// The lifetime when it is fixed; `None` when a setting gives it.
    pub ttl: Option<Duration>,
}

impl Keyspace {
    pub fn key(&self, id: &str) -> String {
        format!("{}:{id}", self.prefix)
    }

    /// The fixed lifetime of this keyspace.
    pub fn fixed_ttl(&self) -> Duration {
        self.ttl
            .expect("this keyspace's lifetime comes from a setting")
    }
}

pub const SESSION: Keyspace = Keyspace {
    prefix: "session",
    ttl: None,
};
/// How long a person has to log in at the federation.
pub const LOGIN: Keyspace = Keyspace {
    prefix: "login",
    ttl: Some(Duration::from_secs(600)),
};
/// How long a person has to choose and log in for a démarche.
pub const PENDING: Keyspace = Keyspace {
    prefix: "pending",
    ttl: Some(Duration::from_secs(15 * 60)),
};
pub const CODE: Keyspace = Keyspace {
    prefix: "code",
    ttl: None,
};
pub const ACCESS: Keyspace = Keyspace {
    prefix: "access",
    ttl: None,
};
pub const LOGOUT: Keyspace = Keyspace {
    prefix: "logout",
    ttl: Some(Duration::from_secs(600)),
};
/// A login that ended (logout): the codes and tokens given from it no
/// longer answer. Kept as long as any of them could live.
pub const ENDED: Keyspace = Keyspace {
    prefix: "ended",
    ttl: None,
};
