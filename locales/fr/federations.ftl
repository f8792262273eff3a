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
federations-integrate-title = Le lien à mettre sur votre formulaire
federations-integrate-intro = Placez ce lien sur le formulaire de votre démarche : Aiguillage demande à la personne sa situation et lui présente le bon bouton de connexion.
federations-integrate-more = Pour recevoir la personne authentifiée dans votre démarche, déclarez votre démarche auprès de l’équipe qui exploite ce portail.
federations-oidc-title = Recevoir la personne authentifiée (OpenID Connect)
federations-oidc-intro = Aiguillage est un fournisseur OpenID Connect standard : configurez n’importe quelle bibliothèque OpenID Connect avec cet émetteur, l’identifiant et le secret de votre démarche. La découverte se trouve à l’adresse de l’émetteur suivie de /.well-known/openid-configuration.
federations-demarches-title = Démarches enregistrées sur ce portail
federations-demarche-accepts = Services de connexion acceptés : { $federations }.
federations-demarche-link = Lien d’autorisation (construit par votre bibliothèque OpenID Connect, avec state, nonce et PKCE) :
