## Les trois services de connexion de l’État (les noms de marque ne se traduisent pas).

federation-franceconnect-why = Avec un compte que vous avez déjà : France Identité, impots.gouv.fr, ameli.fr, l’Identité Numérique La Poste, MSA… Pas de nouveau mot de passe.
federation-franceconnect-what = FranceConnect permet aux particuliers de se connecter aux services en ligne avec un compte qu’ils ont déjà auprès d’un fournisseur d’identité reconnu par l’État (France Identité, impots.gouv.fr, ameli.fr…).
federation-franceconnect-access = Les administrations demandent l’accès sur l’espace partenaires de FranceConnect ; un bac à sable est fourni pour les essais.

federation-proconnect-why = Avec votre adresse électronique professionnelle : ProConnect vous dirige vers le compte de votre organisation.
federation-proconnect-what = ProConnect est l’identité numérique des professionnels : agents publics, salariés et dirigeants d’entreprise, associations. Il transmet l’organisation (SIRET) et vérifie l’adresse électronique.
federation-proconnect-access = Les administrations et leurs éditeurs demandent l’accès sur l’espace partenaires de ProConnect ; un client de test public permet d’essayer en intégration.

federation-prosanteconnect-why = Avec votre carte CPS ou l’application e-CPS ; vos données d’exercice (RPPS) sont transmises.
federation-prosanteconnect-what = Pro Santé Connect, opéré par l’Agence du numérique en santé, authentifie les professionnels des secteurs sanitaire, médico-social et social avec la carte CPS ou l’application e-CPS.
federation-prosanteconnect-access = Les éditeurs et administrations demandent l’accès auprès de l’Agence du numérique en santé (espace industriels) ; un environnement de test (bac à sable) est proposé.

## Page « Pour les administrations »

federations-title = Les services de connexion de l’État
federations-intro = Chaque service de connexion de l’État s’adresse à un public. Aiguillage propose à chaque personne celui ou ceux qui lui correspondent. Cette page s’adresse aux administrations qui veulent utiliser le portail.
federations-table-caption = Services de connexion utilisables selon la situation
federations-table-population = Situation
federations-yes = Oui
federations-no = Non
federations-configured = Proposé sur ce portail.
federations-not-configured = Pas encore proposé sur ce portail : son bouton n’apparaît pas.
federations-what-title = Les services et leur accès
federations-partners-link = Demander l’accès à { $federation }
federations-integrate-title = Intégrer votre démarche
federations-integrate-intro = Aiguillage reçoit la personne envoyée par votre démarche, lui fait choisir le service de connexion qui lui correspond, puis la renvoie à votre démarche, connectée. Un simple lien vers le portail ne suffit pas : votre démarche doit être inscrite sur le portail et envoyer une demande d’autorisation OpenID Connect. Voici les étapes.
federations-send-title = 1. Ce que vous envoyez à l’exploitant du portail
federations-send-intro = Pour inscrire votre démarche, envoyez à l’exploitant du portail :
federations-send-name = le nom de la démarche, tel que les personnes le liront (« Connexion à … ») ;
federations-send-redirect = l’adresse de retour après connexion (paramètre redirect_uri), exactement comme votre démarche l’enverra : le portail la compare caractère par caractère ;
federations-send-logout = l’adresse de retour après déconnexion (paramètre post_logout_redirect_uri) ;
federations-send-populations = les situations des personnes que la démarche accueille (particuliers, professionnels de santé, agents publics…) et les services de connexion qu’elle accepte : les autres ne sont pas proposés ;
federations-send-level = le niveau de garantie nécessaire : faible par défaut ; le niveau substantiel se demande dans chaque demande (acr_values=eidas2) et n’est fourni que par FranceConnect+ et les services qui le permettent ;
federations-send-data = les données particulières à demander aux services de connexion, service par service (par exemple les données fiscales de FranceConnect), s’il y en a ;
federations-send-client = le type d’application : avec un serveur qui garde un secret (cas le plus courant), ou sans secret (application mobile ou application d’une seule page, le défi PKCE est alors obligatoire) ; et l’algorithme de signature des jetons d’identité, s’il n’est pas RS256.
federations-send-back = En retour, l’exploitant vous transmet l’identifiant de votre démarche (paramètre client_id) et, sauf application sans secret, son secret, par un moyen sûr.
federations-contact-publisher = Exploitant de ce portail : { $publisher }.
federations-contact-none = L’exploitant de ce portail n’a pas encore indiqué de moyen de contact. Adressez-vous à l’administration qui vous a orienté vers ce portail.
federations-oidc-title = 2. Configurer votre bibliothèque OpenID Connect
federations-oidc-intro = Aiguillage est un fournisseur OpenID Connect standard : n’importe quelle bibliothèque OpenID Connect convient, sans code propre au portail. Donnez-lui cet émetteur, l’identifiant et le secret de votre démarche :
federations-oidc-discovery = Votre bibliothèque lit la configuration du portail (adresses, clés, algorithmes) à cette adresse :
federations-request-title = 3. La demande d’autorisation
federations-request-intro = Le bouton « Se connecter » de votre démarche envoie la personne à une adresse de ce type, que votre bibliothèque construit à chaque connexion. Les valeurs en majuscules sont à remplacer :
federations-request-state = { $placeholder } : une valeur aléatoire propre à chaque connexion (paramètre state), gardée dans la session de la personne ; le portail la renvoie telle quelle et votre démarche vérifie qu’elle est identique.
federations-request-nonce = { $placeholder } : une autre valeur aléatoire propre à chaque connexion (paramètre nonce), gardée dans la session ; le jeton d’identité la contient et votre démarche la vérifie.
federations-request-challenge = { $placeholder } : le défi PKCE (paramètre code_challenge), calculé à partir d’un vérificateur aléatoire gardé dans la session (empreinte SHA-256 encodée en base64url) ; votre démarche envoie ce vérificateur quand elle échange le code contre les jetons.
federations-request-after = Après la connexion, le portail renvoie la personne à votre adresse de retour avec un code et la même valeur state. Votre démarche échange ce code auprès du portail contre un jeton d’identité et un jeton d’accès, avec son secret et le vérificateur PKCE.
federations-code-title = 4. Avec openid-client (Node.js)
federations-code-intro = La démarche d’exemple (dossier examples/demarche du dépôt d’Aiguillage) fait exactement ceci ; les valeurs en majuscules sont à remplacer par les vôtres :
federations-try-title = 5. Essayer sur votre poste, sans accès aux services de connexion
federations-try-intro = Sans identifiants auprès des services de connexion, vous pouvez essayer tout le parcours sur votre poste. Depuis le dépôt d’Aiguillage, lancez :
federations-try-doubles = des doublures de FranceConnect, ProConnect et Pro Santé Connect démarrent sur votre poste (127.0.0.1) : rien ne sort de votre poste ;
federations-try-portal = le portail démarre à l’adresse http://localhost:3000, configuré pour utiliser ces doublures, avec la démarche d’exemple inscrite ;
federations-try-demarche = la démarche d’exemple démarre à l’adresse http://127.0.0.1:4000 : cliquez sur « Se connecter » ;
federations-try-accounts = comptes d’essai, avec n’importe quel mot de passe : « angela » pour FranceConnect, « jean.michel@test.proconnect.gouv.fr » pour ProConnect, « 899700218896 » pour Pro Santé Connect.
federations-try-limits = Ce montage n’écoute que sur votre poste et ne sert qu’aux essais : il ne se lance pas avec une adresse publique.
federations-demarches-title = Démarches inscrites sur ce portail
federations-demarches-intro = Ce que l’exploitant a inscrit pour chaque démarche : vérifiez que cela correspond à ce que vous avez envoyé.
federations-demarche-client-id = Identifiant (client_id)
federations-demarche-redirect = Adresses de retour après connexion
federations-demarche-logout = Adresses de retour après déconnexion
federations-demarche-none = Aucune
federations-demarche-federations = Services de connexion acceptés
federations-demarche-populations = Situations accueillies
federations-demarche-every-population = Toutes les situations
federations-demarche-link = Exemple de demande d’autorisation pour cette démarche :
