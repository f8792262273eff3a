//! Each configured federation's status, known before anyone clicks: a
//! background task per federation reads its discovery document and JWKS
//! (issuer checked, as for a login) every `[federation_probe]
//! interval_seconds`, and records what it found. Pages only read the last
//! record: a probe never delays a page. The status is also exported as the
//! gauge `aiguillage_federation_up{federation="…"}` (1 up, 0 down).

use std::sync::Arc;
use std::time::Duration;

use super::{FederationClient, Federations, UpstreamError};
use crate::domain::Federation;

/// The gauge's name (see the module documentation).
pub const GAUGE: &str = "aiguillage_federation_up";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Availability {
    /// Not probed yet: offered as usual.
    #[default]
    Unknown,
    Up,
    Down,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FederationStatus {
    pub availability: Availability,
    /// Unix time of the last probe.
    pub checked_at: Option<i64>,
    /// Unix time since when it has been in this state.
    pub since: Option<i64>,
}

/// Sets the gauge for one federation.
pub fn export(federation: Federation, availability: Availability) {
    let value = match availability {
        Availability::Up => 1.0,
        Availability::Down => 0.0,
        Availability::Unknown => return,
    };
    metrics::gauge!(GAUGE, "federation" => federation.id()).set(value);
}

impl FederationClient {
    pub fn status(&self) -> FederationStatus {
        self.status.read().expect("status lock").clone()
    }

    /// Discovery and JWKS fetched and checked; the fresh copy also serves
    /// the next login (keys rotated meanwhile are then already known).
    async fn probe_once(&self) -> Result<(), UpstreamError> {
        let fresh = Arc::new(self.fetch().await?);
        self.set_cached(Some(fresh));
        Ok(())
    }

    /// One probe, tried a second time after `retry_after` before the
    /// federation is called down (one lost packet is not an outage).
    pub async fn probe(&self, retry_after: Duration) -> Availability {
        let mut result = self.probe_once().await;
        if result.is_err() {
            tokio::time::sleep(retry_after).await;
            result = self.probe_once().await;
        }
        let availability = match &result {
            Ok(()) => Availability::Up,
            Err(e) => {
                tracing::debug!(federation = %self.federation, error = %e, "probe failed");
                Availability::Down
            }
        };
        self.record(availability, result.err());
        availability
    }

    fn record(&self, availability: Availability, error: Option<UpstreamError>) {
        let now = crate::common::clock::system_now();
        let mut status = self.status.write().expect("status lock");
        if status.availability != availability {
            match (&error, availability) {
                (Some(e), _) => {
                    tracing::warn!(federation = %self.federation, error = %e, "federation down")
                }
                (None, Availability::Up) if status.availability == Availability::Down => {
                    tracing::info!(federation = %self.federation, "federation back up")
                }
                _ => {}
            }
            status.since = Some(now);
        }
        status.availability = availability;
        status.checked_at = Some(now);
        drop(status);
        export(self.federation, availability);
    }
}

impl Federations {
    /// Starts one probe task per federation: the first probe at once (it
    /// also warms the discovery cache), then every `every`.
    pub fn start_probes(&self, every: Duration) {
        let retry_after = (every / 2).min(Duration::from_secs(2));
        for federation_client in self.federation_clients.values() {
            let federation_client = federation_client.clone();
            tokio::spawn(async move {
                let mut ticks = tokio::time::interval(every);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticks.tick().await;
                    federation_client.probe(retry_after).await;
                }
            });
        }
    }

    /// The last status of a federation configured here (`Unknown` for one
    /// that is not).
    pub fn availability(&self, federation: Federation) -> Availability {
        self.get(federation)
            .map(|c| c.status().availability)
            .unwrap_or_default()
    }

    pub fn is_down(&self, federation: Federation) -> bool {
        self.availability(federation) == Availability::Down
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    #[test]
    fn the_gauge_says_1_when_up_and_0_when_down() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        metrics::with_local_recorder(&recorder, || {
            export(Federation::ProConnect, Availability::Up);
            export(Federation::FranceConnectPlus, Availability::Down);
            export(Federation::FranceConnect, Availability::Unknown);
        });
        let mut seen: Vec<(String, f64)> = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, _, value)| {
                let key = key.key();
                assert_eq!(key.name(), GAUGE);
                let label = key.labels().next().expect("a federation label");
                assert_eq!(label.key(), "federation");
                let DebugValue::Gauge(v) = value else {
                    panic!("a gauge")
                };
                (label.value().to_owned(), v.into_inner())
            })
            .collect();
        seen.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            seen,
            vec![
                ("franceconnect-plus".to_owned(), 0.0),
                ("proconnect".to_owned(), 1.0)
            ]
        );
    }
}
