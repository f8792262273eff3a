## Niveaux de garantie (eIDAS), FranceConnect+ et état des services de connexion.
## Les trois niveaux portent les noms du règlement eIDAS : faible (eidas1),
## substantiel (eidas2), élevé (eidas3).

level-eidas1 = faible
level-eidas2 = substantiel
level-eidas3 = élevé

federation-franceconnect-plus-why = Pour les démarches qui demandent une identité vérifiée au niveau de garantie substantiel ou élevé : vous vous connectez avec l’application France Identité et votre carte d’identité.
federation-franceconnect-plus-what = FranceConnect+ est la version de FranceConnect pour les démarches sensibles : il garantit l’identité au niveau de garantie substantiel ou élevé du règlement européen eIDAS, et vous demande de vous authentifier de nouveau à chaque démarche.
federation-franceconnect-plus-access = Les administrations demandent l’accès sur l’espace partenaires de FranceConnect ; le portail publie pour FranceConnect+ sa clé de chiffrement à l’adresse /federations/jwks.
niveaux-franceconnect-plus-needs = Cette démarche demande le niveau de garantie { $level } (règlement européen eIDAS). Il vous faut l’application France Identité sur votre téléphone et votre carte d’identité au format carte bancaire.

niveaux-unavailable = { $federation } est momentanément indisponible.
niveaux-unavailable-alternative = En attendant, vous pouvez utiliser { $federation }, proposé sur cette page.
niveaux-unavailable-retry = Réessayez dans quelques minutes en rechargeant cette page.

niveaux-status-up = État : disponible (sans interruption depuis { $since }).
niveaux-status-down = État : indisponible depuis { $since }.
niveaux-status-unknown = État : pas encore vérifié.
niveaux-status-not-configured = État : non configuré sur ce portail.

error-level-not-offered-title = Niveau de garantie non proposé par ce service
error-level-not-offered-body = Cette démarche demande un niveau de garantie que { $federation } ne fournit pas. Revenez au choix pour utiliser le service qui convient.
step-up-title = Connexion de niveau { $level } demandée
step-up-asked = { $demarche } demande une connexion de niveau de garantie { $level } (règlement européen eIDAS) : vous devez vous connecter à nouveau.
step-up-current = Votre connexion actuelle, avec { $federation }, est de niveau { $level } : elle ne suffit pas pour cette démarche.
step-up-needs = { $federation } vous demandera de vous authentifier à nouveau, avec le moyen de connexion qui donne ce niveau.
