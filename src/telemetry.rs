//! Logging: human-readable lines, filtered by `RUST_LOG` (default `info`).
//! Set `AIGUILLAGE_LOG_FORMAT=json` for one JSON object per line.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if std::env::var("AIGUILLAGE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
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
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.path(),
            route = %route,
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
