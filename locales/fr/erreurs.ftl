## Pages d’erreur. Chaque erreur a un titre et un texte ; le texte ne
## promet que ce qui est vrai pour la personne (les suites possibles sont
## ajoutées selon sa situation : error-hint-*).

error-action-home = Revenir à l’accueil
error-action-retry = Réessayer avec { $federation }
error-action-other-federation = Choisir un autre service de connexion
error-hint-other-services = Vous pouvez aussi utiliser un autre service de connexion qui vous correspond.
error-hint-back-to-demarche = Revenez sur le site de « { $demarche } » : il vous indiquera comment faire votre démarche autrement.
error-hint-administration = Pour faire votre démarche, rendez-vous sur le site de l’administration concernée : elle vous indiquera comment procéder autrement.

error-not-found-title = Page introuvable
error-not-found-body = La page que vous cherchez n’existe pas ou a été déplacée. Vérifiez l’adresse ou revenez à l’accueil.
error-unknown-population-title = Réponse inconnue
error-unknown-population-body = Cette situation ne fait pas partie des réponses proposées. Revenez à l’accueil pour indiquer la vôtre.
error-unknown-federation-title = Service de connexion inconnu
error-unknown-federation-body = Ce service de connexion n’existe pas sur ce portail. Revenez à l’accueil pour choisir le vôtre.
error-not-configured-title = Service de connexion indisponible sur ce portail
error-not-configured-body = { $federation } n’est pas proposé sur ce portail pour le moment : vous ne pouvez pas l’utiliser ici.
error-bad-request-title = Demande incorrecte
error-bad-request-body = Votre demande n’a pas pu être comprise. Revenez à l’accueil et recommencez.
error-method-not-allowed-title = Action non autorisée
error-method-not-allowed-body = Cette adresse ne s’utilise pas de cette façon. Revenez à l’accueil et recommencez.
error-internal-title = Problème technique
error-internal-body = Un problème technique est survenu sur ce portail. Réessayez dans quelques instants ; si le problème persiste, signalez-le à l’administration qui propose votre démarche.

error-unavailable-title = Service de connexion momentanément indisponible
error-unavailable-body = { $federation } ne répond pas pour le moment. Réessayez dans quelques minutes.
error-refused-access-denied-title = Connexion annulée
error-refused-access-denied-body = La connexion avec { $federation } a été annulée ou refusée. Vous pouvez réessayer.
error-refused-login-required-title = Connexion nécessaire
error-refused-login-required-body = { $federation } demande que vous vous connectiez. Réessayez pour saisir vos identifiants.
error-refused-server-error-title = Le service de connexion a rencontré un problème
error-refused-server-error-body = { $federation } n’a pas pu terminer votre connexion à cause d’un problème technique de son côté. Réessayez dans quelques minutes.
error-refused-other-title = Connexion impossible
error-refused-other-body = { $federation } n’a pas pu terminer votre connexion (code : { $code }). Réessayez ; si le problème persiste, signalez-le à l’administration qui propose votre démarche.
error-login-rejected-title = Connexion non vérifiée
error-login-rejected-body = La réponse de { $federation } n’a pas passé nos contrôles de sécurité : par prudence, aucune connexion n’a été ouverte. Recommencez depuis ce navigateur.
error-login-expired-title = Demande de connexion expirée
error-login-expired-body = Cette demande de connexion avec { $federation } a expiré ou a déjà été utilisée. Recommencez la connexion.
error-logout-unconfirmed-title = Déconnexion non confirmée
error-logout-unconfirmed-body = Votre connexion à ce portail est terminée, mais le retour du service de connexion n’a pas pu être vérifié. Pour mettre fin à toute connexion, fermez votre navigateur.
error-unknown-client-title = Démarche inconnue
error-unknown-client-body = Ce lien vient d’une démarche qui n’est pas enregistrée sur ce portail. Revenez sur le site de la démarche et signalez-lui le problème.
error-bad-redirect-uri-title = Adresse de retour refusée
error-bad-redirect-uri-body = La démarche a demandé une adresse de retour qui n’est pas enregistrée pour elle. Par sécurité, ce portail ne vous y envoie pas. Revenez sur le site de la démarche et signalez-lui le problème.
error-bad-logout-redirect-uri-title = Adresse de retour refusée
error-bad-logout-redirect-uri-body = Après la déconnexion, la démarche a demandé une adresse de retour qui n’est pas enregistrée pour elle. Par sécurité, ce portail ne vous y envoie pas.
error-bad-discovery-return-title = Adresse de retour refusée
error-bad-discovery-return-body = Le site d’où vous venez demande à recevoir votre choix à une adresse qui n’est pas enregistrée sur ce portail. Par sécurité, votre choix ne lui est pas transmis.
error-demande-expired-title = Demande expirée
error-demande-expired-body = Cette demande de connexion a expiré ou a déjà été utilisée. Revenez sur le site de la démarche et utilisez à nouveau son bouton de connexion.
error-demande-answered-title = Demande de connexion déjà terminée
error-demande-answered-body = Cette demande de connexion pour { $demarche } est déjà terminée : la démarche a reçu sa réponse. Pour continuer, retournez sur le site de { $demarche }.
error-demande-answered-unknown = la démarche
error-federation-not-accepted-title = Service de connexion non accepté par cette démarche
error-federation-not-accepted-body = Cette démarche n’accepte pas { $federation }. Choisissez un service de connexion qu’elle accepte.
