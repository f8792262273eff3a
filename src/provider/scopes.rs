//! The scopes the portal gives itself, apart from the démarches' data
//! scopes (a federation's, registered per démarche).

/// The scopes the portal answers itself (the federation gives their
/// claims, or the portal does: `organisation`); any other scope must be
/// one of the démarche's data scopes.
pub const STANDARD_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
    "organisation",
];

/// The scope that releases the `organisation` claim (the company
/// directory's description of the login's SIRET).
pub const ORGANISATION_SCOPE: &str = "organisation";
