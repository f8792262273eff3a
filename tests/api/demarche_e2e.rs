//! End to end: a real démarche (openid-client) logs people in through the
//! portal and a federation, clicked through in headless Chromium.
