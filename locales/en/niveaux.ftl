## Levels of assurance (eIDAS), FranceConnect+ and the login services' status.

federation-franceconnect-plus-why = For procedures that need an identity verified at a high level: you log in with the France Identité app and your identity card.
federation-franceconnect-plus-what = FranceConnect+ is FranceConnect for sensitive procedures: it guarantees the identity at the substantial or high level of the European eIDAS regulation, and each procedure asks for a new authentication.
federation-franceconnect-plus-access = Administrations request access on FranceConnect’s partner site; for FranceConnect+, the portal publishes its encryption key at /federations/jwks.
niveaux-franceconnect-plus-needs = This procedure asks for a high level of assurance. You need the France Identité app on your phone and your credit-card-sized identity card.

niveaux-unavailable = { $federation } is temporarily unavailable.
niveaux-unavailable-alternative = Meanwhile, you can use { $federation }, offered on this page.
niveaux-unavailable-retry = Try again in a few minutes by reloading this page.

niveaux-status-up = Status: available (without interruption since { $since }).
niveaux-status-down = Status: unavailable since { $since }.
niveaux-status-unknown = Status: not checked yet.
niveaux-status-not-configured = Status: not configured on this portal.

error-level-not-offered-title = Level of assurance not offered by this service
error-level-not-offered-body = This procedure asks for a level of assurance that { $federation } does not provide. Go back to the choice to use the right service.
