## Texts shared by every page.
## Vocabulary (US English): "sign-in service" (FranceConnect, ProConnect,
## Pro Santé Connect), "online service" (the démarche that sent the
## person), "sign in" / "sign out", "email address".

site-name = Aiguillage
site-tagline = The right French State sign-in service for your online service
header-home-title = Home – Aiguillage
skiplinks-label = Quick access
skiplinks-content = Content
skiplinks-footer = Footer
nav-help = Help
nav-federations = For public administrations
lang-selector-label = Choose the language
footer-description = Aiguillage directs you to the French State sign-in service that fits you: FranceConnect, ProConnect or Pro Santé Connect.
footer-accessibility = Accessibility: { $status }
footer-licence = Unless otherwise stated for third-party intellectual property, the content of this site is available under the
footer-licence-name = etalab-2.0 license
new-window = new window
# The title (title tag) of a page whose form has an error.
form-error-title = Error: { $title }
table-scroll-hint = On a small screen, scroll the table sideways to see every column.

## Home page: "You are…"

home-title = Sign in
home-intro = Tell us your situation: we will offer you the French State sign-in service that fits you.
home-remembered = You already answered: { $population }. This answer is preselected below.
home-forget = Not me: clear this answer
home-question = You are…
home-question-hint = Choose the situation in which you are using this online service.
home-missing-answer = Choose the situation that fits you to continue.
home-error-title = Your answer is needed
home-help = I don't know what to answer
home-continue = Continue

## A situation's page: the official buttons

choice-title = Choose your sign-in service
choice-one-title = Sign in with { $federation }
choice-none-title = No sign-in service available here
choice-down-title = { $federation } is temporarily unavailable
choice-down-several-title = The sign-in services are temporarily unavailable
choice-down-body = This is temporary: try again in a few moments. Your online service is waiting for you, you have nothing to redo.
choice-down-retry = Try again
choice-none-body = For your situation ("{ $population }"), no sign-in service is offered on this portal at the moment: you cannot sign in here.
choice-none-demarche = Go back to "{ $demarche }": it will tell you how to proceed another way.
choice-none-administration = To complete your online service, go to the website of the public administration concerned: it will tell you how to proceed another way. If this situation is not yours, change your answer.
choice-not-configured = { $federation } is not offered on this portal at the moment.
choice-change = Change my answer
choice-data-asked = Besides your identity, { $demarche } will receive from your sign-in service:
# The data an online service may ask (its data scopes), one key
# data-scope-<name> per scope; a scope without a key is shown by its name.
data-scope-organisation = the organisation behind your SIRET number (name, activity, commune), according to the Annuaire des entreprises
data-scope-dgfip_rfr = your reference tax income (DGFiP)
choice-first = First:
choice-otherwise = Otherwise:
button-login-with = Sign in with
button-what-is = What is { $federation }?

## "Your sign-in" page (without an online service) and signing out

account-title = Your sign-in
account-intro = You are signed in with { $federation }. Here is the information this service sent.
account-name = Name
account-federation = Sign-in service
account-acr = Level of assurance
account-amr = Authentication methods
account-email = Email address
account-sub = Technical identifier
account-caption = Information sent by { $federation }
account-field = Item
account-value = Value
account-organisation = Organisation (according to the Annuaire des entreprises)
account-organisation-unnamed = Name not public
account-organisation-siret = SIRET { $siret }
account-organisation-local-authority = local authority
account-organisation-public-body = public body
account-organisation-closed = establishment closed
account-logout = Sign out
not-logged-in-title = Not signed in
not-logged-in-body = You are not signed in on this portal in this browser.
not-logged-in-action = Sign in
logged-out-title = Signed out
logged-out-body = You are signed out of this portal.
logged-out-federation = You are also signed out of { $federation }.
logged-out-again = Sign in again
logout-confirm-title = Sign out?
logout-confirm-body = Do you want to end your sign-in on this portal and with your sign-in service?
logout-confirm-demarche = "{ $demarche }" asks to end your sign-in on this portal and with your sign-in service. Do you want to sign out?
logout-confirm-yes = Sign me out
logout-confirm-no = Cancel

## Information sent by the sign-in services ("Your sign-in" page)

claim-uid = Identifier in your organization
claim-siret = Your organization's SIRET number
claim-siren = Your organization's SIREN number
claim-idp_id = Your identity provider's identifier
claim-idp_acr = Level of assurance given by your identity provider
claim-organizational_unit = Department
claim-organization_label = Organization
claim-belonging_population = Category
claim-phone_number = Phone number
claim-birthdate = Date of birth
claim-birthplace = Place of birth (INSEE code)
claim-birthcountry = Country of birth (INSEE code)
claim-gender = Sex
claim-preferred_username = Usual name
claim-given_name_array = Given names
claim-SubjectNameID = National identifier (RPPS or ADELI)
claim-SubjectRefPro = Professional practice data
claim-SubjectOrganization = Place of practice
claim-SubjectRole = Roles
claim-codeCivilite = Title

## Sign-in asked by an online service (démarche)

demarche-title = Sign in to { $demarche }
demarche-back = Back to { $demarche }
