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
federations-integrate-title = Integrating your online service
federations-integrate-intro = Aiguillage receives the person your online service sends, lets them choose the sign-in service that fits them, then sends them back to your online service, signed in. A plain link to the portal is not enough: your online service must be registered on the portal and send an OpenID Connect authorization request. Here are the steps.
federations-send-title = 1. What you send to the portal's operator
federations-send-intro = To register your online service, send the portal's operator:
federations-send-name = the online service's name, as people will read it ("Connexion à …");
federations-send-redirect = the address to come back to after sign-in (redirect_uri parameter), exactly as your online service will send it: the portal compares it character by character;
federations-send-logout = the address to come back to after sign-out (post_logout_redirect_uri parameter);
federations-send-populations = the situations of the people your online service serves (private individuals, health professionals, public servants…) and the sign-in services it accepts: the others are not offered;
federations-send-level = the level of assurance it needs: low by default; substantial is asked in each request (acr_values=eidas2) and only FranceConnect+ and the services able to give it provide it;
federations-send-data = the particular data to ask the sign-in services for, service by service (for instance FranceConnect's tax data), if any;
federations-send-client = the kind of application: with a server that keeps a secret (the usual case), or without a secret (mobile or single-page application, the PKCE challenge is then required); and the ID tokens' signature algorithm, if it is not RS256.
federations-send-back = In return, the operator gives you your online service's identifier (client_id parameter) and, unless it has no secret, its secret, by a secure channel.
federations-contact-publisher = Operator of this portal: { $publisher }.
federations-contact-none = The operator of this portal has not given a way to contact them yet. Ask the administration that sent you to this portal.
federations-oidc-title = 2. Configure your OpenID Connect library
federations-oidc-intro = Aiguillage is a standard OpenID Connect provider: any OpenID Connect library works, with no code of the portal's own. Give it this issuer, your online service's identifier and secret:
federations-oidc-discovery = Your library reads the portal's configuration (addresses, keys, algorithms) at this address:
federations-request-title = 3. The authorization request
federations-request-intro = Your online service's "Se connecter" button sends the person to an address like this one, which your library builds at each sign-in. The values in capitals are to be replaced:
federations-request-state = { $placeholder }: a random value of each sign-in (state parameter), kept in the person's session; the portal sends it back as is and your online service checks it is the same.
federations-request-nonce = { $placeholder }: another random value of each sign-in (nonce parameter), kept in the session; the ID token contains it and your online service checks it.
federations-request-challenge = { $placeholder }: the PKCE challenge (code_challenge parameter), computed from a random verifier kept in the session (its SHA-256 digest, base64url-encoded); your online service sends that verifier when it exchanges the code for the tokens.
federations-request-after = After sign-in, the portal sends the person back to your return address with a code and the same state value. Your online service exchanges that code for an ID token and an access token at the portal's token endpoint, with its secret and the PKCE verifier.
federations-code-title = 4. With openid-client (Node.js)
federations-code-intro = The example online service (examples/demarche in Aiguillage's repository) does exactly this; replace the values in capitals with yours:
federations-try-title = 5. Try it on your computer, without access to the sign-in services
federations-try-intro = Without credentials at the sign-in services, you can try the whole journey on your computer. From Aiguillage's repository, run:
federations-try-doubles = doubles of FranceConnect, ProConnect and Pro Santé Connect start on your computer (127.0.0.1): nothing leaves your computer;
federations-try-portal = the portal starts at http://localhost:3000, configured to use these doubles, with the example online service registered;
federations-try-demarche = the example online service starts at http://127.0.0.1:4000: click "Se connecter";
federations-try-accounts = test accounts, with any password: "angela" for FranceConnect, "jean.michel@test.proconnect.gouv.fr" for ProConnect, "899700218896" for Pro Santé Connect.
federations-try-limits = This setup listens on your computer only and is for trying only: it does not start with a public address.
federations-demarches-title = Online services registered on this portal
federations-demarches-intro = What the operator registered for each online service: check it matches what you sent.
federations-demarche-client-id = Identifier (client_id)
federations-demarche-redirect = Return addresses after sign-in
federations-demarche-logout = Return addresses after sign-out
federations-demarche-none = None
federations-demarche-federations = Accepted sign-in services
federations-demarche-populations = Situations served
federations-demarche-every-population = Every situation
federations-demarche-link = Sample authorization request for this online service:
