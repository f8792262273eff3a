## Pages d’erreur. Chaque erreur a un titre et un texte.

error-code = Erreur { $status }
error-action-home = Revenir à l’accueil
error-action-federations = Voir les services de connexion

error-not-found-title = Page introuvable
error-not-found-body = La page que vous cherchez n’existe pas ou a été déplacée. Vérifiez l’adresse ou revenez à l’accueil.
error-unknown-population-title = Réponse inconnue
error-unknown-population-body = Cette situation ne fait pas partie des choix proposés. Revenez à l’accueil pour indiquer qui vous êtes.
error-unknown-federation-title = Service de connexion inconnu
error-unknown-federation-body = Ce service de connexion n’existe pas sur ce portail. Revenez à l’accueil pour choisir le vôtre.
error-not-configured-title = Service de connexion indisponible sur ce portail
error-not-configured-body = Cette fédération n’est pas configurée sur ce portail : { $federation } ne peut pas encore être utilisé ici. Contactez l’administration qui vous a orienté vers ce portail, ou choisissez un autre service s’il vous correspond.
error-bad-request-title = Demande incorrecte
error-bad-request-body = Votre demande n’a pas pu être comprise. Revenez à l’accueil et recommencez.
error-method-not-allowed-title = Action non autorisée
error-method-not-allowed-body = Cette adresse ne peut pas être utilisée de cette façon. Revenez à l’accueil et recommencez.
error-internal-title = Erreur inattendue
error-internal-body = Un problème technique est survenu de notre côté. Réessayez dans quelques instants ; si le problème persiste, contactez l’administration qui vous a orienté vers ce portail.

error-action-retry = Réessayer avec { $federation }
error-action-other-federation = Choisir un autre service de connexion
error-unavailable-title = Service de connexion momentanément indisponible
error-unavailable-body = { $federation } ne répond pas pour le moment. Réessayez dans quelques minutes ; les autres services de connexion restent disponibles.
error-refused-access-denied-title = Connexion annulée
error-refused-access-denied-body = La connexion avec { $federation } a été annulée ou refusée. Vous pouvez réessayer, ou choisir un autre service de connexion s’il vous correspond.
error-refused-login-required-title = Connexion nécessaire
error-refused-login-required-body = { $federation } demande que vous vous connectiez. Réessayez pour saisir vos identifiants.
error-refused-server-error-title = Le service de connexion a rencontré un problème
error-refused-server-error-body = { $federation } n’a pas pu terminer votre connexion à cause d’un problème technique de son côté. Réessayez dans quelques minutes.
error-refused-other-title = Connexion impossible
error-refused-other-body = { $federation } n’a pas pu terminer votre connexion (code : { $code }). Réessayez ; si le problème persiste, contactez l’administration qui vous a orienté vers ce portail.
error-login-rejected-title = Connexion non vérifiée
error-login-rejected-body = La réponse de { $federation } n’a pas passé nos contrôles de sécurité : par prudence, vous n’êtes pas connecté. Recommencez la connexion depuis ce navigateur.
error-login-expired-title = Demande de connexion expirée
error-login-expired-body = Cette demande de connexion avec { $federation } a expiré ou a déjà été utilisée. Recommencez la connexion.
error-logout-unconfirmed-title = Déconnexion non confirmée
error-logout-unconfirmed-body = Vous êtes déconnecté·e de ce portail, mais le retour du service de connexion n’a pas pu être vérifié. Pour être sûr·e d’être déconnecté·e partout, fermez votre navigateur.
