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
population-professionnel-hint = Vous agissez pour votre travail ou votre employeur, hors santé et hors administration.
population-professionnel-help = Vous travaillez dans une entreprise, à votre compte ou dans une association, et vous faites la démarche dans le cadre de ce travail.
population-professionnel-advice = Pro Santé Connect est réservé au secteur de la santé et du social, avec une carte CPS ou l’application e-CPS.

population-professionnel-sante = Un professionnel ou une professionnelle de santé
population-professionnel-sante-hint = Médecine, pharmacie, soins infirmiers, secteur social ou médico-social, avec ou sans carte CPS.
population-professionnel-sante-help = Vous exercez dans la santé, le social ou le médico-social (médecine, pharmacie, soins infirmiers, kinésithérapie…), en cabinet, en établissement ou à l’hôpital. Avec une carte CPS ou l’application e-CPS, vous utiliserez Pro Santé Connect ; sans elles, votre adresse électronique professionnelle.
population-professionnel-sante-advice = Sans carte CPS ni application e-CPS, choisissez ProConnect.

population-entreprise = Une entreprise ou une association
population-entreprise-hint = Vous agissez au nom d’une entreprise ou d’une association (numéro SIRET).
population-entreprise-help = Vous représentez une entreprise ou une association, par exemple pour la déclarer, demander une aide ou répondre à une administration en son nom.

population-agent-etat = Un agent ou une agente de l’État, d’un hôpital ou d’un établissement public
population-agent-etat-hint = Ministère, préfecture, hôpital public, université ou autre établissement public.
population-agent-etat-help = Vous travaillez pour un ministère, une préfecture, un hôpital public, une université ou un autre établissement public, et vous faites la démarche pour ce travail. À l’hôpital, si vous avez une carte CPS ou l’application e-CPS, choisissez plutôt la réponse « professionnel de santé ».

population-agent-collectivite = Un agent ou une agente d’une collectivité territoriale
population-agent-collectivite-hint = Commune, département, région ou intercommunalité.
population-agent-collectivite-help = Vous travaillez pour une commune, un département, une région ou une intercommunalité, et vous faites la démarche pour ce travail.
