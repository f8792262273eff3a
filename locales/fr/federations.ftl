## Les trois services de connexion de l’État (les noms de marque ne se traduisent pas).

federation-franceconnect-why = Utilisez un compte que vous avez déjà (impots.gouv.fr, ameli.fr, l’Identité Numérique La Poste, MSA…), sans créer de nouveau mot de passe.
federation-franceconnect-what = FranceConnect permet aux particuliers de se connecter aux services en ligne avec un compte qu’ils possèdent déjà auprès d’un fournisseur d’identité reconnu par l’État.
federation-franceconnect-access = Les administrations demandent l’accès sur l’espace partenaires de FranceConnect ; un bac à sable est fourni pour les tests.

federation-proconnect-why = Connectez-vous avec votre adresse e-mail professionnelle : ProConnect vous oriente vers le compte de votre organisation.
federation-proconnect-what = ProConnect est l’identité numérique des professionnels : agents publics, salariés et dirigeants d’entreprise, associations. Il transmet l’organisation (SIRET) et vérifie l’adresse e-mail.
federation-proconnect-access = Les administrations et leurs éditeurs demandent l’accès sur l’espace partenaires de ProConnect ; un client de test public permet d’essayer en intégration.

federation-prosanteconnect-why = Connectez-vous avec votre carte CPS ou l’application e-CPS, qui attestent votre identité de professionnel de santé.
federation-prosanteconnect-what = Pro Santé Connect, opéré par l’Agence du numérique en santé, authentifie les professionnels des secteurs sanitaire, médico-social et social avec la carte CPS ou l’application e-CPS.
federation-prosanteconnect-access = Les éditeurs et administrations demandent l’accès auprès de l’Agence du numérique en santé (espace industriels) ; un environnement de test (bac à sable) est proposé.

## Page « Services de connexion »

federations-title = Les services de connexion de l’État
federations-intro = Chaque service de connexion de l’État s’adresse à une population. Aiguillage présente à chaque personne celui ou ceux qui lui correspondent.
federations-table-caption = Services de connexion utilisables par population
federations-table-population = Population
federations-yes = Oui
federations-no = Non
federations-what-title = Pour les administrations : les services et leur accès
federations-partners-link = Demander l’accès à { $federation }
federations-integrate-title = Le lien à mettre sur votre formulaire
federations-integrate-intro = Placez ce lien sur le formulaire de votre démarche : Aiguillage demande à la personne qui elle est et lui présente le bon bouton de connexion.
federations-integrate-more = Pour recevoir la personne authentifiée dans votre démarche, déclarez votre démarche auprès de l’équipe qui exploite ce portail.
federations-oidc-title = Recevoir la personne authentifiée (OpenID Connect)
federations-oidc-intro = Aiguillage est un fournisseur OpenID Connect standard : configurez n’importe quelle bibliothèque OpenID Connect avec cet émetteur (issuer), l’identifiant et le secret de votre démarche. La découverte se trouve à l’adresse de l’émetteur suivie de /.well-known/openid-configuration.
federations-demarches-title = Démarches enregistrées sur ce portail
federations-demarche-accepts = Services de connexion acceptés : { $federations }.
federations-demarche-link = Lien d’autorisation (construit par votre bibliothèque OpenID Connect, avec state, nonce et PKCE) :
