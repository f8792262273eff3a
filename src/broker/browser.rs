use crate::common::random_token;
use crate::domain::LoggedIn;

/// What the broker reads and changes of the browser's session. `routes`
/// fills it from the session before a call and writes [`Browser::change`]
/// back after a successful one (nothing is written when a call fails).
#[derive(Debug, Default)]
pub struct Browser {
    /// A random value of this browser's session, copied into every login
    /// in progress and pending request it starts: only this browser may
    /// use them.
    binding: Option<String>,
    /// The binding came from the session.
    binding_is_old: bool,
    /// Made by this call, and something was stored with it: to be kept.
    binding_to_keep: bool,
    login: Option<LoggedIn>,
    change: Option<SessionChange>,
}

/// What a call changed in the session besides the binding.
#[derive(Debug, Clone)]
pub enum SessionChange {
    /// Logged in: under a new session id (no fixation). The login as the
    /// session keeps it, serialized once by the broker (which checked
    /// that it fits in the store).
    LoggedIn(Box<serde_json::value::RawValue>),
    /// Logged out: the whole session ends.
    LoggedOut,
}

impl Browser {
    pub fn new(binding: Option<String>, login: Option<LoggedIn>) -> Browser {
        Browser {
            binding_is_old: binding.is_some(),
            binding,
            login,
            ..Browser::default()
        }
    }

    /// This browser's binding, made on first use. Call [`Browser::bound`]
    /// once something bound to it is stored: a binding nothing was stored
    /// with is not written to the session (with the store down, that write
    /// would fail too).
    pub(super) fn binding(&mut self) -> String {
        self.binding.get_or_insert_with(|| random_token(32)).clone()
    }

    /// Something bound to this browser was stored.
    pub(super) fn bound(&mut self) {
        self.binding_to_keep = true;
    }

    /// This browser's binding, if it has one already.
    pub(super) fn current_binding(&self) -> Option<&str> {
        self.binding.as_deref()
    }

    /// Something was bound to this browser (compared in constant time).
    pub(super) fn owns(&self, bound_to: Option<&str>) -> bool {
        use subtle::ConstantTimeEq;
        match (&self.binding, bound_to) {
            (Some(mine), Some(theirs)) => bool::from(mine.as_bytes().ct_eq(theirs.as_bytes())),
            _ => false,
        }
    }

    pub fn login(&self) -> Option<&LoggedIn> {
        self.login.as_ref()
    }

    pub(super) fn log_in(&mut self, login: LoggedIn, serialized: Box<serde_json::value::RawValue>) {
        self.login = Some(login);
        self.change = Some(SessionChange::LoggedIn(serialized));
    }

    pub(super) fn log_out(&mut self) {
        self.login = None;
        self.change = Some(SessionChange::LoggedOut);
    }

    /// The binding to keep in the session, when this call made it and
    /// stored something with it.
    pub fn new_binding(&self) -> Option<&str> {
        self.binding
            .as_deref()
            .filter(|_| self.binding_to_keep && !self.binding_is_old)
    }

    pub fn change(&self) -> Option<&SessionChange> {
        self.change.as_ref()
    }
}
