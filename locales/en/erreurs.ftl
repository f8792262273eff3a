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
