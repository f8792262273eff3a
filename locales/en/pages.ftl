## Pages every French State site owes (accessibility, legal notice,
## personal data) and the help page. What depends on the operator comes
## from the [site] section of the configuration; what is missing there is
## said to be missing.

site-not-provided = Not provided by the operator of this portal.
site-contact-link = Contact the team of this portal
site-contact-none = The operator of this portal has not provided any contact yet. Ask the public administration that runs your online service.

## Help: "I don't know what to answer"

help-title = Which answer should I choose?
help-intro = Your answer is only used to offer you the right sign-in service. Choose the situation in which you are using this online service.
help-choose = Choose "{ $population }"
help-still-title = Still not sure?
help-still = For something personal, choose "An individual". For your work, choose the answer that best describes your employer or your activity. If in doubt, the public administration that runs the online service can help you.
help-back = Back to the question

## Accessibility statement (RGAA)

accessibility-title = Accessibility statement
accessibility-status-non-conforme = not compliant
accessibility-status-partiellement-conforme = partially compliant
accessibility-status-totalement-conforme = fully compliant
accessibility-commitment = { $publisher } is committed to making this portal accessible, in accordance with article 47 of French law no. 2005-102 of February 11, 2005.
accessibility-commitment-unknown = The publisher of this portal, whose name its operator has not provided, is committed to making it accessible, in accordance with article 47 of French law no. 2005-102 of February 11, 2005.
accessibility-scope = This accessibility statement applies to { $url }.
accessibility-status-title = Compliance status
accessibility-status-sentence = This portal is { $status } with the French accessibility framework (RGAA), version 4.1.2.
accessibility-results-title = Test results
accessibility-results-audit = This status comes from the compliance audit carried out on { $date }.
accessibility-results-auditor = The audit was carried out by { $auditor }.
accessibility-results-rate = It shows that { $rate }% of the criteria of RGAA version 4.1.2 are met.
accessibility-results-none = No RGAA compliance audit has been carried out yet: this is why this portal is declared not compliant.
accessibility-automated-checks = On every change, its pages are checked automatically (WCAG 2.1 level A and AA criteria, with the keyboard, without JavaScript and on a screen 320 pixels wide). These checks do not replace an audit.
accessibility-inaccessible-title = Content not accessible
accessibility-non-compliances-title = Non-compliances
accessibility-non-compliances-unknown = As no audit has been carried out yet, the non-compliances are not identified yet.
accessibility-non-compliances-not-provided = The operator of this portal has not listed any non-compliance found by the audit.
accessibility-derogations-title = Exemptions for disproportionate burden
accessibility-derogations-none = None.
accessibility-exempt-title = Content not subject to the accessibility obligation
accessibility-exempt = The pages of the sign-in services (FranceConnect, ProConnect, Pro Santé Connect) and of their identity providers, to which this portal sends you to sign in: they are not published by this portal, and each publishes its own accessibility statement.
accessibility-making-title = Preparation of this statement
accessibility-statement-date = This statement was prepared on { $date }.
accessibility-statement-date-unknown = The operator of this portal has not provided the date this statement was prepared.
accessibility-technologies-title = Technologies used to build the portal
accessibility-technology-css = CSS (French State design system)
accessibility-technology-js = JavaScript, optional: every page works without it
accessibility-environment-title = Test environment
accessibility-environment-audit = The checks of how content is rendered were made with:
accessibility-environment-automated = The automated checks run on every change in the Chromium browser, with the keyboard, with and without JavaScript, on screens 320 and 1,280 pixels wide, in French and in English.
accessibility-tools-title = Tools used to assess accessibility
accessibility-tool-axe = axe-core, which checks the WCAG 2.1 level A and AA criteria;
accessibility-tool-playwright = Playwright, which drives the browser for these checks and the keyboard checks.
accessibility-pages-title = Pages of the portal checked for compliance
accessibility-pages = Every page of the portal, in French and in English, listed in the
accessibility-feedback-title = Feedback and contact
accessibility-feedback = If you cannot access some content or a service, contact the publisher of this portal: they will offer you an accessible solution or the content in another form.
accessibility-remedy-title = Remedies
accessibility-remedy = If you report an accessibility problem that prevents you from accessing some content or a service and do not get a satisfactory answer, you can refer the matter to the Défenseur des droits (French rights ombudsman):
accessibility-remedy-form = Write a message to the Défenseur des droits
accessibility-remedy-delegate = Contact the Défenseur des droits delegate in your region
accessibility-remedy-mail = Write by post (free of charge, no stamp needed): Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07, France.

## Legal notice

legal-title = Legal notice
legal-publisher-title = Publisher
legal-director-title = Publication director
legal-host-title = Hosting
legal-contact-title = Contact
legal-accessibility-title = Accessibility
legal-accessibility = This portal is { $status } with the RGAA.
legal-licence-title = Content license
legal-licence = Unless otherwise stated, the texts of this portal are available under the
legal-brands = The FranceConnect, ProConnect and Pro Santé Connect names and logos, the State's logo block and the Marianne typeface remain the property of their owners and are not covered by this license.
legal-privacy-title = Personal data
legal-privacy = What this portal does with your data and the cookies it sets:

## Personal data and cookies

privacy-title = Personal data and cookies
privacy-intro = This portal connects you with a French State sign-in service, then passes your identity on to the online service you are signing in to. It creates no account: your data is kept only for the time of your sign-in.
privacy-controller-title = Data controller
privacy-controller = The data controller is { $publisher }.
privacy-controller-unknown = The data controller is the publisher of this portal, whose name its operator has not provided.
privacy-data-title = Data processed
privacy-data-intro = Depending on the sign-in service you use, this portal receives:
privacy-data-franceconnect = with FranceConnect: your given names, birth name, usual name, date of birth, email address, and the other data FranceConnect sends (for example gender, place and country of birth);
privacy-data-proconnect = with ProConnect: your given name and last name, work email address, identifier, your organization's SIRET number and your identity provider's identifier, and the other data ProConnect sends (for example phone number, department);
privacy-data-prosanteconnect = with Pro Santé Connect: your given name and last name, national identifier (RPPS or ADELI), profession, specialty and places of practice;
privacy-data-technical = in every case: the technical identifier the sign-in service gives you, the level of assurance and the methods of the sign-in.
privacy-data-demarche = The online service you sign in to receives this data, with an identifier of its own: two online services cannot match your sign-ins with it.
privacy-purpose-title = Purpose
privacy-purpose = This data is used only to sign you in to the online service you chose and to sign you out. This processing is part of the public interest task of the public administration that runs the online service (article 6.1.e of the GDPR).
privacy-recipients-title = Recipients
privacy-recipients = The sign-in service you choose, the online service you sign in to, and the team that runs this portal. No data is sold or used for any other purpose.
privacy-retention-title = Retention periods
privacy-retention-session = your sign-in: until you close your browser, after { $minutes } minutes without activity, and in any case { $hours } hours at most after you sign in;
privacy-retention-login = a sign-in in progress with a sign-in service: 10 minutes at most; an online service's request waiting for your choice: 15 minutes at most;
privacy-retention-demarche = what the online service collects: { $code } seconds for the single-use code, { $token } seconds for access to your information;
privacy-retention-logs = technical logs contain neither your identity data nor the parameters of the addresses visited.
privacy-cookies-title = Cookies
privacy-cookies-intro = This portal only sets the cookies it needs to work or that remember a choice you made. They therefore do not require your consent.
privacy-cookies-caption = Cookies set by this portal
privacy-cookie-name = Name
privacy-cookie-purpose = Purpose
privacy-cookie-duration = Duration
privacy-cookie-session = Keep you signed in and secure the sign-in in progress.
privacy-cookie-session-duration = Until you close your browser; your sign-in ends after { $minutes } minutes without activity, and in any case { $hours } hours after you sign in.
privacy-cookie-lang = Remember the language you chose.
privacy-cookie-lang-duration = 1 year
privacy-cookie-population = Remember your answer to "You are…" (can be cleared with "Not me").
privacy-cookie-population-duration = 90 days
privacy-cookies-none-else = No audience measurement, advertising or social network cookie.
privacy-rights-title = Your rights
privacy-rights = You can access the data about you, have it corrected, ask for it to be erased or object to its processing, by contacting the data controller. Your identity data itself is managed by your sign-in service and its identity providers.
privacy-cnil = If you believe your rights are not respected, you can file a complaint with the CNIL (French data protection authority):
privacy-cnil-link = File a complaint with the CNIL

## Site map

sitemap-title = Site map
sitemap-home = Home: "You are…"
