//! `[site]`: who publishes this portal, how to reach them, and where its
//! accessibility stands: what the footer and the pages every State site
//! owes (`/accessibilite`, `/mentions-legales`, `/donnees-personnelles`)
//! say. Every value is optional and the defaults are honest: nothing
//! claimed that was not configured, and "non conforme" until an audit.

use std::time::Duration;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::common::{ConfigIssue, check_web_url};

/// The RGAA's three allowed statuses (article 47 of law 2005-102).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessibilityStatus {
    /// The default: no audit yet (or under 50 % of the criteria met).
    #[default]
    #[serde(alias = "non conforme")]
    NonConforme,
    #[serde(alias = "partiellement conforme")]
    PartiellementConforme,
    #[serde(alias = "totalement conforme")]
    TotalementConforme,
}

impl AccessibilityStatus {
    /// Stable id, also the stem of its texts (`accessibility-status-<id>`).
    pub fn id(self) -> &'static str {
        match self {
            AccessibilityStatus::NonConforme => "non-conforme",
            AccessibilityStatus::PartiellementConforme => "partiellement-conforme",
            AccessibilityStatus::TotalementConforme => "totalement-conforme",
        }
    }

    pub const ALL: [AccessibilityStatus; 3] = [
        AccessibilityStatus::NonConforme,
        AccessibilityStatus::PartiellementConforme,
        AccessibilityStatus::TotalementConforme,
    ];
}

/// `[site]` as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// The publisher (éditeur): the administration responsible for the portal.
    pub publisher: Option<String>,
    /// Its director of publication (LCEN, article 6).
    pub publication_director: Option<String>,
    /// The hosting provider: name, address and telephone (LCEN, article 6).
    pub host: Option<String>,
    /// A contact page (form or page listing the ways to reach the team).
    pub contact_url: Option<Url>,
    /// A contact e-mail address.
    pub contact_email: Option<String>,
    /// `non-conforme` (default), `partiellement-conforme` or `totalement-conforme`.
    #[serde(default)]
    pub accessibility_status: AccessibilityStatus,
    /// Date (YYYY-MM-DD) of the audit the status comes from; required for
    /// any status but `non-conforme`.
    pub accessibility_audit_date: Option<String>,
    /// Who carried out that audit (RGAA's model statement: "L'audit de
    /// conformité réalisé par …").
    pub accessibility_auditor: Option<String>,
    /// The share of the RGAA's criteria met, in percent (0 to 100), as
    /// the audit found it; only with `accessibility_audit_date`.
    pub accessibility_rate: Option<u8>,
    /// Date (YYYY-MM-DD) this statement was made or last updated (the
    /// RGAA asks for it). Absent: said not provided.
    pub accessibility_statement_date: Option<String>,
    /// The audit's non-compliances, one sentence each ("contenus non
    /// accessibles").
    #[serde(default)]
    pub accessibility_non_compliances: Vec<String>,
    /// Exemptions for disproportionate burden, one sentence each.
    #[serde(default)]
    pub accessibility_derogations: Vec<String>,
    /// The environment the audit's checks were made in (browsers and
    /// assistive technologies with their versions), one item each.
    #[serde(default)]
    pub accessibility_test_environment: Vec<String>,
}

/// `[site]` checked, for the pages.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub publisher: Option<String>,
    pub publication_director: Option<String>,
    pub host: Option<String>,
    pub contact_url: Option<Url>,
    pub contact_email: Option<String>,
    pub accessibility_status: AccessibilityStatus,
    pub accessibility_audit_date: Option<NaiveDate>,
    pub accessibility_auditor: Option<String>,
    pub accessibility_rate: Option<u8>,
    pub accessibility_statement_date: Option<NaiveDate>,
    pub accessibility_non_compliances: Vec<String>,
    pub accessibility_derogations: Vec<String>,
    pub accessibility_test_environment: Vec<String>,
    /// `server.session_ttl_minutes`, which the personal data page states.
    pub session_ttl: Duration,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteSettings::default().resolve(Duration::from_secs(30 * 60), &mut Vec::new())
    }
}

impl SiteConfig {
    /// Where to send someone who needs help: the contact page, else a
    /// `mailto:` link, else nothing (no contact is invented).
    pub fn contact_href(&self) -> Option<String> {
        self.contact_url
            .as_ref()
            .map(|u| u.to_string())
            .or_else(|| self.contact_email.as_ref().map(|e| format!("mailto:{e}")))
    }

    pub fn session_ttl_minutes(&self) -> u64 {
        self.session_ttl.as_secs() / 60
    }
}

/// A list of sentences: none may be empty.
fn sentences(key: &str, values: &[String], issues: &mut Vec<ConfigIssue>) -> Vec<String> {
    let mut kept = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let v = value.trim();
        if v.is_empty() {
            issues.push(ConfigIssue::new(
                format!("site.{key}[{i}]"),
                "must not be empty (leave it out instead)",
            ));
        } else {
            kept.push(v.to_owned());
        }
    }
    kept
}

/// A date written `YYYY-MM-DD`.
fn date(key: &str, value: &Option<String>, issues: &mut Vec<ConfigIssue>) -> Option<NaiveDate> {
    text(key, value, issues).and_then(|d| match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            issues.push(ConfigIssue::new(
                format!("site.{key}"),
                format!("`{d}` is not a date (YYYY-MM-DD)"),
            ));
            None
        }
    })
}

fn text(key: &str, value: &Option<String>, issues: &mut Vec<ConfigIssue>) -> Option<String> {
    let v = value.as_deref()?.trim();
    if v.is_empty() {
        issues.push(ConfigIssue::new(
            format!("site.{key}"),
            "must not be empty (leave it out instead)",
        ));
        return None;
    }
    Some(v.to_owned())
}

impl SiteSettings {
    /// Checks every value; problems are reported with their key.
    pub fn resolve(&self, session_ttl: Duration, issues: &mut Vec<ConfigIssue>) -> SiteConfig {
        if let Some(url) = &self.contact_url
            && let Err(message) = check_web_url(url)
        {
            issues.push(ConfigIssue::new("site.contact_url", message));
        }
        let contact_email = self.contact_email(issues);
        let audit_date = self.audit(issues);
        let statement_date = date(
            "accessibility_statement_date",
            &self.accessibility_statement_date,
            issues,
        );
        SiteConfig {
            publisher: text("publisher", &self.publisher, issues),
            publication_director: text("publication_director", &self.publication_director, issues),
            host: text("host", &self.host, issues),
            contact_url: self.contact_url.clone(),
            contact_email,
            accessibility_status: self.accessibility_status,
            accessibility_audit_date: audit_date,
            accessibility_auditor: text(
                "accessibility_auditor",
                &self.accessibility_auditor,
                issues,
            ),
            accessibility_rate: self.accessibility_rate.filter(|r| *r <= 100),
            accessibility_statement_date: statement_date,
            accessibility_non_compliances: sentences(
                "accessibility_non_compliances",
                &self.accessibility_non_compliances,
                issues,
            ),
            accessibility_derogations: sentences(
                "accessibility_derogations",
                &self.accessibility_derogations,
                issues,
            ),
            accessibility_test_environment: sentences(
                "accessibility_test_environment",
                &self.accessibility_test_environment,
                issues,
            ),
            session_ttl,
        }
    }
}

impl SiteSettings {
    /// `contact_email`, when it looks like an e-mail address.
    fn contact_email(&self, issues: &mut Vec<ConfigIssue>) -> Option<String> {
        let email = text("contact_email", &self.contact_email, issues);
        if let Some(e) = &email {
            let ok = e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !e.contains(char::is_whitespace)
            });
            if !ok {
                issues.push(ConfigIssue::new(
                    "site.contact_email",
                    format!("`{e}` is not an e-mail address"),
                ));
            }
        }
        email
    }

    /// The audit's date, checked with the rate and the status it backs.
    fn audit(&self, issues: &mut Vec<ConfigIssue>) -> Option<NaiveDate> {
        let audit_date = date(
            "accessibility_audit_date",
            &self.accessibility_audit_date,
            issues,
        );
        if let Some(rate) = self.accessibility_rate {
            if rate > 100 {
                issues.push(ConfigIssue::new(
                    "site.accessibility_rate",
                    format!("`{rate}` is not a percentage (0 to 100)"),
                ));
            } else if self.accessibility_audit_date.is_none() {
                issues.push(ConfigIssue::new(
                    "site.accessibility_rate",
                    "comes from an audit: set `site.accessibility_audit_date` too",
                ));
            }
        }
        if self.accessibility_status != AccessibilityStatus::NonConforme
            && self.accessibility_audit_date.is_none()
        {
            issues.push(ConfigIssue::new(
                "site.accessibility_audit_date",
                format!(
                    "`{}` needs the date of the audit it comes from (the RGAA allows no other status than `non-conforme` without an audit)",
                    self.accessibility_status.id()
                ),
            ));
        }
        audit_date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(settings: SiteSettings) -> (SiteConfig, Vec<String>) {
        let mut issues = Vec::new();
        let config = settings.resolve(Duration::from_secs(1800), &mut issues);
        (config, issues.iter().map(|i| i.to_string()).collect())
    }

    #[test]
    fn the_defaults_claim_nothing_and_say_non_conforme() {
        let (c, issues) = resolve(SiteSettings::default());
        assert!(issues.is_empty());
        assert_eq!(c.accessibility_status, AccessibilityStatus::NonConforme);
        assert!(c.publisher.is_none() && c.contact_href().is_none());
        assert_eq!(c.session_ttl_minutes(), 30);
    }

    #[test]
    fn a_status_other_than_non_conforme_needs_an_audit_date() {
        let (_, issues) = resolve(SiteSettings {
            accessibility_status: AccessibilityStatus::TotalementConforme,
            ..Default::default()
        });
        assert!(
            issues[0].starts_with("site.accessibility_audit_date"),
            "{issues:?}"
        );
        let (c, issues) = resolve(SiteSettings {
            accessibility_status: AccessibilityStatus::PartiellementConforme,
            accessibility_audit_date: Some("2026-03-12".into()),
            contact_email: Some("accessibilite@example.gouv.fr".into()),
            ..Default::default()
        });
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            c.accessibility_audit_date,
            NaiveDate::from_ymd_opt(2026, 3, 12)
        );
        assert_eq!(
            c.contact_href().as_deref(),
            Some("mailto:accessibilite@example.gouv.fr")
        );
    }

    #[test]
    fn bad_values_are_reported_with_their_key() {
        let (_, issues) = resolve(SiteSettings {
            contact_email: Some("pas une adresse".into()),
            accessibility_audit_date: Some("12/03/2026".into()),
            publisher: Some("  ".into()),
            ..Default::default()
        });
        let keys: Vec<&str> = issues
            .iter()
            .map(|i| i.split(':').next().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "site.contact_email",
                "site.accessibility_audit_date",
                "site.publisher"
            ]
        );
    }

    #[test]
    fn the_statement_s_own_values_are_checked_with_their_key() {
        let (c, issues) = resolve(SiteSettings {
            accessibility_status: AccessibilityStatus::PartiellementConforme,
            accessibility_audit_date: Some("2026-03-12".into()),
            accessibility_auditor: Some("Audit SAS".into()),
            accessibility_rate: Some(72),
            accessibility_statement_date: Some("2026-03-20".into()),
            accessibility_non_compliances: vec!["Le tableau n’a pas d’en-têtes.".into()],
            accessibility_test_environment: vec!["NVDA 2024.4 avec Firefox 128".into()],
            ..Default::default()
        });
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(c.accessibility_rate, Some(72));
        assert_eq!(
            c.accessibility_statement_date,
            NaiveDate::from_ymd_opt(2026, 3, 20)
        );
        let (_, issues) = resolve(SiteSettings {
            accessibility_rate: Some(72),
            accessibility_statement_date: Some("20/03/2026".into()),
            accessibility_derogations: vec!["  ".into()],
            ..Default::default()
        });
        let keys: Vec<&str> = issues
            .iter()
            .map(|i| i.split(':').next().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "site.accessibility_rate",
                "site.accessibility_statement_date",
                "site.accessibility_derogations[0]",
            ],
            "{issues:?}"
        );
        let (_, issues) = resolve(SiteSettings {
            accessibility_audit_date: Some("2026-03-12".into()),
            accessibility_rate: Some(101),
            ..Default::default()
        });
        assert!(
            issues[0].starts_with("site.accessibility_rate"),
            "{issues:?}"
        );
    }

    #[test]
    fn the_statuses_are_read_as_the_rgaa_writes_them() {
        for (written, expected) in [
            ("\"non-conforme\"", AccessibilityStatus::NonConforme),
            (
                "\"partiellement conforme\"",
                AccessibilityStatus::PartiellementConforme,
            ),
            (
                "\"totalement-conforme\"",
                AccessibilityStatus::TotalementConforme,
            ),
        ] {
            let s: AccessibilityStatus = serde_json::from_str(written).unwrap();
            assert_eq!(s, expected);
        }
        assert!(serde_json::from_str::<AccessibilityStatus>("\"conforme\"").is_err());
    }
}
