use actix_web::HttpResponse;

/// Liveness probe for load balancers: no dependency is checked, so a slow
/// federation never takes the portal out of rotation.
pub async fn check() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body("ok")
}
