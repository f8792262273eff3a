## Error pages. Each error has a title and a text.

error-code = Error { $status }
error-action-home = Back to the home page
error-action-federations = See the sign-in services

error-not-found-title = Page not found
error-not-found-body = The page you are looking for does not exist or has moved. Check the address or go back to the home page.
error-unknown-population-title = Unknown answer
error-unknown-population-body = This situation is not one of the proposed choices. Go back to the home page to tell us who you are.
error-unknown-federation-title = Unknown sign-in service
error-unknown-federation-body = This sign-in service does not exist on this portal. Go back to the home page to choose yours.
error-not-configured-title = Sign-in service unavailable on this portal
error-not-configured-body = This federation is not configured on this portal: { $federation } cannot be used here yet. Contact the administration that sent you to this portal, or choose another service if one fits you.
error-bad-request-title = Incorrect request
error-bad-request-body = Your request could not be understood. Go back to the home page and start again.
error-method-not-allowed-title = Action not allowed
error-method-not-allowed-body = This address cannot be used this way. Go back to the home page and start again.
error-internal-title = Unexpected error
error-internal-body = A technical problem occurred on our side. Try again in a few moments; if the problem persists, contact the administration that sent you to this portal.

error-action-retry = Try again with { $federation }
error-action-other-federation = Choose another sign-in service
error-unavailable-title = Sign-in service temporarily unavailable
error-unavailable-body = { $federation } is not answering at the moment. Try again in a few minutes; the other sign-in services are still available.
error-refused-access-denied-title = Sign-in cancelled
error-refused-access-denied-body = Signing in with { $federation } was cancelled or refused. You can try again, or choose another sign-in service if one fits you.
error-refused-login-required-title = Sign-in needed
error-refused-login-required-body = { $federation } asks you to sign in. Try again to enter your credentials.
error-refused-server-error-title = The sign-in service ran into a problem
error-refused-server-error-body = { $federation } could not complete your sign-in because of a technical problem on its side. Try again in a few minutes.
error-refused-other-title = Sign-in failed
error-refused-other-body = { $federation } could not complete your sign-in (code: { $code }). Try again; if the problem persists, contact the administration that sent you to this portal.
error-login-rejected-title = Sign-in not verified
error-login-rejected-body = The answer from { $federation } did not pass our security checks: to be safe, you are not signed in. Start signing in again from this browser.
error-login-expired-title = Sign-in request expired
error-login-expired-body = This sign-in request with { $federation } has expired or was already used. Start signing in again.
error-logout-unconfirmed-title = Logout not confirmed
error-logout-unconfirmed-body = You are logged out of this portal, but the return from the sign-in service could not be verified. To be sure you are logged out everywhere, close your browser.
