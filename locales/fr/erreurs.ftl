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
