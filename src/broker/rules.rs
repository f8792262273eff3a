//! The rules of a démarche's login, as pure functions over plain values:
//! each path that can answer a request (authorization, the callback's
//! hand-back, `/oidc/reprise`) asks them, never its own copy.
//!
//! **Whether a login answers a request** ([`login_answers`]): always a
//! federation the démarche accepts, and the level asked (`acr_values`, or
//! the `claims` parameter's `id_token.acr`). A login *made for this very
//! request* (its callback, see [`crate::domain::LoggedIn::made_for`]) was
//! asked for everything else at the federation (a new authentication, the
//! level, the hinted person), so it needs nothing more. An *earlier* login
//! of the session (single sign-on) must also be: of the hinted federation,
//! without `prompt=login`, recent enough for `max_age`, of the person
//! `login_hint` names, and below `eidas2` (at `eidas2` and above every
//! request is a new login, as at FranceConnect+ and ProConnect).
//!
//! **What to do otherwise** ([`decide`]): a login made for the request
//! that still does not answer it is refused (`access_denied`: it would
//! loop); `prompt=none` gets `login_required`, in words that say nothing
//! about the session's person; anyone else logs in again, straight at a
//! federation that can give what is asked when one is known.

use crate::domain::{Chooser, Federation, LoggedIn};
use crate::provider::authorize::AuthorizationRequest;
use crate::provider::{Demarche, OAuthError, OAuthErrorCode};

/// What to do with a request, given a login.
#[derive(Debug)]
pub enum Decision {
    /// The login answers it: a code.
    IssueCode,
    /// Back to the démarche with this error.
    Refuse(OAuthError),
    /// The person must choose and log in: straight at `federation` when
    /// one is known to fit (the session's, or FranceConnect+ for a
    /// FranceConnect session asked a higher level), else the chooser.
    /// `fresh_login`: a session exists but does not fit (level, age,
    /// person): the federation must authenticate again (`prompt=login`),
    /// not answer from its own single sign-on. `step_up`: the session's
    /// level is below the one asked (the person is told why first).
    Interact {
        federation: Option<Federation>,
        fresh_login: bool,
        step_up: bool,
    },
}

/// Why a login does not answer a request (for the logs only: the démarche
/// is told none of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmet {
    NoSession,
    /// The démarche does not accept the login's federation, or hints another.
    OtherFederation,
    /// `prompt=login`.
    LoginAsked,
    /// Older than `max_age` (`max_age=0`: always).
    TooOld,
    /// The login's level is below the one asked.
    LevelTooLow,
    /// `eidas2` or above asked: never answered from a session.
    NoSingleSignOnAtThisLevel,
    /// `login_hint` names someone else.
    OtherPerson,
    /// The démarche asks data scopes of the federation that the login did
    /// not grant (or whose token has expired): the federation must be
    /// asked again (its single sign-on, then its consent).
    DataScopesNotGranted,
}

impl Unmet {
    pub fn as_str(self) -> &'static str {
        match self {
            Unmet::NoSession => "no session",
            Unmet::OtherFederation => "the session is with another federation",
            Unmet::LoginAsked => "prompt=login asks for a new login",
            Unmet::TooOld => "the session is older than max_age",
            Unmet::LevelTooLow => "the session's level of assurance is below the one asked",
            Unmet::NoSingleSignOnAtThisLevel => "eidas2 and above need a new login each time",
            Unmet::OtherPerson => "login_hint names another person than the session's",
            Unmet::DataScopesNotGranted => {
                "data scopes asked that the session's login does not hold"
            }
        }
    }
}

/// How a login came to be asked about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginAge {
    /// Made for this very request: its callback.
    MadeForThisRequest,
    /// An earlier login of the session: single sign-on.
    Earlier,
}

/// What the session's login can still give of the federation's data:
/// the scopes it granted while the federation's token lives.
#[derive(Debug, Clone, Copy)]
pub struct DataAccess<'a> {
    pub live_scopes: &'a [String],
}

/// Whether `login` answers the démarche's `request` at `now`, and why not.
pub fn login_answers(
    demarche: &Demarche,
    request: &AuthorizationRequest,
    login: Option<&LoggedIn>,
    age: LoginAge,
    data: DataAccess<'_>,
    now: i64,
) -> Result<(), Unmet> {
    let login = login.ok_or(Unmet::NoSession)?;
    let federation = login.identity.federation;
    let asked = request.acr_values.as_deref().unwrap_or_default();
    if !demarche.accepts(federation) {
        return Err(Unmet::OtherFederation);
    }
    if age == LoginAge::Earlier {
        single_sign_on_allows(request, login, now)?;
        let data_asked = demarche.data_scopes_for(federation, &request.scope);
        if data_asked.iter().any(|s| !data.live_scopes.contains(s)) {
            return Err(Unmet::DataScopesNotGranted);
        }
    }
    if !login.satisfies_acr(asked) {
        return Err(Unmet::LevelTooLow);
    }
    Ok(())
}

/// What only an earlier login must also meet (see the module's doc).
fn single_sign_on_allows(
    request: &AuthorizationRequest,
    login: &LoggedIn,
    now: i64,
) -> Result<(), Unmet> {
    // FranceConnect and FranceConnect+ are one service to a démarche.
    let same_service = |a: Federation, b: Federation| a.for_level(None) == b.for_level(None);
    if request
        .idp_hint
        .is_some_and(|hinted| !same_service(hinted, login.identity.federation))
    {
        return Err(Unmet::OtherFederation);
    }
    if request.force_login {
        return Err(Unmet::LoginAsked);
    }
    if request
        .max_age
        .is_some_and(|max| max == 0 || now - login.auth_time() > max)
    {
        return Err(Unmet::TooOld);
    }
    if request
        .login_hint
        .as_deref()
        .is_some_and(|hint| !login.matches_login_hint(hint))
    {
        return Err(Unmet::OtherPerson);
    }
    if request.required_level().is_some_and(|level| level >= 2) {
        return Err(Unmet::NoSingleSignOnAtThisLevel);
    }
    Ok(())
}

/// What to do with the request, given the login (see the module's doc).
pub fn decide(
    demarche: &Demarche,
    request: &AuthorizationRequest,
    login: Option<&LoggedIn>,
    age: LoginAge,
    data: DataAccess<'_>,
    now: i64,
) -> Decision {
    let unmet = match login_answers(demarche, request, login, age, data, now) {
        Ok(()) => return Decision::IssueCode,
        Err(unmet) => unmet,
    };
    tracing::info!(client_id = %demarche.client_id, reason = unmet.as_str(), "the login does not answer the request");
    if age == LoginAge::MadeForThisRequest {
        return Decision::Refuse(OAuthError::new(
            OAuthErrorCode::AccessDenied,
            "the login did not give what was asked",
        ));
    }
    if request.prompt_none {
        return Decision::Refuse(OAuthError::new(
            OAuthErrorCode::LoginRequired,
            "a new login is needed",
        ));
    }
    // The same person logs in again, where their level can be given.
    let federation = match (unmet, login) {
        (Unmet::NoSession | Unmet::OtherFederation, _) | (_, None) => None,
        (_, Some(login)) => {
            let level = request.required_level();
            Some(login.identity.federation.for_level(level)).filter(|f| demarche.accepts(*f))
        }
    };
    let step_up = login.is_some_and(|l| {
        let held = l
            .identity
            .acr
            .as_deref()
            .and_then(crate::domain::eidas_level);
        request
            .required_level()
            .is_some_and(|asked| held.is_none_or(|held| asked > held))
    });
    Decision::Interact {
        federation,
        // New data scopes need the federation's consent, not a new
        // authentication.
        fresh_login: !matches!(
            unmet,
            Unmet::NoSession | Unmet::OtherFederation | Unmet::DataScopesNotGranted
        ),
        step_up: step_up && !matches!(unmet, Unmet::NoSession | Unmet::OtherFederation),
    }
}

/// Why a federation cannot serve a démarche's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misfit {
    NotAccepted,
    LevelNotOffered,
}

/// A login at `federation` can serve the démarche at eIDAS `level`: it
/// accepts it, and it can give the level (FranceConnect cannot give
/// `eidas2`: a stale page or a forged form must not turn a higher-level
/// request into a lower-level login).
pub fn federation_fits(
    demarche: &Demarche,
    federation: Federation,
    level: Option<u8>,
) -> Result<(), Misfit> {
    if !demarche.accepts(federation) {
        return Err(Misfit::NotAccepted);
    }
    if !federation.serves_level(level) {
        return Err(Misfit::LevelNotOffered);
    }
    Ok(())
}

/// The chooser for a request at eIDAS `level`, restricted to what the
/// démarche accepts (`None` when nothing is left: no federation it accepts
/// can give the level).
pub fn restricted_chooser(
    chooser: &Chooser,
    demarche: &Demarche,
    level: Option<u8>,
) -> Option<Chooser> {
    chooser.for_level(level).restricted(
        demarche.federations.as_deref(),
        demarche.populations.as_deref(),
    )
}

/// The federations the chooser offers for a request of `demarche` at
/// eIDAS `level` (what [`restricted_chooser`] shows): empty when no
/// federation it accepts can give the level.
pub fn offered_federations(
    chooser: &Chooser,
    demarche: &Demarche,
    level: Option<u8>,
) -> Vec<Federation> {
    chooser.offered(
        level,
        demarche.federations.as_deref(),
        demarche.populations.as_deref(),
    )
}

/// The federation to send the person to without the chooser, if any: the
/// hinted one (or its sibling at the level asked: franceconnect asked
/// eidas2 is FranceConnect+), the one a new login should go to if it is
/// configured here (`straight_to`), or the only one that fits.
pub fn wanted_federation(
    chooser: &Chooser,
    demarche: &Demarche,
    request: &AuthorizationRequest,
    straight_to: Option<Federation>,
    configured: impl Fn(Federation) -> bool,
) -> Option<Federation> {
    let level = request.required_level();
    match request.idp_hint {
        Some(hinted) => Some(hinted.for_level(level)).filter(|f| demarche.accepts(*f)),
        None => straight_to.filter(|f| configured(*f)).or_else(|| {
            match offered_federations(chooser, demarche, level)[..] {
                [only] => Some(only),
                _ => None,
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Identity;
    use crate::provider::Demarches;
    use crate::provider::authorize::parse;
    use crate::provider::settings::DemarcheSettings;

    const NOW: i64 = 1_800_000_000;
    /// A login that holds no federation data.
    const NO_DATA: DataAccess<'static> = DataAccess { live_scopes: &[] };
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn demarches(federations: Option<&[&str]>) -> Demarches {
        let mut settings = serde_json::json!({
            "client_id": "demarche",
            "name": "Démarche",
            "redirect_uris": ["https://demarche.example/cb"],
            "public": true,
        });
        if let Some(list) = federations {
            settings["federations"] = serde_json::json!(list);
        }
        let settings: DemarcheSettings = serde_json::from_value(settings).unwrap();
        let demarche = settings
            .resolve(0, None, &mut Vec::new(), &mut Vec::new())
            .unwrap();
        Demarches::new(vec![demarche])
    }

    fn request(demarches: &Demarches, extra: &str) -> AuthorizationRequest {
        let q = format!(
            "client_id=demarche&redirect_uri=https%3A%2F%2Fdemarche.example%2Fcb&response_type=code\
             &scope=openid&state=s1&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}"
        );
        parse(demarches, q.as_bytes())
            .unwrap_or_else(|e| panic!("{extra}: {e:?}"))
            .1
    }

    fn login(federation: Federation, acr: &str, auth_time: Option<i64>) -> LoggedIn {
        LoggedIn {
            identity: Identity {
                federation,
                issuer: "https://federation.example".into(),
                sub: "s1".into(),
                acr: Some(acr.into()),
                amr: vec!["pwd".into()],
                auth_time,
                given_name: None,
                family_name: None,
                email: Some("Jean.Michel@Example.gouv.fr".into()),
                claims: Default::default(),
                organisation: None,
            },
            id_token: String::new(),
            at: NOW - 100,
            sid: "sid-1".into(),
            made_for: None,
            data_scopes: Vec::new(),
        }
    }

    /// What `decide` answers, as a short word for the table.
    fn outcome(decision: Decision) -> String {
        match decision {
            Decision::IssueCode => "code".into(),
            Decision::Refuse(e) => e.code.as_str().into(),
            Decision::Interact {
                federation: None,
                fresh_login,
                step_up,
            } => format!(
                "chooser{}{}",
                if fresh_login { ", fresh" } else { "" },
                if step_up { ", step-up" } else { "" }
            ),
            Decision::Interact {
                federation: Some(f),
                fresh_login,
                step_up,
            } => format!(
                "to {f}{}{}",
                if fresh_login { ", fresh" } else { "" },
                if step_up { ", step-up" } else { "" }
            ),
        }
    }

    const CLAIMS_EIDAS2: &str = "&claims=%7B%22id_token%22%3A%7B%22acr%22%3A%7B%22essential%22%3Atrue%2C%22values%22%3A%5B%22eidas2%22%5D%7D%7D%7D";
    const CLAIMS_EIDAS1: &str =
        "&claims=%7B%22id_token%22%3A%7B%22acr%22%3A%7B%22value%22%3A%22eidas1%22%7D%7D%7D";

    #[test]
    fn an_earlier_login_answers_only_when_it_fits() {
        use Federation::*;
        let fc = login(FranceConnect, "eidas1", Some(NOW - 50));
        let pc = login(ProConnect, "eidas1", None);
        let fc_plus = login(FranceConnectPlus, "eidas2", Some(NOW - 10));
        let claims_with_acr_values = format!("&acr_values=eidas2{CLAIMS_EIDAS1}");
        // (session, extra query, expected, why)
        let cases: Vec<(Option<&LoggedIn>, &str, &str, &str)> = vec![
            (None, "", "chooser", "no session"),
            (
                None,
                "&prompt=none",
                "login_required",
                "no session, no interaction",
            ),
            (Some(&fc), "", "code", "single sign-on"),
            (Some(&fc), "&prompt=none", "code", "silent single sign-on"),
            (Some(&fc), "&acr_values=eidas1", "code", "level met"),
            (
                Some(&fc),
                "&acr_values=eidas2",
                "to franceconnect-plus, fresh, step-up",
                "step-up",
            ),
            (
                Some(&fc),
                "&acr_values=eidas3+eidas2",
                "to franceconnect-plus, fresh, step-up",
                "step-up, two levels",
            ),
            (
                Some(&fc),
                "&acr_values=eidas2&prompt=none",
                "login_required",
                "step-up without interaction",
            ),
            (
                Some(&fc),
                CLAIMS_EIDAS2,
                "to franceconnect-plus, fresh, step-up",
                "level asked in the claims parameter",
            ),
            (
                Some(&fc),
                &claims_with_acr_values,
                "code",
                "the claims parameter wins over acr_values",
            ),
            (
                Some(&pc),
                "&acr_values=eidas2",
                "to proconnect, fresh, step-up",
                "ProConnect asked the higher level",
            ),
            (
                Some(&pc),
                "&acr_values=https%3A%2F%2Fproconnect.gouv.fr%2Fassurance%2Fself-asserted-2fa",
                "to proconnect, fresh",
                "a level without eIDAS rank",
            ),
            (
                Some(&fc_plus),
                "&acr_values=eidas2",
                "to franceconnect-plus, fresh",
                "no single sign-on at eidas2",
            ),
            (
                Some(&fc_plus),
                "&acr_values=eidas1",
                "code",
                "a higher session answers a lower level",
            ),
            (Some(&fc_plus), "", "code", "no level asked"),
            (
                Some(&fc_plus),
                "&idp_hint=franceconnect",
                "code",
                "FranceConnect+ is FranceConnect to a démarche",
            ),
            (
                Some(&fc),
                "&prompt=login",
                "to franceconnect, fresh",
                "prompt=login",
            ),
            (
                Some(&fc),
                "&max_age=0",
                "to franceconnect, fresh",
                "max_age=0",
            ),
            (
                Some(&fc),
                "&max_age=10",
                "to franceconnect, fresh",
                "federation auth_time too old",
            ),
            (
                Some(&fc),
                "&max_age=60",
                "code",
                "federation auth_time recent enough",
            ),
            (
                Some(&pc),
                "&max_age=99",
                "to proconnect, fresh",
                "no federation auth_time: the portal's login time",
            ),
            (
                Some(&pc),
                "&max_age=10&prompt=none",
                "login_required",
                "too old, no interaction",
            ),
            (
                Some(&pc),
                "&login_hint=jean.michel%40example.gouv.fr",
                "code",
                "hint names the person (any case)",
            ),
            (
                Some(&pc),
                "&login_hint=autre%40example.gouv.fr",
                "to proconnect, fresh",
                "hint names someone else",
            ),
            (
                Some(&pc),
                "&login_hint=autre%40example.gouv.fr&prompt=none",
                "login_required",
                "someone else, no interaction",
            ),
            (
                Some(&fc),
                "&idp_hint=proconnect",
                "chooser",
                "another federation hinted (the broker goes there)",
            ),
        ];
        let demarches = demarches(None);
        let demarche = demarches.get("demarche").unwrap();
        for (session, extra, expected, why) in cases {
            let request = request(&demarches, extra);
            let got = outcome(decide(
                demarche,
                &request,
                session,
                LoginAge::Earlier,
                NO_DATA,
                NOW,
            ));
            assert_eq!(got, expected, "{why} ({extra})");
        }
    }

    #[test]
    fn a_login_made_for_the_request_answers_it_only_at_the_level_asked() {
        use Federation::*;
        let fresh = login(ProConnect, "eidas2", Some(NOW - 1));
        let low = login(ProConnect, "eidas1", Some(NOW - 1));
        let fc = login(FranceConnect, "eidas1", Some(NOW - 1));
        let cases: Vec<(&LoggedIn, &str, &str, &str)> = vec![
            (
                &fresh,
                "&prompt=login",
                "code",
                "asked a new login: this is it",
            ),
            (
                &fresh,
                "&max_age=0",
                "code",
                "max_age=0: this is the new login",
            ),
            (&fresh, "&acr_values=eidas2", "code", "eidas2, made for it"),
            (
                &fresh,
                "&login_hint=autre%40example.gouv.fr",
                "code",
                "a hint is a hint: whoever logged in",
            ),
            (
                &low,
                "&acr_values=eidas2",
                "access_denied",
                "below the level asked: refused, not looped",
            ),
            (
                &low,
                "&acr_values=eidas2&prompt=none",
                "access_denied",
                "refused alike",
            ),
            (
                &fc,
                "&idp_hint=proconnect",
                "code",
                "the hinted federation was down: another one chosen",
            ),
        ];
        let demarches = demarches(None);
        let demarche = demarches.get("demarche").unwrap();
        for (login, extra, expected, why) in cases {
            let request = request(&demarches, extra);
            let decision = decide(
                demarche,
                &request,
                Some(login),
                LoginAge::MadeForThisRequest,
                NO_DATA,
                NOW,
            );
            assert_eq!(outcome(decision), expected, "{why} ({extra})");
        }
        let only_pc = self::demarches(Some(&["proconnect"]));
        let request = request(&only_pc, "");
        let decision = decide(
            only_pc.get("demarche").unwrap(),
            &request,
            Some(&fc),
            LoginAge::MadeForThisRequest,
            NO_DATA,
            NOW,
        );
        assert_eq!(
            outcome(decision),
            "access_denied",
            "a federation it does not accept"
        );
    }

    #[test]
    fn a_silent_refusal_says_the_same_whatever_the_session() {
        let pc = login(Federation::ProConnect, "eidas1", None);
        let demarches = demarches(None);
        let demarche = demarches.get("demarche").unwrap();
        let words = |session: Option<&LoggedIn>, extra: &str| match decide(
            demarche,
            &request(&demarches, extra),
            session,
            LoginAge::Earlier,
            NO_DATA,
            NOW,
        ) {
            Decision::Refuse(e) => (e.code, e.description),
            other => panic!("{extra}: {other:?}"),
        };
        let nobody = words(None, "&prompt=none");
        for extra in [
            "&prompt=none&login_hint=autre%40example.gouv.fr",
            "&prompt=none&max_age=0",
            "&prompt=none&acr_values=eidas2",
            "&prompt=none&idp_hint=franceconnect",
        ] {
            assert_eq!(words(Some(&pc), extra), nobody, "{extra}");
        }
    }

    #[test]
    fn a_federation_the_demarche_refuses_is_never_the_step_up_target() {
        let demarches = demarches(Some(&["franceconnect", "proconnect"]));
        let request = request(&demarches, "&acr_values=eidas2");
        let fc = login(Federation::FranceConnect, "eidas1", None);
        let decision = decide(
            demarches.get("demarche").unwrap(),
            &request,
            Some(&fc),
            LoginAge::Earlier,
            NO_DATA,
            NOW,
        );
        assert_eq!(outcome(decision), "chooser, fresh, step-up");
    }

    #[test]
    fn a_federation_fits_when_accepted_and_able_to_give_the_level() {
        use Federation::*;
        let demarches = demarches(Some(&["franceconnect", "franceconnect-plus"]));
        let d = demarches.get("demarche").unwrap();
        let cases = [
            (FranceConnect, None, Ok(())),
            (FranceConnect, Some(1), Ok(())),
            (FranceConnect, Some(2), Err(Misfit::LevelNotOffered)),
            (FranceConnectPlus, Some(2), Ok(())),
            (FranceConnectPlus, None, Err(Misfit::LevelNotOffered)),
            (ProConnect, None, Err(Misfit::NotAccepted)),
        ];
        for (federation, level, expected) in cases {
            assert_eq!(
                federation_fits(d, federation, level),
                expected,
                "{federation} at {level:?}"
            );
        }
    }

    #[test]
    fn the_wanted_federation_follows_the_hint_then_the_session_then_the_only_one() {
        use Federation::*;
        let chooser = Chooser::seed();
        let all = demarches(None);
        let d = all.get("demarche").unwrap();
        let everything = |_: Federation| true;
        let nothing = |_: Federation| false;
        // (extra query, the session's federation, configured here, expected, why)
        type Case<'a> = (
            &'a str,
            Option<Federation>,
            bool,
            Option<Federation>,
            &'a str,
        );
        let cases: Vec<Case> = vec![
            (
                "&idp_hint=franceconnect",
                None,
                true,
                Some(FranceConnect),
                "hinted",
            ),
            (
                "&idp_hint=franceconnect&acr_values=eidas2",
                None,
                true,
                Some(FranceConnectPlus),
                "hinted, its sibling at eidas2",
            ),
            (
                "",
                Some(ProConnect),
                true,
                Some(ProConnect),
                "the session's federation",
            ),
            (
                "",
                Some(ProConnect),
                false,
                None,
                "the session's, not configured: the chooser",
            ),
            ("", None, true, None, "several fit: the chooser"),
        ];
        for (extra, straight_to, configured, expected, why) in cases {
            let request = request(&all, extra);
            let got = if configured {
                wanted_federation(&chooser, d, &request, straight_to, everything)
            } else {
                wanted_federation(&chooser, d, &request, straight_to, nothing)
            };
            assert_eq!(got, expected, "{why}");
        }
        let only_pc = demarches(Some(&["proconnect"]));
        let request = request(&only_pc, "");
        let d = only_pc.get("demarche").unwrap();
        assert_eq!(
            wanted_federation(&chooser, d, &request, None, everything),
            Some(ProConnect),
            "the only one it accepts"
        );
    }

    #[test]
    fn a_login_answers_data_scopes_only_while_the_federation_s_token_holds_them() {
        let settings: DemarcheSettings = serde_json::from_value(serde_json::json!({
            "client_id": "demarche",
            "name": "Démarche",
            "redirect_uris": ["https://demarche.example/cb"],
            "public": true,
            "data_scopes": { "franceconnect": ["dgfip_rfr", "dgfip_nbpart"] },
        }))
        .unwrap();
        let demarche = settings
            .resolve(0, None, &mut Vec::new(), &mut Vec::new())
            .unwrap();
        let demarches = Demarches::new(vec![demarche]);
        let d = demarches.get("demarche").unwrap();
        let fc = login(Federation::FranceConnect, "eidas1", Some(NOW - 5));
        let rfr = ["dgfip_rfr".to_owned()];
        let both = ["dgfip_rfr".to_owned(), "dgfip_nbpart".to_owned()];
        // (data scopes asked, extra query, what the login still holds, age, expected, why)
        type Case<'a> = (
            &'a [&'a str],
            &'a str,
            &'a [String],
            LoginAge,
            &'a str,
            &'a str,
        );
        let cases: Vec<Case> = vec![
            (&[], "", &[], LoginAge::Earlier, "code", "no data asked"),
            (&["dgfip_rfr"], "", &rfr, LoginAge::Earlier, "code", "held"),
            (
                &["dgfip_rfr"],
                "",
                &[],
                LoginAge::Earlier,
                "to franceconnect",
                "not held (or its token expired): consent again, no new authentication",
            ),
            (
                &["dgfip_rfr", "dgfip_nbpart"],
                "",
                &rfr,
                LoginAge::Earlier,
                "to franceconnect",
                "one more asked",
            ),
            (
                &["dgfip_rfr", "dgfip_nbpart"],
                "",
                &both,
                LoginAge::Earlier,
                "code",
                "both held",
            ),
            (
                &["dgfip_rfr"],
                "",
                &[],
                LoginAge::MadeForThisRequest,
                "code",
                "made for it: what the person consented to",
            ),
            (
                &["dgfip_rfr"],
                "&prompt=none",
                &[],
                LoginAge::Earlier,
                "login_required",
                "silent",
            ),
        ];
        for (data_scopes, extra, live, age, expected, why) in cases {
            let mut request = request(&demarches, extra);
            request
                .scope
                .extend(data_scopes.iter().map(|s| (*s).to_owned()));
            let data = DataAccess { live_scopes: live };
            let got = outcome(decide(d, &request, Some(&fc), age, data, NOW));
            assert_eq!(got, expected, "{why}");
        }
    }
}
