## Les réponses à « Vous êtes… ». Pour chaque population (identifiant
## stable, voir la configuration) :
##   population-ID         le libellé du bouton radio
##   population-ID-hint    une précision sous le libellé
##   population-ID-help    la page d’aide : qui choisit cette réponse, avec des exemples
##   population-ID-advice  quand deux services conviennent : lequel choisir, en une phrase

population-particulier = Un particulier
population-particulier-hint = Vous faites une démarche pour vous-même ou pour votre famille.
population-particulier-help = Vous faites une démarche personnelle : impôts, santé, famille, logement, papiers… pour vous-même ou pour un proche.

population-professionnel = Un professionnel ou une professionnelle
population-professionnel-hint = Vous faites la démarche pour votre métier, en votre nom, sans représenter une entreprise ou une association.
population-professionnel-help = Vous faites la démarche pour votre propre activité professionnelle (emploi, activité indépendante ou libérale, bénévolat), et non au nom de la structure. Dans la santé ou le social, avec une carte CPS ou l’application e-CPS, choisissez plutôt « Un professionnel ou une professionnelle de santé ».
population-professionnel-advice = Utilisez ProConnect avec votre adresse électronique professionnelle. Pro Santé Connect convient si vous travaillez dans la santé ou le social avec une carte CPS ou l’application e-CPS.

population-professionnel-sante = Un professionnel ou une professionnelle de santé
population-professionnel-sante-hint = Médecine, pharmacie, soins infirmiers, secteur social ou médico-social, avec ou sans carte CPS.
population-professionnel-sante-help = Vous exercez dans la santé, le social ou le médico-social (médecine, pharmacie, soins infirmiers, kinésithérapie…), en cabinet, en établissement ou à l’hôpital. Avec une carte CPS ou l’application e-CPS, vous utiliserez Pro Santé Connect ; sans elles, votre adresse électronique professionnelle.
population-professionnel-sante-advice = Sans carte CPS ni application e-CPS, choisissez ProConnect.

population-entreprise = Une entreprise ou une association
population-entreprise-hint = Vous la dirigez ou vous agissez en son nom (numéro SIRET) : déclaration, demande d’aide, réponse à une administration.
population-entreprise-help = Vous représentez une entreprise ou une association : vous la dirigez, ou elle vous a confié le soin d’agir en son nom, par exemple pour la déclarer, demander une aide ou répondre à une administration. Si la démarche concerne votre propre métier, choisissez plutôt « Un professionnel ou une professionnelle ».

population-agent-etat = Un agent ou une agente de l’État, d’un hôpital ou d’un établissement public
population-agent-etat-hint = Ministère, préfecture, hôpital public, université ou autre établissement public.
population-agent-etat-help = Vous travaillez pour un ministère, une préfecture, un hôpital public, une université ou un autre établissement public, et vous faites la démarche pour ce travail. À l’hôpital, si vous avez une carte CPS ou l’application e-CPS, choisissez plutôt la réponse « professionnel de santé ».

population-agent-collectivite = Un agent ou une agente d’une collectivité territoriale
population-agent-collectivite-hint = Commune, département, région ou intercommunalité.
population-agent-collectivite-help = Vous travaillez pour une commune, un département, une région ou une intercommunalité, et vous faites la démarche pour ce travail.
