## Textes communs à toutes les pages.
## Vocabulaire : « service de connexion » (FranceConnect, ProConnect, Pro
## Santé Connect), « démarche » (le service en ligne qui a envoyé la
## personne), « adresse électronique ». Pas de point médian : tournures
## neutres ou doublets complets.

site-name = Aiguillage
site-tagline = Le bon service de connexion de l’État pour votre démarche
header-home-title = Accueil – Aiguillage
skiplinks-label = Accès rapide
skiplinks-content = Contenu
skiplinks-footer = Pied de page
nav-help = Aide
nav-federations = Pour les administrations
lang-selector-label = Choisir la langue
footer-description = Aiguillage vous oriente vers le service de connexion de l’État qui vous correspond : FranceConnect, ProConnect ou Pro Santé Connect.
footer-accessibility = Accessibilité : { $status }
footer-licence = Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont proposés sous
footer-licence-name = licence etalab-2.0
new-window = nouvelle fenêtre
# Le titre (balise title) d’une page dont le formulaire a une erreur.
form-error-title = Erreur : { $title }
table-scroll-hint = Sur un petit écran, faites défiler le tableau vers la droite pour voir toutes les colonnes.

## Page d’accueil : « Vous êtes… »

home-title = Se connecter
home-intro = Indiquez votre situation : nous vous proposons le service de connexion de l’État qui vous correspond.
home-remembered = Vous avez déjà répondu : { $population }. Cette réponse est présélectionnée ci-dessous.
home-forget = Ce n’est pas moi : effacer cette réponse
home-question = Vous êtes…
home-question-hint = Choisissez la situation dans laquelle vous faites cette démarche.
home-missing-answer = Choisissez la situation qui vous correspond pour continuer.
home-error-title = Votre réponse est nécessaire
home-help = Je ne sais pas quoi répondre
home-continue = Continuer

## Page d’une situation : les boutons officiels

choice-title = Choisissez votre service de connexion
choice-one-title = Connectez-vous avec { $federation }
choice-none-title = Aucun service de connexion disponible ici
choice-down-title = { $federation } est momentanément indisponible
choice-down-several-title = Les services de connexion sont momentanément indisponibles
choice-down-body = C’est passager : réessayez dans quelques instants. Votre démarche vous attend, vous n’avez rien à refaire.
choice-down-retry = Réessayer
choice-none-body = Pour votre situation (« { $population } »), aucun service de connexion n’est proposé sur ce portail pour le moment : vous ne pouvez pas vous connecter ici.
choice-none-demarche = Revenez sur le site de « { $demarche } » : il vous indiquera comment faire votre démarche autrement.
choice-none-administration = Pour faire votre démarche, rendez-vous sur le site de l’administration concernée : elle vous indiquera comment procéder autrement. Si cette situation n’est pas la vôtre, modifiez votre réponse.
choice-not-configured = { $federation } n’est pas proposé sur ce portail pour le moment.
choice-change = Modifier ma réponse
choice-data-asked = En plus de votre identité, { $demarche } recevra de votre service de connexion :
# Les données qu’une démarche peut demander (ses « data scopes »), une clé
# data-scope-<nom> par scope ; un scope sans clé est affiché par son nom.
data-scope-organisation = l’organisation liée à votre numéro SIRET (nom, activité, commune), selon l’Annuaire des entreprises
data-scope-dgfip_rfr = votre revenu fiscal de référence (DGFiP)
choice-first = D’abord :
choice-otherwise = Sinon :
button-login-with = S’identifier avec
button-what-is = Qu’est-ce que { $federation } ?

## Page « Votre connexion » (sans démarche) et déconnexion

account-title = Votre connexion
account-intro = Votre connexion avec { $federation } est active. Voici les informations que ce service a transmises.
account-name = Nom
account-federation = Service de connexion
account-acr = Niveau de garantie
account-amr = Méthodes d’authentification
account-email = Adresse électronique
account-sub = Identifiant technique
account-caption = Informations transmises par { $federation }
account-field = Information
account-value = Valeur
account-organisation = Organisation (selon l’Annuaire des entreprises)
account-organisation-unnamed = Nom non diffusé
account-organisation-siret = SIRET { $siret }
account-organisation-local-authority = collectivité territoriale
account-organisation-public-body = organisme public
account-organisation-closed = établissement fermé
account-logout = Se déconnecter
not-logged-in-title = Aucune connexion en cours
not-logged-in-body = Aucune connexion n’est ouverte sur ce portail dans ce navigateur.
not-logged-in-action = Se connecter
logged-out-title = Déconnexion effectuée
logged-out-body = Votre connexion à ce portail est terminée.
logged-out-federation = Votre connexion à { $federation } est terminée aussi.
logged-out-again = Se connecter à nouveau
logout-confirm-title = Se déconnecter ?
logout-confirm-body = Voulez-vous mettre fin à votre connexion sur ce portail et auprès de votre service de connexion ?
logout-confirm-demarche = « { $demarche } » demande à mettre fin à votre connexion sur ce portail et auprès de votre service de connexion. Voulez-vous vous déconnecter ?
logout-confirm-yes = Me déconnecter
logout-confirm-no = Annuler

## Informations transmises par les services de connexion (page « Votre connexion »)

claim-uid = Identifiant dans votre organisation
claim-siret = Numéro SIRET de votre organisation
claim-siren = Numéro SIREN de votre organisation
claim-idp_id = Identifiant de votre fournisseur d’identité
claim-idp_acr = Niveau de garantie donné par votre fournisseur d’identité
claim-organizational_unit = Service
claim-organization_label = Organisation
claim-belonging_population = Catégorie
claim-phone_number = Téléphone
claim-birthdate = Date de naissance
claim-birthplace = Lieu de naissance (code INSEE)
claim-birthcountry = Pays de naissance (code INSEE)
claim-gender = Sexe
claim-preferred_username = Nom d’usage
claim-given_name_array = Prénoms
claim-SubjectNameID = Identifiant national (RPPS ou ADELI)
claim-SubjectRefPro = Données d’exercice professionnel
claim-SubjectOrganization = Structure d’exercice
claim-SubjectRole = Rôles
claim-codeCivilite = Civilité

## Connexion demandée par une démarche

demarche-title = Connexion à { $demarche }
demarche-back = Retour à { $demarche }
