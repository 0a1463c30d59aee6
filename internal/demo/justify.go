package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// The large data set's justifications are written from these pieces: a
// verdict on the criterion that matches the rating, often the evidence it
// rests on, and now and then a long note such as an evaluator writes after
// a site visit. Evaluators write in French, in English, or in both.

// verdicts are indexed by band (0: ratings 1–2, 1: 3, 2: 4–5); %s is the
// criterion's name.
var verdictsEN = [3][]string{
	{
		"Weak on %s: the answers were generic and no evidence was offered.",
		"%s is a real concern; two of our questions are still unanswered.",
		"Below expectations on %s, and a reference client mentioned the same gap.",
		"Not convincing on %s: what they showed was a template, not their own practice.",
	},
	{
		"Acceptable on %s, but nothing beyond what the RFP asked for.",
		"%s: adequate, with an improvement plan that still needs dates.",
		"Average on %s; the site visit did not change my view of the written answer.",
		"Meets the basics on %s, no more.",
	},
	{
		"Strong on %s: what they told us matched what we saw on the floor.",
		"%s is a clear strength, confirmed by both references without hesitation.",
		"Best answer of the shortlist on %s, backed by figures from an existing client.",
		"Convincing on %s: documented, measured and already running for a comparable client.",
	},
}

var verdictsFR = [3][]string{
	{
		"Faible sur « %s » : réponses génériques, aucune preuve apportée.",
		"« %s » reste un vrai sujet d’inquiétude ; deux de nos questions sont toujours sans réponse.",
		"En dessous des attentes sur « %s », et un client référent a cité le même manque.",
		"Peu convaincant sur « %s » : ce qu’ils ont montré était un modèle, pas leur pratique réelle.",
	},
	{
		"Correct sur « %s », sans aller au-delà du cahier des charges.",
		"« %s » : suffisant, avec un plan d’amélioration qui n’a pas encore de dates.",
		"Moyen sur « %s » ; la visite sur site n’a pas changé mon avis sur la réponse écrite.",
		"Le minimum est assuré sur « %s », pas davantage.",
	},
	{
		"Solide sur « %s » : ce qu’ils ont annoncé correspond à ce que nous avons vu sur le plateau.",
		"« %s » est un point fort, confirmé sans hésitation par les deux références.",
		"Meilleure réponse de la short-list sur « %s », chiffres d’un client existant à l’appui.",
		"Convaincant sur « %s » : documenté, mesuré et déjà en place chez un client comparable.",
	},
}

var evidenceEN = []string{
	"Seen during the pilot week.",
	"Confirmed by a reference call with one of their clients.",
	"Checked against the documents in the data room.",
	"Observed during the site visit.",
	"Based on the written answers to the RFP, section 4.",
	"Their account director followed up in writing the next day.",
}

var evidenceFR = []string{
	"Constaté pendant la semaine pilote.",
	"Confirmé par l’appel de référence avec l’un de leurs clients.",
	"Vérifié sur les pièces de la data room.",
	"Relevé lors de la visite sur site.",
	"D’après les réponses écrites à l’appel d’offres, section 4.",
	"Leur directeur de compte a confirmé par écrit dès le lendemain.",
}

// details make a justification long, as after a site visit.
var detailsEN = []string{
	"The team lead walked us through last quarter's figures, including the weeks where they missed the service level, and explained what they changed afterwards.",
	"We asked for the raw data rather than the slide, and they sent it the next morning with a comment on every gap.",
	"Their proposal assumes our volumes stay flat; if the winter peak is as high as last year they would need about thirty more agents, which they say takes six weeks to hire and train.",
	"The quality manager has been with them for nine years, which is unusual in this market and shows in how consistently calls are scored.",
	"Strengths: a clear escalation procedure, a real-time dashboard shared with the client, a weekly review with written minutes. Weakness: no business-continuity test since 2023.",
	"Two agents we listened to handled an angry customer calmly and without reading a script; a third put the caller on hold twice to ask a supervisor.",
}

var detailsFR = []string{
	"Le responsable d’équipe nous a présenté les chiffres du dernier trimestre, y compris les semaines où le niveau de service n’a pas été tenu, et ce qu’ils ont changé ensuite.",
	"Nous avons demandé les données brutes plutôt que la présentation : elles sont arrivées le lendemain matin, avec un commentaire sur chaque écart.",
	"Leur proposition suppose des volumes stables ; si le pic d’hiver ressemble à celui de l’an dernier, il leur faudrait une trentaine de conseillers de plus, ce qui prend selon eux six semaines de recrutement et de formation.",
	"La responsable qualité est là depuis neuf ans, ce qui est rare dans ce secteur et se voit dans la régularité de la notation des écoutes.",
	"Points forts : procédure d’escalade claire, tableau de bord partagé en temps réel, revue hebdomadaire avec compte rendu écrit. Point faible : aucun test du plan de continuité depuis 2023.",
	"Deux conseillers écoutés ont géré un client très mécontent avec calme et sans lire de script ; un troisième a mis l’appelant deux fois en attente pour interroger son superviseur.",
}

// writer writes one evaluator's justifications.
type writer struct {
	rng    *rand.Rand
	french float64 // the share of justifications written in French
}

// justify explains a rating of c; it may be empty for a middle rating, as
// the justification policy of the demo evaluations allows.
func (w writer) justify(c *bpo.Criterion, value int) string {
	band := 1
	switch {
	case value <= 2:
		band = 0
	case value >= 4:
		band = 2
	}
	if band == 1 && w.rng.IntN(8) == 0 {
		return ""
	}
	verdicts, evidence, details, lang := verdictsEN, evidenceEN, detailsEN, "en"
	if w.rng.Float64() < w.french {
		verdicts, evidence, details, lang = verdictsFR, evidenceFR, detailsFR, "fr"
	}
	parts := []string{fmt.Sprintf(pick(w.rng, verdicts[band]), c.Name(lang))}
	if w.rng.IntN(3) > 0 {
		parts = append(parts, pick(w.rng, evidence))
	}
	if w.rng.IntN(12) == 0 {
		for _, i := range w.rng.Perm(len(details))[:3+w.rng.IntN(3)] {
			parts = append(parts, details[i])
		}
	}
	return strings.Join(parts, " ")
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }
