## The three French State sign-in services (brand names are not translated).

federation-franceconnect-why = With an account you already have: France Identité, impots.gouv.fr, ameli.fr, La Poste digital identity, MSA… No new password.
federation-franceconnect-what = FranceConnect lets individuals sign in to online services with an account they already have with an identity provider recognized by the State (France Identité, impots.gouv.fr, ameli.fr…).
federation-franceconnect-access = Public administrations request access on the FranceConnect partner website; a sandbox is provided for testing.

federation-proconnect-why = With your work email address: ProConnect takes you to your organization's account.
federation-proconnect-what = ProConnect is the digital identity of professionals: public employees, company employees and executives, associations. It passes on the organization (SIRET) and checks the email address.
federation-proconnect-access = Public administrations and their software vendors request access on the ProConnect partner website; a public test client lets you try it in the integration environment.

federation-prosanteconnect-why = With your CPS card or the e-CPS app; your professional practice data (RPPS) is passed on.
federation-prosanteconnect-what = Pro Santé Connect, run by the French Digital Health Agency (ANS), authenticates health, social and medico-social professionals with the CPS card or the e-CPS app.
federation-prosanteconnect-access = Software vendors and public administrations request access from the Digital Health Agency (industry website); a test environment (sandbox) is available.

## "For public administrations" page

federations-title = The French State sign-in services
federations-intro = Each French State sign-in service is meant for one audience. Aiguillage offers each person the one or ones that fit them. This page is for public administrations that want to use the portal.
federations-table-caption = Sign-in services available for each situation
federations-table-population = Situation
federations-yes = Yes
federations-no = No
federations-configured = Offered on this portal.
federations-not-configured = Not offered on this portal yet: its button does not appear.
federations-what-title = The services and how to get access
federations-partners-link = Request access to { $federation }
federations-integrate-title = The link to put on your form
federations-integrate-intro = Put this link on your online service's form: Aiguillage asks the person their situation and shows them the right sign-in button.
federations-integrate-more = To receive the signed-in person in your online service, register it with the team that runs this portal.
federations-oidc-title = Receiving the signed-in person (OpenID Connect)
federations-oidc-intro = Aiguillage is a standard OpenID Connect provider: configure any OpenID Connect library with this issuer, your online service's client id and secret. Discovery is at the issuer's address followed by /.well-known/openid-configuration.
federations-demarches-title = Online services registered on this portal
federations-demarche-accepts = Accepted sign-in services: { $federations }.
federations-demarche-link = Authorization link (built by your OpenID Connect library, with state, nonce and PKCE):
