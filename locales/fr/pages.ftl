## Pages que tout site de l’État doit proposer (accessibilité, mentions
## légales, données personnelles) et page d’aide. Ce qui dépend de
## l’exploitant vient de la section [site] de la configuration ; ce qui
## n’y est pas est dit manquant.

site-not-provided = Non renseigné par l’exploitant de ce portail.
site-contact-link = Contacter l’équipe de ce portail
site-contact-none = Aucun moyen de contact n’a encore été renseigné par l’exploitant de ce portail. Adressez-vous à l’administration qui propose votre démarche.

## Aide : « Je ne sais pas quoi répondre »

help-title = Quelle réponse choisir ?
help-intro = Votre réponse sert seulement à vous proposer le bon service de connexion. Choisissez la situation dans laquelle vous faites cette démarche.
help-choose = Choisir « { $population } »
help-still-title = Vous hésitez encore ?
help-still = Pour une démarche personnelle, choisissez « Un particulier ». Pour votre travail, choisissez la réponse qui décrit le mieux votre employeur ou votre activité. En cas de doute, l’administration qui propose la démarche peut vous aider.
help-back = Revenir à la question

## Déclaration d’accessibilité (RGAA)

accessibility-title = Déclaration d’accessibilité
accessibility-status-non-conforme = non conforme
accessibility-status-partiellement-conforme = partiellement conforme
accessibility-status-totalement-conforme = totalement conforme
accessibility-commitment = { $publisher } s’engage à rendre ce portail accessible, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.
accessibility-commitment-unknown = L’éditeur de ce portail, dont le nom n’a pas été renseigné par son exploitant, s’engage à le rendre accessible, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.
accessibility-scope = Cette déclaration d’accessibilité s’applique à { $url }.
accessibility-status-title = État de conformité
accessibility-status-sentence = Ce portail est { $status } avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1.2.
accessibility-results-title = Résultats des tests
accessibility-results-audit = Ce statut est celui établi par l’audit de conformité réalisé le { $date }.
accessibility-results-auditor = L’audit a été réalisé par { $auditor }.
accessibility-results-rate = Il révèle que { $rate } % des critères du RGAA version 4.1.2 sont respectés.
accessibility-results-none = Aucun audit de conformité au RGAA n’a encore été réalisé : c’est pourquoi ce portail est déclaré non conforme.
accessibility-automated-checks = À chaque modification, ses pages sont vérifiées automatiquement (critères WCAG 2.1 de niveaux A et AA, au clavier, sans JavaScript et sur un écran de 320 pixels de large). Ces vérifications ne remplacent pas un audit.
accessibility-inaccessible-title = Contenus non accessibles
accessibility-non-compliances-title = Non-conformités
accessibility-non-compliances-unknown = Aucun audit n’ayant encore été réalisé, les non-conformités ne sont pas encore identifiées.
accessibility-non-compliances-not-provided = L’exploitant de ce portail n’a renseigné aucune non-conformité relevée par l’audit.
accessibility-derogations-title = Dérogations pour charge disproportionnée
accessibility-derogations-none = Aucune.
accessibility-exempt-title = Contenus non soumis à l’obligation d’accessibilité
accessibility-exempt = Les pages des services de connexion (FranceConnect, ProConnect, Pro Santé Connect) et de leurs fournisseurs d’identité, vers lesquelles ce portail vous dirige pour vous connecter : elles ne sont pas éditées par ce portail et chacune publie sa propre déclaration d’accessibilité.
accessibility-making-title = Établissement de cette déclaration
accessibility-statement-date = Cette déclaration a été établie le { $date }.
accessibility-statement-date-unknown = La date d’établissement de cette déclaration n’a pas été renseignée par l’exploitant de ce portail.
accessibility-technologies-title = Technologies utilisées pour la réalisation du portail
accessibility-technology-css = CSS (Système de design de l’État)
accessibility-technology-js = JavaScript, facultatif : toutes les pages fonctionnent sans
accessibility-environment-title = Environnement de test
accessibility-environment-audit = Les vérifications de restitution des contenus ont été réalisées avec :
accessibility-environment-automated = Les vérifications automatiques sont faites à chaque modification dans le navigateur Chromium, au clavier, avec et sans JavaScript, sur des écrans de 320 et de 1 280 pixels de large, en français et en anglais.
accessibility-tools-title = Outils pour évaluer l’accessibilité
accessibility-tool-axe = axe-core, qui vérifie les critères des WCAG 2.1 de niveaux A et AA ;
accessibility-tool-playwright = Playwright, qui pilote le navigateur pour ces vérifications et celles au clavier.
accessibility-pages-title = Pages du portail ayant fait l’objet de la vérification de conformité
accessibility-pages = Toutes les pages du portail, en français et en anglais, listées dans le
accessibility-feedback-title = Retour d’information et contact
accessibility-feedback = Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez l’éditeur de ce portail : il vous proposera une solution accessible ou le contenu sous une autre forme.
accessibility-remedy-title = Voies de recours
accessibility-remedy = Si vous signalez un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à un service et que vous n’obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits :
accessibility-remedy-form = Écrire un message au Défenseur des droits
accessibility-remedy-delegate = Contacter le délégué du Défenseur des droits dans votre région
accessibility-remedy-mail = Écrire par courrier postal (gratuit, sans timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.

## Mentions légales

legal-title = Mentions légales
legal-publisher-title = Éditeur
legal-director-title = Direction de la publication
legal-host-title = Hébergement
legal-contact-title = Contact
legal-accessibility-title = Accessibilité
legal-accessibility = Ce portail est { $status } avec le RGAA.
legal-licence-title = Licence des contenus
legal-licence = Sauf mention contraire, les textes de ce portail sont proposés sous
legal-brands = Les noms et logos FranceConnect, ProConnect et Pro Santé Connect, le bloc-marque de l’État et la police Marianne restent la propriété de leurs titulaires et ne sont pas couverts par cette licence.
legal-privacy-title = Données personnelles
legal-privacy = Ce que ce portail fait de vos données et les cookies qu’il dépose :

## Données personnelles et cookies

privacy-title = Données personnelles et cookies
privacy-intro = Ce portail vous met en relation avec un service de connexion de l’État, puis transmet votre identité à la démarche à laquelle vous vous connectez. Il ne crée pas de compte : vos données ne sont gardées que le temps de la connexion.
privacy-controller-title = Responsable du traitement
privacy-controller = Le responsable du traitement est { $publisher }.
privacy-controller-unknown = Le responsable du traitement est l’éditeur de ce portail, dont le nom n’a pas été renseigné par son exploitant.
privacy-data-title = Données traitées
privacy-data-intro = Selon le service de connexion utilisé, ce portail reçoit :
privacy-data-franceconnect = avec FranceConnect : vos prénoms, nom de naissance, nom d’usage, date de naissance, adresse électronique, et les autres données que FranceConnect transmet (par exemple sexe, lieu et pays de naissance) ;
privacy-data-proconnect = avec ProConnect : vos prénom et nom, adresse électronique professionnelle, identifiant, numéro SIRET de votre organisation et identifiant de votre fournisseur d’identité, et les autres données que ProConnect transmet (par exemple téléphone, service) ;
privacy-data-prosanteconnect = avec Pro Santé Connect : vos prénom et nom, identifiant national (RPPS ou ADELI), profession, spécialité et lieux d’exercice ;
privacy-data-technical = dans tous les cas : l’identifiant technique que le service de connexion vous attribue, le niveau de garantie et les méthodes de la connexion.
privacy-data-demarche = La démarche à laquelle vous vous connectez reçoit ces données, avec un identifiant qui lui est propre : deux démarches ne peuvent pas rapprocher vos connexions grâce à lui.
privacy-purpose-title = Finalité
privacy-purpose = Ces données servent uniquement à vous connecter à la démarche que vous avez choisie et à vous en déconnecter. Ce traitement relève de la mission d’intérêt public de l’administration qui propose la démarche (article 6.1.e du RGPD).
privacy-recipients-title = Destinataires
privacy-recipients = Le service de connexion que vous choisissez, la démarche à laquelle vous vous connectez, et l’équipe qui exploite ce portail. Aucune donnée n’est vendue ni utilisée à d’autres fins.
privacy-retention-title = Durées de conservation
privacy-retention-session = votre connexion : jusqu’à la fermeture du navigateur, après { $minutes } minutes sans activité, et dans tous les cas { $hours } heures au plus après la connexion ;
privacy-retention-login = une connexion en cours auprès d’un service de connexion : 10 minutes au plus ; une demande de démarche en attente de votre choix : 15 minutes au plus ;
privacy-retention-demarche = ce que la démarche récupère : { $code } secondes pour le code à usage unique, { $token } secondes pour l’accès à vos informations ;
privacy-retention-logs = les journaux techniques ne contiennent ni vos données d’identité ni les paramètres des adresses visitées.
privacy-cookies-title = Cookies
privacy-cookies-intro = Ce portail dépose seulement les cookies nécessaires à son fonctionnement ou qui retiennent un choix que vous avez fait. Ils ne demandent donc pas votre consentement.
privacy-cookies-caption = Cookies déposés par ce portail
privacy-cookie-name = Nom
privacy-cookie-purpose = Rôle
privacy-cookie-duration = Durée
privacy-cookie-session = Garder votre connexion et sécuriser la connexion en cours.
privacy-cookie-session-duration = Jusqu’à la fermeture du navigateur ; la connexion prend fin après { $minutes } minutes sans activité, et dans tous les cas { $hours } heures après la connexion.
privacy-cookie-lang = Retenir la langue que vous avez choisie.
privacy-cookie-lang-duration = 1 an
privacy-cookie-population = Retenir votre réponse à « Vous êtes… » (effaçable avec « Ce n’est pas moi »).
privacy-cookie-population-duration = 90 jours
privacy-cookies-none-else = Aucun cookie de mesure d’audience, de publicité ou de réseau social.
privacy-rights-title = Vos droits
privacy-rights = Vous pouvez accéder aux données vous concernant, les faire rectifier, demander leur effacement ou vous opposer à leur traitement, auprès du responsable du traitement. Vos données d’identité elles-mêmes sont gérées par votre service de connexion et ses fournisseurs d’identité.
privacy-cnil = Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL :
privacy-cnil-link = Adresser une plainte à la CNIL

## Plan du site

sitemap-title = Plan du site
sitemap-home = Accueil : « Vous êtes… »
