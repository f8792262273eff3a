## The three French State sign-in services (brand names are not translated).

federation-franceconnect-why = Use an account you already have (impots.gouv.fr, ameli.fr, La Poste digital identity, MSA…), with no new password.
federation-franceconnect-what = FranceConnect lets private individuals sign in to online services with an account they already hold with an identity provider recognised by the State.
federation-franceconnect-access = Administrations request access on the FranceConnect partner portal; a sandbox is provided for testing.

federation-proconnect-why = Sign in with your work e-mail address: ProConnect sends you to your organisation's account.
federation-proconnect-what = ProConnect is the digital identity of professionals: civil servants, employees and company directors, associations. It passes on the organisation (SIRET) and checks the e-mail address.
federation-proconnect-access = Administrations and their software vendors request access on the ProConnect partner portal; a public test client lets you try it in the integration environment.

federation-prosanteconnect-why = Sign in with your CPS card or the e-CPS app, which prove your identity as a health professional.
federation-prosanteconnect-what = Pro Santé Connect, run by the French Digital Health Agency (ANS), authenticates health, social and medico-social professionals with the CPS card or the e-CPS app.
federation-prosanteconnect-access = Software vendors and administrations request access from the Digital Health Agency (industry portal); a test environment (sandbox) is available.

## "Sign-in services" page

federations-title = The French State sign-in services
federations-intro = Each French State sign-in service is meant for one population. Aiguillage shows each person the one or ones that fit them.
federations-table-caption = Sign-in services available to each population
federations-table-population = Population
federations-yes = Yes
federations-no = No
federations-what-title = For administrations: the services and how to get access
federations-partners-link = Request access to { $federation }
federations-integrate-title = The link to put on your form
federations-integrate-intro = Put this link on your procedure's form: Aiguillage asks the person who they are and shows them the right sign-in button.
federations-integrate-more = To receive the signed-in person in your procedure, register your procedure with the team that runs this portal.
federations-oidc-title = Receiving the authenticated person (OpenID Connect)
federations-oidc-intro = Aiguillage is a standard OpenID Connect provider: configure any OpenID Connect library with this issuer, your online service's client id and secret. Discovery is at the issuer's address followed by /.well-known/openid-configuration.
federations-demarches-title = Online services registered on this portal
federations-demarche-accepts = Accepted sign-in services: { $federations }.
federations-demarche-link = Authorization link (built by your OpenID Connect library, with state, nonce and PKCE):
