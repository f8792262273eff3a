//! Logging, on standard error, filtered by `RUST_LOG` (default `info`):
//! readable lines by default, one JSON object per line with
//! `[log] format = "json"` (or `AIGUILLAGE_LOG_FORMAT=json`).
//!
//! Every line written while answering a request carries its
//! `request_id`, also sent back in the `X-Request-Id` header (see
//! [`crate::routes::middleware::observe`]): a person quoting it lets an
//! operator find the lines of their request.
//!
//! Log lines cannot be forged: values from outside are logged through
//! [`crate::common::Untrusted`] (escaped, cut), and the readable format
//! escapes control characters in every field and message anyway (JSON
//! escapes them by nature). Tokens, codes, secrets and personal data are
//! never logged: only federation ids, registered `client_id`s, route
//! patterns and paths without their query string.

use std::io::IsTerminal;

use actix_web::HttpMessage;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::MakeExt;

use crate::common::{Untrusted, escape_for_log};
use crate::configuration::LogFormat;

/// Longest field or message the readable format writes (a guard behind
/// [`Untrusted`], which cuts values from outside much shorter).
const MAX_FIELD_CHARS: usize = 2000;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Human => builder
            // Colours only for a person at a terminal, not in log files.
            .with_ansi(std::io::stderr().is_terminal())
            .fmt_fields(
                tracing_subscriber::fmt::format::debug_fn(|writer, field, value| {
                    let text = escape_for_log(&format!("{value:?}"), MAX_FIELD_CHARS);
                    if field.name() == "message" {
                        write!(writer, "{text}")
                    } else {
                        write!(writer, "{field}={text}")
                    }
                })
                .delimited(" "),
            )
            .try_init(),
    };
    // Already initialised (tests): keep the first subscriber.
    let _ = result;
}

/// The span of each HTTP request. Unlike tracing-actix-web's default, it
/// records the path without the query string: callbacks carry codes,
/// `state`, tokens' hints and login hints, which must not reach the logs.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        // The fields are computed only when the span is enabled (matching
        // the route again costs a regex search on routes with a segment).
        tracing::info_span!(
            "request",
            request_id = %request
                .extensions()
                .get::<tracing_actix_web::RequestId>()
                .map(|id| id.to_string())
                .unwrap_or_default(),
            method = %request.method(),
            path = %Untrusted(request.path()),
            route = %Untrusted(request.match_pattern().unwrap_or_else(|| "unmatched".into())),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        match outcome {
            Ok(res) => {
                span.record("status", res.status().as_u16());
            }
            Err(e) => {
                span.record("status", e.as_response_error().status_code().as_u16());
            }
        }
    }
}
