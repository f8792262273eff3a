## Answers to "You are…". For each population (stable id, see the configuration):
##   population-ID         the radio button label
##   population-ID-hint    a detail under the label
##   population-ID-intro   the sentence at the top of the choice page
##   population-ID-advice  when two services fit: which one to try first and why

population-particulier = A private individual
population-particulier-hint = You are doing a procedure for yourself or your family.
population-particulier-intro = As a private individual, you sign in with FranceConnect.
population-particulier-advice = FranceConnect is the only service that fits you.

population-professionnel = A professional
population-professionnel-hint = You act for your professional activity or your employer.
population-professionnel-intro = As a professional, you can sign in with ProConnect or Pro Santé Connect.
population-professionnel-advice = Try ProConnect first, with your work e-mail address. If you work in the health or social sector and have a CPS card or the e-CPS app, Pro Santé Connect is also possible.

population-professionnel-sante = A health professional
population-professionnel-sante-hint = Doctor, pharmacist, nurse, health, social or medico-social professional…
population-professionnel-sante-intro = As a health professional, you can sign in with Pro Santé Connect or ProConnect.
population-professionnel-sante-advice = Try Pro Santé Connect first, with your CPS card or the e-CPS app: it passes on your professional practice data (RPPS). Without a card or e-CPS, use ProConnect with your work e-mail address.

population-entreprise = A company
population-entreprise-hint = You represent a company or an association (SIRET).
population-entreprise-intro = For a company, you sign in with ProConnect.
population-entreprise-advice = ProConnect is the only service that fits you.

population-agent-etat = A civil servant in central government
population-agent-etat-hint = You work in a ministry or a State department.
population-agent-etat-intro = As a civil servant in central government, you sign in with ProConnect.
population-agent-etat-advice = ProConnect is the only service that fits you.

population-agent-collectivite = An employee of a local authority
population-agent-collectivite-hint = You work for a municipality, a department, a region or an inter-municipal body.
population-agent-collectivite-intro = As an employee of a local authority, you sign in with ProConnect.
population-agent-collectivite-advice = ProConnect is the only service that fits you.
