package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// The large data set adds, to the small one, a registry of 300 more vendors,
// 50 other evaluations in every state, and one big open evaluation: 40
// vendors of which 12 are shortlisted, 30 criteria and 8 evaluators who have
// submitted most of their scorecards. It is what `make bench` measures.
// Like the small set it goes through the services, so it is validated and
// audited; the random draws are seeded, so every load is the same.

// LargeLogins are the evaluators the large data set adds to Logins, so that
// its main evaluation has eight.
var LargeLogins = []bpo.NewUser{
	{Email: "evaluator5@demo.test", Name: "Camille Roux", Role: bpo.RoleEvaluator},
	{Email: "evaluator6@demo.test", Name: "Oliver Bennett", Role: bpo.RoleEvaluator},
	{Email: "evaluator7@demo.test", Name: "Inès Garcia", Role: bpo.RoleEvaluator},
	{Email: "evaluator8@demo.test", Name: "Lucas Moreau", Role: bpo.RoleEvaluator},
}

// LargeTitle is the title of the large data set's main evaluation.
const LargeTitle = "Omnichannel customer care & claims back-office 2027–2030"

// largeTeam are the e-mails of the eight evaluators of the large data set
// and how much of what they write is in French.
var largeTeam = []struct {
	email  string
	french float64
}{
	{"evaluator@demo.test", 0.9}, {"evaluator2@demo.test", 0.2}, {"evaluator3@demo.test", 0.5},
	{"evaluator4@demo.test", 0.05}, {"evaluator5@demo.test", 0.85}, {"evaluator6@demo.test", 0},
	{"evaluator7@demo.test", 0.7}, {"evaluator8@demo.test", 0.4},
}

// largeLoader loads the large data set on behalf of the demo people.
type largeLoader struct {
	*loader
	admin context.Context
	team  []context.Context // largeTeam, signed in
}

// loadLarge adds what the large data set has and the database lacks: the
// registry's vendors by name, the evaluations by title, the main one last,
// so that its presence means the whole set is there.
func loadLarge(ctx context.Context, svc Services, users map[string]*bpo.User) (bool, error) {
	l := &largeLoader{
		loader: &loader{svc: svc, manager: bpo.NewContextWithUser(ctx, users["manager@demo.test"]), vendors: map[string]*bpo.Vendor{}},
		admin:  bpo.NewContextWithUser(ctx, users["admin@demo.test"]),
	}
	l.today = time.Now().UTC().Truncate(24 * time.Hour)
	for _, m := range largeTeam {
		l.team = append(l.team, bpo.NewContextWithUser(ctx, users[m.email]))
	}
	existing, _, err := svc.Evaluations.FindEvaluations(l.manager, bpo.EvaluationFilter{Limit: 10000})
	if err != nil {
		return false, fmt.Errorf("demo evaluations: %w", err)
	}
	titles := map[string]bool{}
	for _, e := range existing {
		titles[e.Title] = true
	}
	if titles[LargeTitle] {
		return false, nil
	}
	if err := l.registry(); err != nil {
		return false, err
	}
	var todo []int
	for k := range otherCount {
		if !titles[otherTitle(k)] {
			todo = append(todo, k)
		}
	}
	if err := inParallel(len(todo), func(i int) error { return l.otherEvaluation(todo[i]) }); err != nil {
		return false, err
	}
	if err := l.mainEvaluation(); err != nil {
		return false, fmt.Errorf("demo large evaluation: %w", err)
	}
	return true, nil
}

// loadWorkers is how many evaluations, or evaluators, are loaded at once:
// enough to keep the database's and the loader's cores busy.
const loadWorkers = 4

// inParallel calls fn(0…n-1) on loadWorkers goroutines and returns the
// first error; the calls not started yet are then skipped.
func inParallel(n int, fn func(i int) error) error {
	var (
		mu   sync.Mutex
		next int
		errs []error
		wg   sync.WaitGroup
	)
	for range min(loadWorkers, n) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := i >= n || len(errs) > 0
				mu.Unlock()
				if stop {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// registry adds the registry's vendors that are missing, as the demo
// admin, and reads the whole registry by name.
func (l *largeLoader) registry() error {
	list, _, err := l.svc.Vendors.FindVendors(l.manager, bpo.VendorFilter{Limit: 100000})
	if err != nil {
		return fmt.Errorf("demo registry: %w", err)
	}
	for _, v := range list {
		l.vendors[v.Name] = v
	}
	for _, in := range registryVendors() {
		if l.vendors[in.Name] != nil {
			continue
		}
		v, err := l.svc.Vendors.CreateVendor(l.admin, in)
		if err != nil {
			return fmt.Errorf("demo vendor %s: %w", in.Name, err)
		}
		l.vendors[v.Name] = v
	}
	return nil
}

// registryVendor is the i-th vendor of the generated registry.
func (l *largeLoader) registryVendor(i int) *bpo.Vendor {
	return l.vendors[registryNames[i%len(registryNames)]]
}

var registryNames = func() []string {
	var names []string
	for _, in := range registryVendors() {
		names = append(names, in.Name)
	}
	return names
}()

// contender is a vendor taking part in a large-set evaluation, with how
// good it really is: its ratings are drawn around quality (1–5), per
// criterion around quality + bias[criterion key].
type contender struct {
	vendor  *bpo.Vendor
	quality float64
	bias    map[string]float64
}

// rating draws one evaluator's rating of a contender on criterion key; the
// evaluator's own leniency is lean.
func (c contender) rating(rng *rand.Rand, key string, lean float64) int {
	v := c.quality + c.bias[key] + lean + 0.5*rng.NormFloat64()
	return int(math.Max(1, math.Min(5, math.Round(v))))
}

// figures draws a contender's measured figures: the better vendors answer
// faster, but are not the cheapest.
func (c contender) figures(rng *rand.Rand) map[string]float64 {
	good := (c.quality - 1) / 4 // 0…1
	jitter := func(spread float64) float64 { return spread * (rng.Float64() - 0.5) }
	return map[string]float64{
		"price":       math.Round(1500 + 1200*good + jitter(500)),
		"aht":         math.Round(400 - 130*good + jitter(50)),
		"asa":         math.Round(55 - 35*good + jitter(10)),
		"abandonment": math.Round((8-5*good+jitter(1.5))*10) / 10,
		"turnaround":  math.Round((4-2.5*good+jitter(1))*10) / 10,
	}
}

func newContender(rng *rand.Rand, v *bpo.Vendor, quality float64, keys []string) contender {
	c := contender{vendor: v, quality: quality, bias: map[string]float64{}}
	for _, k := range keys {
		c.bias[k] = 0.5 * rng.NormFloat64()
	}
	return c
}

// rated returns the rated criteria in tree order.
func rated(criteria []*bpo.Criterion) []*bpo.Criterion {
	var out []*bpo.Criterion
	for _, c := range criteria {
		if c.Kind == bpo.KindRated {
			out = append(out, c)
		}
	}
	return out
}

func keysOf(criteria []*bpo.Criterion) []string {
	keys := make([]string, len(criteria))
	for i, c := range criteria {
		keys[i] = c.Key
	}
	return keys
}

// rate saves an evaluator's ratings of a contender on the given criteria,
// with justifications, and submits the scorecard when asked.
func (l *largeLoader) rate(ctx context.Context, w writer, lean float64, evaluationID int64, c contender, criteria []*bpo.Criterion, submit bool) error {
	for _, cr := range criteria {
		v := c.rating(w.rng, cr.Key, lean)
		in := bpo.RatingInput{CriterionID: cr.ID, Value: ptr(v), Justification: w.justify(cr, v)}
		if _, err := l.svc.Scorecards.SaveRating(ctx, evaluationID, c.vendor.ID, in); err != nil {
			return fmt.Errorf("rate %s on %s: %w", c.vendor.Name, cr.Key, err)
		}
	}
	if !submit {
		return nil
	}
	sc, err := l.svc.Scorecards.FindScorecard(ctx, evaluationID, c.vendor.ID, 0)
	if err != nil {
		return err
	}
	if _, err := l.svc.Scorecards.SubmitScorecard(ctx, evaluationID, c.vendor.ID, sc.Version); err != nil {
		return fmt.Errorf("submit %s: %w", c.vendor.Name, err)
	}
	return nil
}

// addContenders adds the vendors to a draft evaluation with their figures.
func (l *largeLoader) addContenders(evaluationID int64, criteria map[string]*bpo.Criterion, rng *rand.Rand, cs []contender) error {
	for _, c := range cs {
		if _, err := l.svc.Participants.AddParticipant(l.manager, evaluationID, c.vendor.ID); err != nil {
			return fmt.Errorf("vendor %s: %w", c.vendor.Name, err)
		}
		for key, value := range c.figures(rng) {
			if err := l.svc.Participants.SetMeasurement(l.manager, evaluationID, c.vendor.ID, criteria[key].ID, ptr(value)); err != nil {
				return fmt.Errorf("vendor %s, %s: %w", c.vendor.Name, key, err)
			}
		}
	}
	return nil
}

// mainCategories are the categories the main evaluation adds to the default
// criteria, which bring it to 30: 25 rated, 5 measured.
var mainCategories = []struct {
	group    bpo.CriterionInput
	children []bpo.CriterionInput
}{
	{
		bpo.CriterionInput{Key: "security", NameEN: "Security & compliance", NameFR: "Sécurité et conformité", Weight: 15,
			GuidanceEN: "How the vendor protects our customers' data and keeps our regulators satisfied.",
			GuidanceFR: "La façon dont le prestataire protège les données de nos clients et répond aux exigences de nos régulateurs."},
		[]bpo.CriterionInput{
			leaf("data_protection", "Data protection (GDPR)", "Protection des données (RGPD)", 30,
				"Data-processing agreement, sub-processors, transfers outside the EU and their safeguards.",
				"Accord de traitement des données, sous-traitants, transferts hors UE et leurs garanties."),
			leaf("certifications", "Certifications", "Certifications", 20,
				"ISO 27001, PCI DSS, ISO 9001: held, current and covering the sites that would serve us.",
				"ISO 27001, PCI DSS, ISO 9001 : obtenues, à jour et couvrant les sites qui nous serviraient."),
			leaf("business_continuity", "Business continuity", "Continuité d’activité", 20,
				"A tested plan for losing a site, the network or a large share of the staff.",
				"Un plan testé pour la perte d’un site, du réseau ou d’une grande partie du personnel."),
			leaf("access_control", "Access control", "Contrôle des accès", 15,
				"Who can see customer data, how access is granted, reviewed and withdrawn.",
				"Qui voit les données clients, comment les accès sont accordés, revus et retirés."),
			leaf("audit_rights", "Audit rights", "Droit d’audit", 15,
				"Whether we and our regulators may audit the sites and the processes, and at what notice.",
				"Si nous et nos régulateurs pouvons auditer les sites et les processus, et avec quel préavis."),
		},
	},
	{
		bpo.CriterionInput{Key: "workforce", NameEN: "Workforce & training", NameFR: "Ressources humaines et formation", Weight: 10,
			GuidanceEN: "The people who would answer our customers: how they are hired, trained, coached and kept.",
			GuidanceFR: "Les personnes qui répondraient à nos clients : recrutement, formation, accompagnement et fidélisation."},
		[]bpo.CriterionInput{
			leaf("recruitment", "Recruitment", "Recrutement", 20,
				"Profiles hired, selection tests, time to staff a new wave.",
				"Profils recrutés, tests de sélection, délai pour constituer une nouvelle vague."),
			leaf("attrition", "Attrition management", "Maîtrise du turnover", 20,
				"Staff turnover over the last two years and what is done about it.",
				"Le turnover des deux dernières années et ce qui est fait pour le réduire."),
			leaf("training", "Training programme", "Programme de formation", 20,
				"Initial and ongoing training, who gives it, how it is checked.",
				"Formation initiale et continue, qui la donne, comment elle est vérifiée."),
			leaf("coaching", "Coaching & quality monitoring", "Coaching et écoutes qualité", 15,
				"Call listening, calibration with our quality team, individual coaching.",
				"Écoutes, calibrage avec notre équipe qualité, coaching individuel."),
			leaf("workforce_planning", "Workforce planning", "Planification des effectifs", 15,
				"Forecasting, scheduling and how peaks are staffed.",
				"Prévisions, plannings et dimensionnement des pics."),
			leaf("wellbeing", "Working conditions", "Conditions de travail", 10,
				"Premises, schedules, pay relative to the local market.",
				"Locaux, horaires, rémunération par rapport au marché local."),
		},
	},
	{
		bpo.CriterionInput{Key: "governance", NameEN: "Transition & governance", NameFR: "Transition et gouvernance", Weight: 10,
			GuidanceEN: "How the service would move over, be steered together, and could be taken back.",
			GuidanceFR: "Comment le service serait transféré, piloté ensemble, et pourrait être repris."},
		[]bpo.CriterionInput{
			leaf("transition_plan", "Transition plan", "Plan de transition", 25,
				"Milestones, parallel run, go-live criteria and who is accountable.",
				"Jalons, fonctionnement en parallèle, critères de bascule et responsables."),
			leaf("governance_model", "Governance model", "Modèle de gouvernance", 20,
				"Steering committees, named counterparts, escalation up to executives.",
				"Comités de pilotage, interlocuteurs nommés, escalade jusqu’à la direction."),
			leaf("reporting", "Reporting", "Reporting", 15,
				"Which figures are reported, how often, and whether we get the raw data.",
				"Quels indicateurs sont remontés, à quelle fréquence, et si nous avons les données brutes."),
			leaf("continuous_improvement", "Continuous improvement", "Amélioration continue", 15,
				"How improvements are found, proposed and shared with us.",
				"Comment les améliorations sont identifiées, proposées et partagées avec nous."),
			leaf("contract_flexibility", "Contract flexibility", "Souplesse contractuelle", 15,
				"Volume bands, notice periods, changes of scope without renegotiating everything.",
				"Paliers de volume, préavis, évolutions de périmètre sans tout renégocier."),
			leaf("exit_plan", "Exit plan", "Réversibilité", 10,
				"How the service and its knowledge would come back to us or go to another vendor.",
				"Comment le service et ses connaissances nous reviendraient ou passeraient à un autre prestataire."),
		},
	},
}

func leaf(key, nameEN, nameFR string, weight float64, guidanceEN, guidanceFR string) bpo.CriterionInput {
	return bpo.CriterionInput{Key: key, Kind: bpo.KindRated, NameEN: nameEN, NameFR: nameFR, Weight: weight,
		GuidanceEN: guidanceEN, GuidanceFR: guidanceFR}
}

// mainWeights are the main evaluation's category weights.
var mainWeights = map[string]float64{"quality": 40, "service_levels": 15, "cost": 10}

// rejections are the reasons the main evaluation's other 28 vendors were
// turned down at the first screening.
var rejections = []string{
	"No French-speaking team: cannot serve our customers.",
	"Headcount too small for 150 FTE at the winter peak.",
	"Failed the security questionnaire (no ISO 27001, no plan to get it).",
	"Price 40 % above the budget ceiling, no room to negotiate.",
	"No experience of claims handling.",
	"Pas d’équipe de back-office : le périmètre sinistres ne serait pas couvert.",
	"Refuse le droit d’audit de nos régulateurs.",
	"Réponse incomplète à l’appel d’offres (annexes tarifaires manquantes).",
}

// mainEvaluation is the one the benchmark works on: open, 40 vendors of
// which 12 are shortlisted and 28 were turned down, 30 criteria, 8
// evaluators. Each evaluator has submitted ten scorecards and has two more
// in draft, about half rated, which is what the autosaves of the benchmark
// write to; one declared a conflict with a vendor.
func (l *largeLoader) mainEvaluation() error {
	rng := rand.New(rand.NewPCG(2027, 2030))
	in := bpo.NewEvaluationInput()
	in.Title = LargeTitle
	in.Scope = "Customer care by phone, e-mail, chat and social media for 3 million insurance and energy customers " +
		"in France and Belgium, and the claims back-office behind it: first notice of loss, document checks, refunds.\n" +
		"150 FTE at go-live in September 2027, up to 220 in the winter peak; a three-year contract with a one-year option."
	in.Services = []string{"customer_support", "claims_processing", "back_office"}
	due := l.today.AddDate(0, 1, 10)
	in.DueDate = &due
	ev, err := l.svc.Evaluations.CreateEvaluation(l.manager, in)
	if err != nil {
		return err
	}
	criteria, err := l.mainCriteria(ev.ID)
	if err != nil {
		return err
	}
	leaves := rated(criteria)
	byKey := map[string]*bpo.Criterion{}
	for _, c := range criteria {
		byKey[c.Key] = c
	}

	// 40 vendors that do customer care, from the generated registry.
	var pool []*bpo.Vendor
	for i := range registryNames {
		if v := l.registryVendor(i); slices.Contains(v.Services, "customer_support") {
			pool = append(pool, v)
		}
	}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	pool = pool[:40]
	var shortlist []contender
	for i, v := range pool {
		p, err := l.svc.Participants.AddParticipant(l.manager, ev.ID, v.ID)
		if err != nil {
			return fmt.Errorf("vendor %s: %w", v.Name, err)
		}
		stage, reason := bpo.StageShortlisted, ""
		if i >= 12 {
			stage, reason = bpo.StageRejected, rejections[i%len(rejections)]
		}
		if _, err := l.svc.Participants.SetStage(l.manager, ev.ID, v.ID, p.Version, stage, reason); err != nil {
			return fmt.Errorf("vendor %s: %w", v.Name, err)
		}
		if i < 12 {
			// Two leaders close together, a tail down to a vendor that
			// fails the data-protection threshold.
			shortlist = append(shortlist, newContender(rng, v, 4.2-0.15*float64(i), keysOf(leaves)))
		}
	}
	for _, c := range shortlist {
		for key, value := range c.figures(rng) {
			if err := l.svc.Participants.SetMeasurement(l.manager, ev.ID, c.vendor.ID, byKey[key].ID, ptr(value)); err != nil {
				return fmt.Errorf("vendor %s, %s: %w", c.vendor.Name, key, err)
			}
		}
	}
	for _, ctx := range l.team {
		if err := l.svc.Participants.AssignEvaluator(l.manager, ev.ID, bpo.UserFromContext(ctx).ID); err != nil {
			return err
		}
	}
	if ev, err = l.open(ev); err != nil {
		return err
	}
	conflicted := shortlist[7].vendor
	err = inParallel(len(l.team), func(e int) error {
		ctx := l.team[e]
		var conflicts []bpo.Conflict
		if e == 5 {
			conflicts = append(conflicts, bpo.Conflict{VendorID: conflicted.ID, Note: "My brother-in-law manages their Porto site."})
		}
		if err := l.svc.Scorecards.DeclareConflicts(ctx, ev.ID, conflicts); err != nil {
			return fmt.Errorf("%s declares: %w", largeTeam[e].email, err)
		}
		w := writer{rng: rand.New(rand.NewPCG(uint64(e), 8)), french: largeTeam[e].french}
		lean := 0.3 * w.rng.NormFloat64()
		for i, c := range shortlist {
			if c.vendor.ID == conflicted.ID && len(conflicts) > 0 {
				continue
			}
			// Evaluator e's drafts are vendors e and e+4: every vendor keeps
			// six or more submitted scorecards.
			todo, submit := leaves, true
			if i == e || i == e+4 {
				todo, submit = leaves[:len(leaves)/2], false
			}
			if err := l.rate(ctx, w, lean, ev.ID, c, todo, submit); err != nil {
				return fmt.Errorf("%s: %w", largeTeam[e].email, err)
			}
		}
		return nil
	})
	return err
}

// mainCriteria sets up the main evaluation's criteria tree and returns it
// in tree order.
func (l *largeLoader) mainCriteria(evaluationID int64) ([]*bpo.Criterion, error) {
	byKey, err := l.criteria(evaluationID)
	if err != nil {
		return nil, err
	}
	for key, weight := range mainWeights {
		c := byKey[key]
		in := criterionInput(c)
		in.Weight = weight
		if _, err := l.svc.Criteria.UpdateCriterion(l.manager, c.ID, c.Version, in); err != nil {
			return nil, fmt.Errorf("criterion %s: %w", key, err)
		}
	}
	thresholds := map[string]func(*bpo.CriterionInput){
		"aht":   func(c *bpo.CriterionInput) { c.Best, c.Worst = ptr(240.0), ptr(420.0) },
		"asa":   func(c *bpo.CriterionInput) { c.Best, c.Worst = ptr(15.0), ptr(60.0) },
		"price": func(c *bpo.CriterionInput) { c.Limit = ptr(3200.0) },
	}
	for key, set := range thresholds {
		c := byKey[key]
		in := criterionInput(c)
		set(&in)
		if _, err := l.svc.Criteria.UpdateCriterion(l.manager, c.ID, c.Version, in); err != nil {
			return nil, fmt.Errorf("criterion %s: %w", key, err)
		}
	}
	for _, cat := range mainCategories {
		g := cat.group
		g.Kind = bpo.KindGroup
		group, err := l.svc.Criteria.CreateCriterion(l.manager, evaluationID, g)
		if err != nil {
			return nil, fmt.Errorf("criterion %s: %w", g.Key, err)
		}
		for _, in := range cat.children {
			in.ParentID = &group.ID
			if in.Key == "data_protection" {
				in.MinRating = ptr(2.5)
			}
			if _, err := l.svc.Criteria.CreateCriterion(l.manager, evaluationID, in); err != nil {
				return nil, fmt.Errorf("criterion %s: %w", in.Key, err)
			}
		}
	}
	return l.svc.Criteria.FindCriteria(l.manager, evaluationID)
}

// otherCount is how many evaluations the large data set has besides its main one.
const otherCount = 50

// otherTopics are what the other evaluations are about.
var otherTopics = []struct {
	title    string
	services []string
}{
	{"Payroll outsourcing", []string{"payroll"}},
	{"Externalisation du service client", []string{"customer_support"}},
	{"IT helpdesk renewal", []string{"it_helpdesk"}},
	{"Recouvrement amiable", []string{"collections"}},
	{"Claims processing", []string{"claims_processing", "back_office"}},
	{"Finance & accounting shared services", []string{"finance_accounting"}},
	{"Modération de contenus", []string{"content_moderation"}},
	{"Back-office des contrats", []string{"back_office"}},
	{"Data entry & document capture", []string{"data_analysis", "back_office"}},
	{"Support technique niveau 2", []string{"it_helpdesk", "customer_support"}},
}

var otherUnits = []string{"Belgique", "France – Retail", "Energy division", "Assurance IARD", "Bank branch network",
	"Groupe – siège", "Iberia", "Nordics", "Mutuelle santé", "Telecom B2B"}

// otherTitle is the k-th other evaluation's title; no two are the same.
func otherTitle(k int) string {
	return fmt.Sprintf("%s · %s %d", otherTopics[k%10].title, otherUnits[(k/10+k)%10], 2024+k%4)
}

// otherStatus spreads the other evaluations over the three states: 20
// closed, 15 open, 15 drafts.
func otherStatus(k int) bpo.EvaluationStatus {
	return [10]bpo.EvaluationStatus{bpo.StatusClosed, bpo.StatusOpen, bpo.StatusDraft, bpo.StatusClosed, bpo.StatusOpen,
		bpo.StatusClosed, bpo.StatusDraft, bpo.StatusClosed, bpo.StatusOpen, bpo.StatusDraft}[(k+k/10)%10]
}

var rationales = []string{
	"%s leads on the scorecards and its figures held up during the pilot; the runner-up was cheaper but weaker on quality.",
	"%s arrive en tête sur la qualité et accepte nos objectifs de satisfaction dans le contrat.",
	"%s: best balance of quality and price, and the only bidder with a tested continuity plan.",
	"Choix de %s après la visite sur site : équipe stable, encadrement expérimenté, réversibilité bien décrite.",
}

// otherEvaluation creates the k-th other evaluation from the default
// criteria, with 3–6 vendors and 2–3 evaluators, and takes it as far as its
// state: a draft is set up, an open one partly scored, a closed one fully
// scored and decided.
func (l *largeLoader) otherEvaluation(k int) error {
	rng := rand.New(rand.NewPCG(uint64(k), 50))
	status := otherStatus(k)
	in := bpo.NewEvaluationInput()
	in.Title = otherTitle(k)
	in.Services = otherTopics[k%10].services
	in.Scope = "Périmètre : " + strings.ToLower(otherTopics[k%10].title) + " pour " + otherUnits[(k/10+k)%10] + "."
	due := l.today.AddDate(0, 1+rng.IntN(4), 0)
	if status == bpo.StatusClosed {
		due = l.today.AddDate(0, -1-rng.IntN(20), 0)
	}
	in.DueDate = &due
	ev, err := l.svc.Evaluations.CreateEvaluation(l.manager, in)
	if err != nil {
		return fmt.Errorf("%s: %w", in.Title, err)
	}
	all, err := l.svc.Criteria.FindCriteria(l.manager, ev.ID)
	if err != nil {
		return err
	}
	criteria := map[string]*bpo.Criterion{}
	for _, c := range all {
		criteria[c.Key] = c
	}
	leaves := rated(all)
	var cs []contender
	for _, i := range rng.Perm(len(registryNames))[:3+rng.IntN(4)] {
		cs = append(cs, newContender(rng, l.registryVendor(i), 2+2.5*rng.Float64(), keysOf(leaves)))
	}
	if err := l.addContenders(ev.ID, criteria, rng, cs); err != nil {
		return fmt.Errorf("%s: %w", in.Title, err)
	}
	team := rng.Perm(len(l.team))[:2+rng.IntN(2)]
	for _, e := range team {
		if err := l.svc.Participants.AssignEvaluator(l.manager, ev.ID, bpo.UserFromContext(l.team[e]).ID); err != nil {
			return err
		}
	}
	if status == bpo.StatusDraft {
		return nil
	}
	if ev, err = l.open(ev); err != nil {
		return fmt.Errorf("%s: %w", in.Title, err)
	}
	for _, e := range team {
		ctx := l.team[e]
		if err := l.svc.Scorecards.DeclareConflicts(ctx, ev.ID, nil); err != nil {
			return err
		}
		w := writer{rng: rng, french: largeTeam[e].french}
		lean := 0.3 * rng.NormFloat64()
		for _, c := range cs {
			// Open evaluations are a good way through: most scorecards
			// submitted, some in draft, some not started.
			todo, submit := leaves, true
			if status == bpo.StatusOpen {
				switch rng.IntN(5) {
				case 0:
					continue
				case 1:
					todo, submit = leaves[:rng.IntN(len(leaves))+1], false
				}
			}
			if err := l.rate(ctx, w, lean, ev.ID, c, todo, submit); err != nil {
				return fmt.Errorf("%s, %s: %w", in.Title, largeTeam[e].email, err)
			}
		}
	}
	if status == bpo.StatusOpen {
		return nil
	}
	best := slices.MaxFunc(cs, func(a, b contender) int { return cmp.Compare(a.quality, b.quality) })
	vendorID, rationale := best.vendor.ID, fmt.Sprintf(pick(rng, rationales), best.vendor.Name)
	if best.quality < 3 {
		vendorID, rationale = 0, "No bidder reached the threshold on quality: the work stays in-house and the market will be consulted again next year."
	} else if err := shortlistVendor(l.manager, l.svc, ev.ID, vendorID); err != nil {
		return fmt.Errorf("%s: %w", in.Title, err)
	}
	if ev, err = l.svc.Evaluations.FindEvaluationByID(l.manager, ev.ID); err != nil {
		return err
	}
	if ev, err = l.svc.Evaluations.SetEvaluationStatus(l.manager, ev.ID, ev.Version, bpo.StatusClosed); err != nil {
		return fmt.Errorf("%s: close: %w", in.Title, err)
	}
	if err := recordDecision(l.manager, l.svc, ev, vendorID, rationale,
		"The steering committee weighed the bidders' references above the weighted score."); err != nil {
		return fmt.Errorf("%s: %w", in.Title, err)
	}
	return nil
}
