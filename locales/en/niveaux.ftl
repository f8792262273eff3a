## Levels of assurance (eIDAS), FranceConnect+ and the sign-in services' status.
## The three levels have the eIDAS regulation's names: low (eidas1),
## substantial (eidas2), high (eidas3).

level-eidas1 = low
level-eidas2 = substantial
level-eidas3 = high

federation-franceconnect-plus-why = For online services that need an identity verified at the substantial or high level of assurance: you sign in with the France Identité app and your identity card.
federation-franceconnect-plus-what = FranceConnect+ is FranceConnect for sensitive online services: it guarantees the identity at the substantial or high level of assurance of the European eIDAS regulation, and asks you to authenticate again for each online service.
federation-franceconnect-plus-access = Administrations request access on FranceConnect’s partner site; for FranceConnect+, the portal publishes its encryption key at /federations/jwks.
niveaux-franceconnect-plus-needs = This online service asks for the { $level } level of assurance (European eIDAS regulation). You need the France Identité app on your phone and your credit-card-sized identity card.

niveaux-unavailable = { $federation } is temporarily unavailable.
niveaux-unavailable-alternative = Meanwhile, you can use { $federation }, offered on this page.
niveaux-unavailable-retry = Try again in a few minutes by reloading this page.

niveaux-status-up = Status: available (without interruption since { $since }).
niveaux-status-down = Status: unavailable since { $since }.
niveaux-status-unknown = Status: not checked yet.
niveaux-status-not-configured = Status: not configured on this portal.

error-level-not-offered-title = Level of assurance not offered by this service
error-level-not-offered-body = This online service asks for a level of assurance that { $federation } does not provide. Go back to the choice to use the right service.
step-up-title = Sign-in at the { $level } level requested
step-up-asked = { $demarche } asks for a sign-in at the { $level } level of assurance (European eIDAS regulation): you need to sign in again.
step-up-current = Your current sign-in, with { $federation }, is at the { $level } level: it is not enough for this online service.
step-up-needs = { $federation } will ask you to sign in again, with the means of sign-in that gives this level.
