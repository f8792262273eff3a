//! Every kind of value the portal keeps in the [`Store`](super::Store):
//! its key prefix, how long it lives, and whether a stranger can make the
//! portal create it (anonymous: made before anyone logs in), in one table.
//!
//! | keyspace  | key                    | value                                   | lifetime                        | anonymous |
//! |-----------|------------------------|-----------------------------------------|---------------------------------|-----------|
//! | `session` | `session:<id>`         | the session of a person logged in (actix-session) | `server.session_ttl_minutes`, started again by every request (`touch`) | |
//! | `visitor` | `visitor:<id>`         | the session of a browser nobody logged in with | the same                  | yes |
//! | `login`   | `login:<state>`        | a login in progress at a federation     | 10 minutes                      | yes |
//! | `pending` | `pending:<id>`         | a démarche's pending request            | 15 minutes                      | yes |
//! | `answered` | `answered:<id>`       | which démarche a used pending request was for | 15 minutes                | yes |
//! | `used-login` | `used-login:<state>` | where a finished login's person was    | 10 minutes                      | yes |
//! | `code`    | `code:<code>`          | an authorization code's binding         | `provider.code_ttl_seconds`, then kept used for `provider.token_ttl_seconds` |           |
//! | `access`  | `access:<token>`       | what an access token gives at userinfo  | `provider.token_ttl_seconds`        |           |
//! | `logout`  | `logout:<state>`       | a logout in progress at a federation    | 10 minutes                      |           |
//! | `ended`   | `ended:<sid>`          | a login that was logged out: its codes and tokens are void | `provider.code_ttl_seconds` + `provider.token_ttl_seconds` |           |
//! | `federation-token` | `federation-token:<sid>` | the federation's access token for a démarche's data scopes, sealed | the federation's `expires_in` (60 s if unsaid) | |
//! | `directory` | `directory:<siret>`  | the organisation behind a SIRET, or that the company directory does not know it | a day; 1 hour when unknown |           |
//!
//! Each operation touches one key (Redis Cluster places keys freely).

use std::time::Duration;

/// One kind of stored value.
#[derive(Debug, Clone, Copy)]
pub struct Keyspace {
    prefix: &'static str,
    /// The lifetime when it is fixed; `None` when a setting gives it.
    pub ttl: Option<Duration>,
    /// Anyone can make the portal create one, without logging in: these
    /// have a budget of their own, and can never push out the others.
    pub anonymous: bool,
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
    anonymous: false,
};
/// The session of a browser nobody logged in with (a binding, a language
/// choice…): anonymous, moved to `session:` at login.
pub const VISITOR: Keyspace = Keyspace {
    prefix: "visitor",
    ttl: None,
    anonymous: true,
};
/// How long a person has to log in at the federation.
pub const LOGIN: Keyspace = Keyspace {
    prefix: "login",
    ttl: Some(Duration::from_secs(600)),
    anonymous: true,
};
/// How long a person has to choose and log in for a démarche.
pub const PENDING: Keyspace = Keyspace {
    prefix: "pending",
    ttl: Some(Duration::from_secs(15 * 60)),
    anonymous: true,
};
pub const CODE: Keyspace = Keyspace {
    prefix: "code",
    ttl: None,
    anonymous: false,
};
pub const ACCESS: Keyspace = Keyspace {
    prefix: "access",
    ttl: None,
    anonymous: false,
};
pub const LOGOUT: Keyspace = Keyspace {
    prefix: "logout",
    ttl: Some(Duration::from_secs(600)),
    anonymous: false,
};
/// A login that ended (logout): the codes and tokens given from it no
/// longer answer. Kept as long as any of them could live.
pub const ENDED: Keyspace = Keyspace {
    prefix: "ended",
    ttl: None,
    anonymous: false,
};

/// What the company directory said of a SIRET (`directory::Directory`):
/// the organisation for a day (a company's name, activity or state seldom
/// change within one; a login does not need the latest), that it is
/// unknown for an hour (a new establishment appears in the directory the
/// next day or so). Not anonymous: only a login at a federation, which
/// vouched for the SIRET, makes one.
pub const DIRECTORY: Keyspace = Keyspace {
    prefix: "directory",
    ttl: Some(Duration::from_secs(24 * 3600)),
    anonymous: false,
};
/// How long the directory's "unknown SIRET" is kept.
pub const DIRECTORY_UNKNOWN_TTL: Duration = Duration::from_secs(3600);

/// A pending request answered (a code, an error, the way back): which
/// démarche it was, so that a stale page (Back, a reload) leads back there.
pub const ANSWERED: Keyspace = Keyspace {
    prefix: "answered",
    ttl: Some(Duration::from_secs(15 * 60)),
    anonymous: true,
};
/// A login whose federation answered: where the person was, so that the
/// same answer replayed (Back to the callback) still knows the démarche.
pub const USED_LOGIN: Keyspace = Keyspace {
    prefix: "used-login",
    ttl: Some(Duration::from_secs(600)),
    anonymous: true,
};

/// Every keyspace.
pub const ALL: [Keyspace; 12] = [
    SESSION,
    VISITOR,
    LOGIN,
    PENDING,
    CODE,
    ACCESS,
    LOGOUT,
    ENDED,
    FEDERATION_TOKEN,
    ANSWERED,
    USED_LOGIN,
    DIRECTORY,
];

/// A federation's access token for the data a démarche asked, per login
/// (`<sid>`), sealed; kept as long as the federation said it lives.
pub const FEDERATION_TOKEN: Keyspace = Keyspace {
    prefix: "federation-token",
    ttl: None,
    anonymous: false,
};

/// The key belongs to an anonymous keyspace ([`Keyspace::anonymous`]).
pub fn is_anonymous(key: &str) -> bool {
    ALL.iter().any(|k| {
        k.anonymous
            && key
                .strip_prefix(k.prefix)
                .is_some_and(|r| r.starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_stranger_can_create_is_told_from_what_people_hold() {
        for key in ["visitor:v", "login:s", "pending:p"] {
            assert!(is_anonymous(key), "{key}");
        }
        for key in [
            "session:s",
            "code:c",
            "access:a",
            "logout:s",
            "ended:s",
            "directory:13002526500013",
            "loginx:s",
            "other",
        ] {
            assert!(!is_anonymous(key), "{key}");
        }
    }
}
