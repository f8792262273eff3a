## Texts shared by every page.

site-name = Aiguillage
site-tagline = Sign in to an online procedure with the right French State identity service
header-home-title = Home – Aiguillage
skiplinks-label = Quick access
skiplinks-content = Content
skiplinks-footer = Footer
nav-federations = Sign-in services
lang-selector-label = Choose the language
footer-description = Aiguillage directs each person to the French State sign-in service that fits them: FranceConnect, ProConnect or Pro Santé Connect.
footer-accessibility = Accessibility: being assessed
new-window = new window

## Home page: "You are…"

home-title = Sign in
home-intro = To reach your online procedure, tell us who you are: we will offer you the French State sign-in service that fits you.
home-remembered = On your last visit, you answered: { $population }. This answer is preselected below.
home-forget = Not me: clear this answer
home-question = You are…
home-question-hint = Choose the situation in which you are doing this procedure.
home-missing-answer = Tell us who you are to continue.
home-continue = Continue

## Choice page: the official buttons

choice-title = Choose your sign-in service
choice-change = Change my answer
choice-two-title = Two services fit you
choice-first = First:
choice-otherwise = Otherwise:
button-login-with = Sign in with
button-what-is = What is { $federation }?

## "My account" page (logged in without a démarche) and logout

account-title = You are logged in
account-intro = You are logged in with { $federation }. Here is the information it sent.
account-name = Name
account-federation = Sign-in service
account-acr = Level of assurance (acr)
account-amr = Authentication methods (amr)
account-email = Email address
account-sub = Identifier (sub)
account-caption = Information sent by { $federation }
account-field = Item
account-value = Value
account-logout = Log out
logged-out-title = You are logged out
logged-out-body = You are logged out of this portal.
logged-out-federation = You are also logged out of { $federation }.
logged-out-again = Log in again

## Login asked by an online service (démarche)

demarche-title = Log in to { $demarche }
