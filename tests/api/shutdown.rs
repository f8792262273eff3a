//! SIGTERM (what an orchestrator sends before killing): the request in
//! flight is finished, no new connection is taken, the process exits 0.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::helpers::Portal;

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    let mut portal = Portal::new().real_binary().start().await;
    let address = portal
        .address
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let body = "grant_type=authorization_code&code=inconnu";
    // The request begins: headers and half of the body.
    write!(
        stream,
        "POST /oidc/token HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    stream.flush().unwrap();
    // Connections are taken in order: once a later one is answered, the
    // one above is in a worker, reading its body.
    let health = reqwest::get(portal.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);

    portal.terminate();
    // The stop begins.
    portal
        .wait_for_line(&["SIGTERM received"], Duration::from_secs(10))
        .await;
    // The rest of the body, after the stop began: still answered in full.
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("\"error\":\"invalid_client\""), "{answer}");

    let status = portal.wait_exit(Duration::from_secs(40)).await;
    assert_eq!(status.code(), Some(0), "{}", portal.logs());
    let stopped = ["stopped: requests in flight were finished"];
    portal
        .wait_for_line(&stopped, Duration::from_secs(10))
        .await;
    // Nobody listens any more.
    assert!(TcpStream::connect(&address).is_err());
}
