## Error pages. Each error has a title and a text; the text only promises
## what is true for the person (the ways forward are added according to
## their situation: error-hint-*).

error-action-home = Back to the home page
error-action-retry = Try again with { $federation }
error-action-other-federation = Choose another sign-in service
error-hint-other-services = You can also use another sign-in service that fits you.
error-hint-back-to-demarche = Go back to "{ $demarche }": it will tell you how to proceed another way.
error-hint-administration = To complete your online service, go to the website of the public administration concerned: it will tell you how to proceed another way.

error-not-found-title = Page not found
error-not-found-body = The page you are looking for does not exist or has moved. Check the address or go back to the home page.
error-unknown-population-title = Unknown answer
error-unknown-population-body = This situation is not one of the answers offered. Go back to the home page to give yours.
error-unknown-federation-title = Unknown sign-in service
error-unknown-federation-body = This sign-in service does not exist on this portal. Go back to the home page to choose yours.
error-not-configured-title = Sign-in service unavailable on this portal
error-not-configured-body = { $federation } is not offered on this portal at the moment: you cannot use it here.
error-bad-request-title = Incorrect request
error-bad-request-body = Your request could not be understood. Go back to the home page and start again.
error-method-not-allowed-title = Action not allowed
error-method-not-allowed-body = This address cannot be used this way. Go back to the home page and start again.
error-internal-title = Technical problem
error-internal-body = A technical problem occurred on this portal. Try again in a few moments; if the problem persists, report it to the public administration that runs your online service.

error-unavailable-title = Sign-in service temporarily unavailable
error-unavailable-body = { $federation } is not answering at the moment. Try again in a few minutes.
error-refused-access-denied-title = Sign-in canceled
error-refused-access-denied-body = Signing in with { $federation } was canceled or refused. You can try again.
error-refused-login-required-title = Sign-in needed
error-refused-login-required-body = { $federation } asks you to sign in. Try again to enter your credentials.
error-refused-server-error-title = The sign-in service ran into a problem
error-refused-server-error-body = { $federation } could not complete your sign-in because of a technical problem on its side. Try again in a few minutes.
error-refused-other-title = Sign-in failed
error-refused-other-body = { $federation } could not complete your sign-in (code: { $code }). Try again; if the problem persists, report it to the public administration that runs your online service.
error-login-rejected-title = Sign-in not verified
error-login-rejected-body = The answer from { $federation } did not pass our security checks: to be safe, you are not signed in. Start again from this browser.
error-login-expired-title = Sign-in request expired
error-login-expired-body = This sign-in request with { $federation } has expired or was already used. Start signing in again.
error-logout-unconfirmed-title = Sign-out not confirmed
error-logout-unconfirmed-body = You are signed out of this portal, but the return from the sign-in service could not be verified. To be sure you are signed out everywhere, close your browser.
error-unknown-client-title = Unknown online service
error-unknown-client-body = This link comes from an online service that is not registered on this portal. Go back to that service's website and report the problem.
error-bad-redirect-uri-title = Return address refused
error-bad-redirect-uri-body = The online service asked for a return address that is not registered for it. For your safety, this portal does not send you there. Go back to that service's website and report the problem.
error-bad-logout-redirect-uri-title = Return address refused
error-bad-logout-redirect-uri-body = After signing out, the online service asked for a return address that is not registered for it. For your safety, this portal does not send you there.
error-bad-discovery-return-title = Return address refused
error-bad-discovery-return-body = The site you came from asks to receive your choice at an address that is not registered on this portal. For your safety, your choice is not sent to it.
error-demande-expired-title = Request expired
error-demande-expired-body = This sign-in request has expired or was already used. Go back to the online service's website and use its sign-in button again.
error-demande-answered-title = Sign-in request already completed
error-demande-answered-body = This sign-in request for { $demarche } is already completed: the online service has received its answer. To continue, go back to { $demarche }'s website.
error-demande-answered-unknown = the online service
error-federation-not-accepted-title = Sign-in service not accepted by this online service
error-federation-not-accepted-body = This online service does not accept { $federation }. Choose a sign-in service it accepts.
