## Answers to "You are…". For each population (stable id, see the configuration):
##   population-ID         the radio button label
##   population-ID-hint    a detail under the label
##   population-ID-help    the help page: who chooses this answer, with examples
##   population-ID-advice  when two services fit: which one to choose, in one sentence

population-particulier = An individual
population-particulier-hint = You are doing something for yourself or your family.
population-particulier-help = You are doing something personal: taxes, health, family, housing, ID papers… for yourself or for someone close to you.

population-professionnel = A professional
population-professionnel-hint = You are using this online service for your own work, in your own name, not on behalf of a company or an association.
population-professionnel-help = You are using this online service for your own professional activity (a job, self-employment, a liberal profession, volunteering), not on behalf of an organization. In health or social care, with a CPS card or the e-CPS app, choose "A health professional" instead.
population-professionnel-advice = Use ProConnect with your work email address. Pro Santé Connect fits if you work in health or social care with a CPS card or the e-CPS app.

population-professionnel-sante = A health professional
population-professionnel-sante-hint = Medicine, pharmacy, nursing, social or medico-social care, with or without a CPS card.
population-professionnel-sante-help = You work in health, social or medico-social care (medicine, pharmacy, nursing, physiotherapy…), in a practice, a facility or a hospital. With a CPS card or the e-CPS app, you will use Pro Santé Connect; without them, your work email address.
population-professionnel-sante-advice = Without a CPS card or the e-CPS app, choose ProConnect.

population-entreprise = A company or an association
population-entreprise-hint = You run it or act on its behalf (SIRET number): registering it, applying for support, answering a public administration.
population-entreprise-help = You represent a company or an association: you run it, or it asked you to act on its behalf, for example to register it, apply for support or answer a public administration. If the online service concerns your own work, choose "A professional" instead.

population-agent-etat = An employee of the State, a public hospital or a public body
population-agent-etat-hint = Ministry, prefecture, public hospital, university or other public body.
population-agent-etat-help = You work for a ministry, a prefecture, a public hospital, a university or another public body, and you are using this online service for that work. At a hospital, if you have a CPS card or the e-CPS app, choose the "health professional" answer instead.

population-agent-collectivite = An employee of a local authority
population-agent-collectivite-hint = Municipality, department, region or group of municipalities.
population-agent-collectivite-help = You work for a municipality, a department, a region or a group of municipalities, and you are using this online service for that work.
