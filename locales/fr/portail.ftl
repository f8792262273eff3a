## Textes communs à toutes les pages.

site-name = Aiguillage
site-tagline = Se connecter à une démarche avec le bon service d’identité de l’État
header-home-title = Accueil – Aiguillage
skiplinks-label = Accès rapide
skiplinks-content = Contenu
skiplinks-footer = Pied de page
nav-federations = Services de connexion
lang-selector-label = Choisir la langue
footer-description = Aiguillage oriente chaque personne vers le service de connexion de l’État qui lui correspond : FranceConnect, ProConnect ou Pro Santé Connect.
footer-accessibility = Accessibilité : en cours de vérification
new-window = nouvelle fenêtre

## Page d’accueil : « Vous êtes… »

home-title = Se connecter
home-intro = Pour accéder à votre démarche, indiquez qui vous êtes : nous vous proposerons le service de connexion de l’État qui vous correspond.
home-remembered = Lors de votre dernière visite, vous avez indiqué : { $population }. Cette réponse est présélectionnée ci-dessous.
home-forget = Ce n’est pas moi : effacer cette réponse
home-question = Vous êtes…
home-question-hint = Choisissez la situation dans laquelle vous faites cette démarche.
home-missing-answer = Indiquez qui vous êtes pour continuer.
home-continue = Continuer

## Page de choix : les boutons officiels

choice-title = Choisissez votre service de connexion
choice-change = Modifier ma réponse
choice-two-title = Deux services vous correspondent
choice-first = D’abord :
choice-otherwise = Sinon :
button-login-with = S’identifier avec
button-what-is = Qu’est-ce que { $federation } ?

## Page « Mon compte » (personne connectée sans démarche) et déconnexion

account-title = Vous êtes connecté·e
account-intro = Vous êtes connecté·e avec { $federation }. Voici les informations transmises.
account-name = Nom
account-federation = Service de connexion
account-acr = Niveau de garantie (acr)
account-amr = Méthodes d’authentification (amr)
account-email = Adresse électronique
account-sub = Identifiant (sub)
account-caption = Informations transmises par { $federation }
account-field = Information
account-value = Valeur
account-logout = Se déconnecter
logged-out-title = Vous êtes déconnecté·e
logged-out-body = Vous êtes déconnecté·e de ce portail.
logged-out-federation = Vous êtes aussi déconnecté·e de { $federation }.
logged-out-again = Se connecter à nouveau

## Connexion demandée par une démarche

demarche-title = Connexion à { $demarche }
