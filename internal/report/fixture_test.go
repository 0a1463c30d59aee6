package report_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// The large evaluation: 12 vendors × 30 criteria × 8 evaluators, every
// rating justified at length in French, names that need every accent.
var (
	largeVendors = []string{
		"Atlas Relation Client", "Wisła Outsourcing Kraków", "Ümraniye Çağrı Merkezi", "São Paulo Atendimento Ltda",
		"Nørre Kundeservice ApS", "Łódź Customer Care", "Bâtir Services Clients SAS", "Česká Podpora Zákazníků s.r.o.",
		"Île-de-France Relation Client & Associés, centre de contacts multilingue spécialisé dans l’énergie et les télécommunications",
		"Hà Nội Việt Contact", "Zürich Backoffice AG", "Ñandú Contact Center",
	}
	largeEvaluators = []string{
		"Élodie Martin", "Karim Benali", "Sophie Dubois", "James O’Connor",
		"Zoé Lefèvre-Ançelin", "Øyvind Hansen", "Mária Horváth", "Loïc Le Guénnec",
	}
	// A long French criterion name, to wrap in every table.
	longCriterion = "Capacité à reprendre l’historique des dossiers clients « en cours » sans interruption de service ni perte de données"
)

// leafSpec is a criterion of the large evaluation.
type leafSpec struct {
	key, en, fr string
	weight      float64
	unit        string // measured when set
	better      string
	best, worst *float64
	limit, min  *float64
	lo, hi      float64 // the vendors' figures are drawn in lo…hi
}

func ptr(v float64) *float64 { return &v }

var largeCategories = []struct {
	key, en, fr string
	weight      float64
	leaves      []leafSpec
}{
	{"quality", "Service quality", "Qualité de service", 35, []leafSpec{
		{key: "policies", en: "Policies & procedures", fr: "Politiques et procédures", weight: 20, min: ptr(2)},
		{key: "expertise", en: "Process expertise", fr: "Expertise métier", weight: 20},
		{key: "training", en: "Training of agents", fr: "Formation des conseillers", weight: 15},
		{key: "qa", en: "Quality assurance", fr: "Assurance qualité", weight: 15},
		{key: "reporting", en: "Reporting", fr: "Pilotage et reporting", weight: 15},
		{key: "continuity", en: "Business continuity", fr: "Continuité d’activité", weight: 15},
	}},
	{"sla", "Service levels", "Niveaux de service", 25, []leafSpec{
		{key: "aht", en: "Average handling time", fr: "Durée moyenne de traitement", weight: 20, unit: "s", better: "lower", best: ptr(240), worst: ptr(420), lo: 230, hi: 430},
		{key: "asa", en: "Average speed of answer", fr: "Délai moyen de réponse", weight: 20, unit: "s", better: "lower", best: ptr(15), worst: ptr(60), lo: 10, hi: 70},
		{key: "abandon", en: "Abandonment rate", fr: "Taux d’abandon", weight: 15, unit: "%", better: "lower", best: ptr(2), worst: ptr(10), lo: 1.5, hi: 11},
		{key: "fcr", en: "First-contact resolution", fr: "Résolution au premier contact", weight: 15, unit: "%", better: "higher", best: ptr(85), worst: ptr(60), lo: 55, hi: 90},
		{key: "csat", en: "Customer satisfaction", fr: "Satisfaction client", weight: 15, unit: "%", better: "higher", lo: 70, hi: 95},
		{key: "escalation", en: "Escalation handling", fr: "Gestion des escalades", weight: 15},
	}},
	{"cost", "Cost", "Coût", 20, []leafSpec{
		{key: "price", en: "Price per FTE per month", fr: "Prix par ETP et par mois", weight: 50, unit: "€", better: "lower", limit: ptr(3400), lo: 1800, hi: 3500},
		{key: "setup", en: "Set-up fee", fr: "Frais de mise en place", weight: 10, unit: "€", better: "lower", lo: 20000, hi: 90000},
		{key: "transparency", en: "Pricing transparency", fr: "Transparence tarifaire", weight: 10},
		{key: "invoicing", en: "Invoice quality", fr: "Qualité de la facturation", weight: 10},
		{key: "flexibility", en: "Volume flexibility", fr: "Flexibilité des volumes", weight: 10},
		{key: "benchmark", en: "Price benchmarking clause", fr: "Clause d’étalonnage des prix", weight: 10},
	}},
	{"transition", "Transition & security", "Transition et sécurité", 10, []leafSpec{
		{key: "gdpr", en: "GDPR compliance", fr: "Conformité au RGPD", weight: 25, min: ptr(2)},
		{key: "security", en: "Information security", fr: "Sécurité de l’information", weight: 20},
		{key: "migration", en: longCriterion, fr: longCriterion, weight: 15},
		{key: "plan", en: "Transition plan", fr: "Plan de transition", weight: 15},
		{key: "tools", en: "Tools and integration", fr: "Outils et intégration", weight: 15},
		{key: "exit", en: "Reversibility", fr: "Réversibilité", weight: 10},
	}},
	{"culture", "Relationship & culture", "Relation et culture", 10, []leafSpec{
		{key: "language", en: "French language quality", fr: "Qualité du français", weight: 25},
		{key: "fit", en: "Cultural fit", fr: "Adéquation culturelle", weight: 20},
		{key: "communication", en: "Communication responsiveness", fr: "Réactivité de la communication", weight: 15},
		{key: "governance", en: "Governance", fr: "Gouvernance", weight: 15},
		{key: "innovation", en: "Innovation", fr: "Innovation", weight: 15},
		{key: "references", en: "References", fr: "Références", weight: 10},
	}},
}

// Fragments of the evaluators' justifications, in French with the
// typography a real one has: apostrophes, guillemets, euros.
var (
	openings = []string{
		"Lors de la visite du site de production, nous avons constaté que",
		"D’après les réponses écrites à l’appel d’offres et l’entretien du 12 mars,",
		"Le pilote de deux semaines a montré que",
		"Les références contactées (deux énergéticiens et un opérateur télécom) confirment que",
		"À la lecture du plan qualité remis en annexe, il apparaît que",
	}
	findings = []string{
		"les conseillers maîtrisent bien les procédures de facturation et de résiliation, avec des scripts « à jour » et validés par le client",
		"le taux de rappel des clients reste élevé sur les réclamations complexes, ce qui pèse sur la satisfaction",
		"l’encadrement de proximité est solide : un superviseur pour douze conseillers, et des séances d’écoute hebdomadaires",
		"la proposition tarifaire de 2 450 € par ETP et par mois inclut la formation initiale mais pas les heures de nuit",
		"les indicateurs sont partagés chaque lundi dans un tableau de bord clair, avec les écarts expliqués",
		"le plan de continuité prévoit un second site à 300 km, testé deux fois par an, ce qui nous rassure",
		"la gestion des données personnelles suit le RGPD, mais l’analyse d’impact n’était pas encore signée",
	}
	closings = []string{
		"Point d’attention à suivre lors des comités mensuels.",
		"C’est un point fort net par rapport aux autres candidats.",
		"Nous recommandons de l’inscrire comme engagement contractuel, avec pénalités.",
		"Rien d’alarmant, mais l’écart avec les meilleurs reste « perceptible ».",
		"Conforme à nos attentes, sans plus.",
	}
)

// largeData builds the large evaluation in memory, scores it and returns
// the report's data in lang. Everything is drawn from a fixed seed.
func largeData(lang i18n.Lang) *report.Data { return generate(lang, len(largeVendors)) }

// generate builds the large evaluation with n vendors; past the twelve
// named ones, names repeat with a number.
func generate(lang i18n.Lang, n int) *report.Data {
	rnd := rand.New(rand.NewPCG(2026, 11))
	opened := time.Date(2026, 9, 1, 8, 30, 0, 0, time.UTC)
	closed := time.Date(2026, 10, 15, 17, 0, 0, 0, time.UTC)
	due := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	e := &bpo.Evaluation{ID: 7, Title: "Externalisation du service client « Énergie » 2027–2030",
		Scope: "Relation client en français (téléphone, courriel, messagerie) pour 1,2 million de clients particuliers, " +
			"et le back-office associé : remboursements, changements de contrat, dossiers de réclamation. " +
			"Démarrage le 1er mars 2027 avec 80 ETP, jusqu’à 120 au pic d’hiver ; budget plafonné à 3 400 € par ETP.",
		Services: []string{"customer_support", "back_office"}, DueDate: &due, Status: bpo.StatusClosed,
		ScaleMin: 1, ScaleMax: 5, ScaleLevels: bpo.DefaultScale(), Aggregation: "mean",
		AwardThreshold: 60, CloseCallMargin: 3, Justification: bpo.JustifyAll, OpenedAt: &opened, ClosedAt: &closed}
	d := &report.Data{Lang: lang, GeneratedAt: time.Date(2026, 11, 23, 10, 52, 0, 0, time.UTC),
		PreparedBy: report.Person{Name: "Marc Lefèvre", Role: bpo.RoleManager}, Evaluation: e}
	m := &scoring.Model{Scale: &scoring.Scale{Min: 1, Max: 5},
		Options: scoring.Options{Aggregation: scoring.Mean, AwardThreshold: ptr(60), CloseCallMargin: ptr(3), CostCriterion: "price"}}

	var id int64
	var rated []*bpo.Criterion
	var measured []leafSpec
	for _, cat := range largeCategories {
		id++
		group := &bpo.Criterion{ID: id, EvaluationID: e.ID, Key: cat.key, Kind: bpo.KindGroup, NameEN: cat.en, NameFR: cat.fr, Weight: cat.weight}
		d.Criteria = append(d.Criteria, group)
		sc := scoring.Criterion{Key: cat.key, Name: group.Name(string(lang)), Weight: cat.weight}
		for _, l := range cat.leaves {
			id++
			c := &bpo.Criterion{ID: id, EvaluationID: e.ID, ParentID: &group.ID, Key: l.key, Kind: bpo.KindRated,
				NameEN: l.en, NameFR: l.fr, Weight: l.weight, MinRating: l.min}
			leaf := scoring.Criterion{Key: l.key, Name: c.Name(string(lang)), Weight: l.weight, MinRating: l.min}
			if l.unit != "" {
				c.Kind, c.Unit, c.Better, c.Best, c.Worst, c.Limit = bpo.KindMeasured, l.unit, l.better, l.best, l.worst, l.limit
				leaf.Metric = &scoring.Metric{Unit: l.unit, Better: scoring.Direction(l.better), Best: l.best, Worst: l.worst, Limit: l.limit}
				measured = append(measured, l)
			} else {
				rated = append(rated, c)
			}
			d.Criteria = append(d.Criteria, c)
			sc.Children = append(sc.Children, leaf)
		}
		m.Criteria = append(m.Criteria, sc)
	}
	byKey := map[string]*bpo.Criterion{}
	for _, c := range d.Criteria {
		byKey[c.Key] = c
	}

	for i, name := range largeEvaluators {
		declared := opened.Add(time.Duration(i+1) * time.Hour)
		a := &bpo.Assignment{EvaluationID: e.ID, UserID: int64(100 + i), Name: name,
			Email: fmt.Sprintf("evaluator%d@example.test", i+1), COIDeclaredAt: &declared}
		d.Evaluators = append(d.Evaluators, a)
	}
	// One evaluator used to work for one of the vendors.
	d.Evaluators[3].Conflicts = []bpo.Conflict{{VendorID: 1003, Note: "ancien salarié de ce prestataire (2019–2022)"}}

	for i := range n {
		name := largeVendors[i%len(largeVendors)]
		if i >= len(largeVendors) {
			name += fmt.Sprintf(" %d", i/len(largeVendors)+1)
		}
		p := &bpo.Participant{EvaluationID: e.ID, VendorID: int64(1000 + i), Key: fmt.Sprintf("vendor_%02d", i+1),
			Name: name, Country: []string{"MA", "PL", "TR", "BR", "DK", "PL", "FR", "CZ", "FR", "VN", "CH", "AR"}[i%12],
			Stage: bpo.StageShortlisted}
		d.Participants = append(d.Participants, p)
		v := scoring.Vendor{Key: p.Key, Name: p.Name, Ratings: map[string]map[string]float64{}, Metrics: map[string]float64{}}
		for _, l := range measured {
			value := l.lo + rnd.Float64()*(l.hi-l.lo)
			value = float64(int(value*10)) / 10
			v.Metrics[l.key] = value
			d.Measurements = append(d.Measurements, &bpo.Measurement{VendorID: p.VendorID, CriterionID: byKey[l.key].ID, Value: value})
		}
		strength := 2 + rnd.IntN(3)
		for _, a := range d.Evaluators {
			if a.HasConflict(p.VendorID) {
				continue
			}
			v.Ratings[a.Email] = map[string]float64{}
			for _, c := range rated {
				value := min(max(strength+rnd.IntN(3)-1, 1), 5)
				v.Ratings[a.Email][c.Key] = float64(value)
				d.Ratings = append(d.Ratings, &bpo.SubmittedRating{VendorID: p.VendorID, EvaluatorID: a.UserID,
					EvaluatorEmail: a.Email, CriterionID: c.ID, Value: value, Justification: justification(rnd)})
			}
			submitted := opened.Add(time.Duration(24+rnd.IntN(24*30)) * time.Hour)
			d.Scorecards = append(d.Scorecards, &bpo.ScorecardProgress{ScorecardID: int64(len(d.Scorecards) + 1),
				VendorID: p.VendorID, EvaluatorID: a.UserID, Status: bpo.ScorecardSubmitted, Rated: len(rated), SubmittedAt: &submitted})
		}
		m.Vendors = append(m.Vendors, v)
	}
	d.WeightChanges = []report.WeightChange{
		{At: opened.AddDate(0, 0, 10), By: "Marc Lefèvre", CriterionID: byKey["language"].ID, Before: 15, After: 25},
		{At: opened.AddDate(0, 0, 12), By: "Marc Lefèvre", CriterionID: byKey["migration"].ID, Before: 10, After: 15},
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		panic(err)
	}
	d.Model, d.Result = m, res
	leader := d.Participants[0]
	for _, p := range d.Participants {
		if p.Key == res.Vendors[0].Key {
			leader = p
		}
	}
	rationale := "Le comité retient le prestataire le mieux classé : il est le seul à combiner une qualité de service « solide » " +
		"et un prix sous le plafond de 3 400 € par ETP. Les réserves sur la réversibilité seront levées dans le contrat."
	e.Decision = &bpo.Decision{VendorID: &leader.VendorID, DecidedBy: 1, DecidedAt: closed.Add(48 * time.Hour), Rationale: rationale}
	rec := &bpo.Recommendation{Decision: string(res.Recommendation.Decision), Vendor: res.Recommendation.Vendor}
	superseded := closed.Add(48 * time.Hour)
	d.Decision = &bpo.DecisionState{
		Current: &bpo.DecisionRecord{Outcome: bpo.OutcomeAward, VendorID: &leader.VendorID, VendorKey: leader.Key,
			Rationale: rationale, Recommendation: rec, Departs: bpo.Departs(*rec, bpo.OutcomeAward, leader.Key, false),
			DepartureReason: "Le comité a jugé l’écart suffisant au vu des références.",
			RecordedByName:  "Marc Lefèvre", RecordedAt: superseded, ModelSHA256: strings.Repeat("ab12", 16)},
		History: []*bpo.DecisionRecord{{Outcome: bpo.OutcomeInHouse, Rationale: "Budget gelé.", Recommendation: rec,
			Departs: true, DepartureReason: "Budget gelé.", RecordedByName: "Marc Lefèvre", RecordedAt: closed.Add(24 * time.Hour),
			SupersededAt: &superseded, ChangeReason: "Le budget a été rétabli par le conseil."}},
	}
	if !d.Decision.Current.Departs {
		d.Decision.Current.DepartureReason = ""
	}
	return d
}

// justification is two or three sentences, about 300 characters.
func justification(rnd *rand.Rand) string {
	var b strings.Builder
	b.WriteString(openings[rnd.IntN(len(openings))])
	b.WriteString(" ")
	b.WriteString(findings[rnd.IntN(len(findings))])
	b.WriteString(". ")
	if rnd.IntN(2) == 0 {
		f := findings[rnd.IntN(len(findings))]
		b.WriteString(strings.ToUpper(f[:1]) + f[1:] + ". ")
	}
	b.WriteString(closings[rnd.IntN(len(closings))])
	return b.String()
}

// evaluate scores the data's model again, after a test changed it.
func evaluate(d *report.Data) (*scoring.Result, error) { return scoring.Evaluate(d.Model) }
