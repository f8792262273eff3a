## Les réponses à « Vous êtes… ». Pour chaque population (identifiant
## stable, voir la configuration) :
##   population-ID         le libellé du bouton radio
##   population-ID-hint    une précision sous le libellé
##   population-ID-intro   la phrase en tête de la page de choix
##   population-ID-advice  quand deux services conviennent : lequel essayer d’abord et pourquoi

population-particulier = Un particulier
population-particulier-hint = Vous faites une démarche pour vous-même ou votre famille.
population-particulier-intro = En tant que particulier, vous vous connectez avec FranceConnect.
population-particulier-advice = FranceConnect est le seul service qui vous correspond.

population-professionnel = Un ou une professionnelle
population-professionnel-hint = Vous agissez pour votre activité professionnelle ou votre employeur.
population-professionnel-intro = En tant que professionnel ou professionnelle, vous pouvez vous connecter avec ProConnect ou Pro Santé Connect.
population-professionnel-advice = Essayez d’abord ProConnect avec votre adresse e-mail professionnelle. Si vous travaillez dans le secteur sanitaire ou social et disposez d’une carte CPS ou de l’application e-CPS, Pro Santé Connect est aussi possible.

population-professionnel-sante = Un ou une professionnelle de santé
population-professionnel-sante-hint = Médecin, pharmacien, infirmière, professionnel du secteur sanitaire ou médico-social…
population-professionnel-sante-intro = En tant que professionnel ou professionnelle de santé, vous pouvez vous connecter avec Pro Santé Connect ou ProConnect.
population-professionnel-sante-advice = Essayez d’abord Pro Santé Connect avec votre carte CPS ou l’application e-CPS : il transmet vos données d’exercice (RPPS). Sans carte ni e-CPS, utilisez ProConnect avec votre adresse e-mail professionnelle.

population-entreprise = Une entreprise
population-entreprise-hint = Vous représentez une entreprise ou une association (SIRET).
population-entreprise-intro = Pour une entreprise, vous vous connectez avec ProConnect.
population-entreprise-advice = ProConnect est le seul service qui vous correspond.

population-agent-etat = Un agent ou une agente de l’administration centrale
population-agent-etat-hint = Vous travaillez dans un ministère ou un service de l’État.
population-agent-etat-intro = En tant qu’agent de l’administration centrale, vous vous connectez avec ProConnect.
population-agent-etat-advice = ProConnect est le seul service qui vous correspond.

population-agent-collectivite = Un agent ou une agente d’une collectivité territoriale
population-agent-collectivite-hint = Vous travaillez pour une commune, un département, une région ou une intercommunalité.
population-agent-collectivite-intro = En tant qu’agent d’une collectivité territoriale, vous vous connectez avec ProConnect.
population-agent-collectivite-advice = ProConnect est le seul service qui vous correspond.
