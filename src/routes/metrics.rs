//! `GET /metrics`: the Prometheus text format (see [`crate::metrics`]).
//! Meant for the monitoring system only: publish it on a separate
//! address with `[metrics] listen`, or keep `/metrics` from the public
//! through the reverse proxy (README, "Exploitation").

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use metrics_exporter_prometheus::PrometheusHandle;

pub async fn render(handle: web::Data<PrometheusHandle>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(handle.render())
}
