package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// The demo evaluations: one being scored, one decided. Everything goes
// through the services, as the demo manager or as each evaluator, so the
// data is validated, the rules apply (declarations before ratings,
// justifications at the ends of the scale…) and the history page has a
// real audit log to show.

// evaluatorEmails are the demo evaluators, in the order of an opinion's ratings.
var evaluatorEmails = [4]string{"evaluator@demo.test", "evaluator2@demo.test", "evaluator3@demo.test", "evaluator4@demo.test"}

// The demo evaluators, by their index in evaluatorEmails.
const (
	elodie = iota
	karim
	sophie
	james
)

// card is how far an evaluator got with one vendor's scorecard.
type card int

const (
	submitted  card = iota // every criterion rated, submitted
	draft                  // the ratings given so far, not submitted
	notStarted             // nothing yet
	conflicted             // a declared conflict of interest: never scored
)

// opinion is how the evaluators rated one criterion of one vendor. A rating
// of 0 is not given (yet); an empty note is a rating without justification.
type opinion struct {
	key     string
	ratings [4]int
	notes   [4]string
}

// scored is one vendor of an evaluation: its measured figures and what
// the evaluators made of it.
type scored struct {
	vendor   string
	cards    [4]card
	conflict string // the declared conflict's note, for a conflicted card
	figures  map[string]float64
	opinions []opinion
}

// loader loads the demo evaluations on behalf of the demo people.
type loader struct {
	svc        Services
	manager    context.Context
	evaluators [4]context.Context
	vendors    map[string]*bpo.Vendor // the registry, by name
	today      time.Time
}

// loadEvaluations adds the demo evaluations to a database that has none.
// They need the demo vendors: a registry that held other vendors before the
// demo was first loaded gets no demo evaluations.
func loadEvaluations(ctx context.Context, svc Services, users map[string]*bpo.User) (bool, error) {
	manager := bpo.NewContextWithUser(ctx, users["manager@demo.test"])
	existing, _, err := svc.Evaluations.FindEvaluations(manager, bpo.EvaluationFilter{Limit: 1})
	if err != nil {
		return false, fmt.Errorf("demo evaluations: %w", err)
	}
	if len(existing) > 0 {
		return false, nil
	}
	registry, _, err := svc.Vendors.FindVendors(manager, bpo.VendorFilter{Limit: 1000})
	if err != nil {
		return false, fmt.Errorf("demo evaluations: %w", err)
	}
	l := &loader{svc: svc, manager: manager, vendors: map[string]*bpo.Vendor{},
		today: time.Now().UTC().Truncate(24 * time.Hour)}
	for _, v := range registry {
		l.vendors[v.Name] = v
	}
	for _, list := range [][]scored{openVendors, closedVendors} {
		for _, s := range list {
			if l.vendors[s.vendor] == nil {
				return false, nil
			}
		}
	}
	for i, email := range evaluatorEmails {
		l.evaluators[i] = bpo.NewContextWithUser(ctx, users[email])
	}
	// The closed evaluation first, so that lists (newest first) show the open one on top.
	if err := l.closedEvaluation(); err != nil {
		return false, fmt.Errorf("demo closed evaluation: %w", err)
	}
	if err := l.openEvaluation(); err != nil {
		return false, fmt.Errorf("demo open evaluation: %w", err)
	}
	return true, nil
}

// openTitle is the title of the demo evaluation being scored.
const openTitle = "Customer support & back-office outsourcing 2027"

// closedTitle is the title of the demo evaluation already decided.
const closedTitle = "Payroll & payroll helpdesk outsourcing 2026"

// openEvaluation is being scored: most scorecards are submitted, two are
// drafts, one is not started and one evaluator declared a conflict. The
// thresholds knock one vendor out (policies below 3), evaluators disagree
// on one criterion of one vendor, and the two leaders are close.
func (l *loader) openEvaluation() error {
	in := bpo.NewEvaluationInput()
	in.Title = openTitle
	in.Scope = "Inbound customer care in French (phone, e-mail and chat) for 1.2 million residential energy customers, " +
		"and the back-office behind it: refunds, contract changes and complaint files.\n" +
		"Start on 1 March 2027 with 80 FTE, up to 120 in the winter peak."
	in.Services = []string{"customer_support", "back_office"}
	due := l.today.AddDate(0, 0, 24)
	in.DueDate = &due
	team := []int{elodie, karim, sophie, james}
	ev, criteria, err := l.setUp(in, team, openVendors, map[string]func(*bpo.CriterionInput){
		"policies": func(c *bpo.CriterionInput) { c.MinRating = ptr(3.0) },
		"aht":      func(c *bpo.CriterionInput) { c.Best, c.Worst = ptr(240.0), ptr(420.0) },
		"asa":      func(c *bpo.CriterionInput) { c.Best, c.Worst = ptr(15.0), ptr(60.0) },
		"price":    func(c *bpo.CriterionInput) { c.Limit = ptr(3000.0) },
	})
	if err != nil {
		return err
	}
	// A vendor turned down before scoring started stays on the list, with its reason.
	cebu := l.vendors["Cebu Care Connect"]
	p, err := l.svc.Participants.AddParticipant(l.manager, ev.ID, cebu.ID)
	if err != nil {
		return err
	}
	if _, err := l.svc.Participants.SetStage(l.manager, ev.ID, cebu.ID, p.Version, bpo.StageRejected,
		"English only: cannot serve our French-speaking customers."); err != nil {
		return err
	}
	if ev, err = l.open(ev); err != nil {
		return err
	}
	if err := l.score(ev, team, criteria, openVendors); err != nil {
		return err
	}
	if err := l.revise(ev, criteria); err != nil {
		return err
	}
	// The steering committee's shortlist, which the comparison opens on.
	if err := l.shortlist(ev, "Atlas Relation Client", "Carthage Nearshore Services",
		"Luzon Contact Solutions", "Téranga Contact Center"); err != nil {
		return err
	}
	// Once the pilot calls were heard, the steering committee asked for
	// French to weigh more: a weight change while open, in the history.
	lang := criteria["language"]
	if err := l.svc.Criteria.SetWeights(l.manager, ev.ID, []bpo.WeightChange{
		{CriterionID: lang.ID, Version: lang.Version, Weight: 15},
	}); err != nil {
		return fmt.Errorf("weight: %w", err)
	}
	if criteria, err = l.criteria(ev.ID); err != nil {
		return err
	}
	if err := l.compareQuality(ev, criteria); err != nil {
		return err
	}
	return l.moderate(ev, criteria)
}

// shortlist moves the named vendors of ev to the shortlist.
func (l *loader) shortlist(ev *bpo.Evaluation, names ...string) error {
	participants, err := l.svc.Participants.FindParticipants(l.manager, ev.ID)
	if err != nil {
		return err
	}
	for _, p := range participants {
		if !slices.Contains(names, p.Name) {
			continue
		}
		if _, err := l.svc.Participants.SetStage(l.manager, ev.ID, p.VendorID, p.Version, bpo.StageShortlisted, ""); err != nil {
			return fmt.Errorf("shortlist %s: %w", p.Name, err)
		}
	}
	return nil
}

// revise has James O’Connor correct one rating of a submitted scorecard:
// the manager reopens it, he changes the rating and submits it again.
func (l *loader) revise(ev *bpo.Evaluation, criteria map[string]*bpo.Criterion) error {
	atlas := l.vendors["Atlas Relation Client"].ID
	ctx := l.evaluators[james]
	sc, err := l.svc.Scorecards.FindScorecard(ctx, ev.ID, atlas, 0)
	if err != nil {
		return err
	}
	if sc, err = l.svc.Scorecards.ReopenScorecard(l.manager, sc.EvaluationID, sc.ID, sc.Version); err != nil {
		return fmt.Errorf("reopen: %w", err)
	}
	c := criteria["communication"]
	_, err = l.svc.Scorecards.SaveRating(ctx, ev.ID, atlas, bpo.RatingInput{CriterionID: c.ID, Value: ptr(4),
		Justification: "Revised after week 2 of the pilot: the weekly report now arrives on Monday morning, as agreed.",
		Version:       sc.Ratings[c.ID].Version})
	if err != nil {
		return fmt.Errorf("revise: %w", err)
	}
	if sc, err = l.svc.Scorecards.FindScorecard(ctx, ev.ID, atlas, 0); err != nil {
		return err
	}
	_, err = l.svc.Scorecards.SubmitScorecard(ctx, ev.ID, atlas, sc.Version)
	return err
}

// closedEvaluation was scored in full and closed, and its decision recorded.
func (l *loader) closedEvaluation() error {
	in := bpo.NewEvaluationInput()
	in.Title = closedTitle
	in.Scope = "Monthly payroll for 2,300 employees in France and Belgium (social charges, withholding tax, " +
		"year-end statements) and the helpdesk that employees call about their pay."
	in.Services = []string{"payroll", "customer_support"}
	due := l.today.AddDate(0, -2, 0)
	in.DueDate = &due
	team := []int{elodie, karim}
	ev, criteria, err := l.setUp(in, team, closedVendors, nil)
	if err != nil {
		return err
	}
	if ev, err = l.open(ev); err != nil {
		return err
	}
	if err := l.score(ev, team, criteria, closedVendors); err != nil {
		return err
	}
	portLouis := l.vendors["Port-Louis BPO Centre"].ID
	if err := shortlistVendor(l.manager, l.svc, ev.ID, portLouis); err != nil {
		return err
	}
	if ev, err = l.svc.Evaluations.FindEvaluationByID(l.manager, ev.ID); err != nil {
		return err
	}
	if ev, err = l.svc.Evaluations.SetEvaluationStatus(l.manager, ev.ID, ev.Version, bpo.StatusClosed); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	err = recordDecision(l.manager, l.svc, ev, portLouis,
		"Port-Louis leads on the scorecards and is the only bidder with a bilingual payroll team "+
			"that already runs French withholding tax. Deccan is cheaper but its French is not good enough "+
			"for the employee helpdesk; Wisła is the strongest on service levels but 40 % more expensive.",
		"The lead is narrow on the weighted score, but only Port-Louis can run French withholding tax from day one.")
	if err != nil {
		return err
	}
	if l.svc.Assessments != nil {
		if err := l.assessment(ev); err != nil {
			return err
		}
	}
	if l.svc.Contracts != nil {
		return l.contract(ev)
	}
	return nil
}

// setUp creates a draft evaluation from the default template, changes the
// thresholds of some criteria, adds the vendors with their figures and
// assigns the team of evaluators. It returns the criteria by key.
func (l *loader) setUp(in bpo.EvaluationInput, team []int, vendors []scored, thresholds map[string]func(*bpo.CriterionInput)) (*bpo.Evaluation, map[string]*bpo.Criterion, error) {
	ev, err := l.svc.Evaluations.CreateEvaluation(l.manager, in)
	if err != nil {
		return nil, nil, err
	}
	criteria, err := l.criteria(ev.ID)
	if err != nil {
		return nil, nil, err
	}
	for key, set := range thresholds {
		c := criteria[key]
		ci := criterionInput(c)
		set(&ci)
		if criteria[key], err = l.svc.Criteria.UpdateCriterion(l.manager, c.ID, c.Version, ci); err != nil {
			return nil, nil, fmt.Errorf("criterion %s: %w", key, err)
		}
	}
	for _, s := range vendors {
		v := l.vendors[s.vendor]
		if _, err := l.svc.Participants.AddParticipant(l.manager, ev.ID, v.ID); err != nil {
			return nil, nil, fmt.Errorf("vendor %s: %w", s.vendor, err)
		}
		for key, value := range s.figures {
			if err := l.svc.Participants.SetMeasurement(l.manager, ev.ID, v.ID, criteria[key].ID, ptr(value)); err != nil {
				return nil, nil, fmt.Errorf("vendor %s, %s: %w", s.vendor, key, err)
			}
		}
	}
	for _, i := range team {
		if err := l.svc.Participants.AssignEvaluator(l.manager, ev.ID, bpo.UserFromContext(l.evaluators[i]).ID); err != nil {
			return nil, nil, err
		}
	}
	return ev, criteria, nil
}

func (l *loader) criteria(evaluationID int64) (map[string]*bpo.Criterion, error) {
	list, err := l.svc.Criteria.FindCriteria(l.manager, evaluationID)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]*bpo.Criterion, len(list))
	for _, c := range list {
		byKey[c.Key] = c
	}
	return byKey, nil
}

// open starts scoring, from the evaluation's latest version.
func (l *loader) open(ev *bpo.Evaluation) (*bpo.Evaluation, error) {
	ev, err := l.svc.Evaluations.FindEvaluationByID(l.manager, ev.ID)
	if err != nil {
		return nil, err
	}
	if ev, err = l.svc.Evaluations.SetEvaluationStatus(l.manager, ev.ID, ev.Version, bpo.StatusOpen); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return ev, nil
}

// score has each evaluator of the team declare their conflicts, then rate
// the vendors one scorecard after the other, submitting the finished ones.
func (l *loader) score(ev *bpo.Evaluation, team []int, criteria map[string]*bpo.Criterion, vendors []scored) error {
	for _, i := range team {
		ctx := l.evaluators[i]
		conflicts := []bpo.Conflict{}
		for _, s := range vendors {
			if s.cards[i] == conflicted {
				conflicts = append(conflicts, bpo.Conflict{VendorID: l.vendors[s.vendor].ID, Note: s.conflict})
			}
		}
		if err := l.svc.Scorecards.DeclareConflicts(ctx, ev.ID, conflicts); err != nil {
			return fmt.Errorf("%s declares: %w", evaluatorEmails[i], err)
		}
		for _, s := range vendors {
			if s.cards[i] == notStarted || s.cards[i] == conflicted {
				continue
			}
			if err := l.scorecard(ctx, ev.ID, criteria, s, i); err != nil {
				return fmt.Errorf("%s rates %s: %w", evaluatorEmails[i], s.vendor, err)
			}
		}
	}
	return nil
}

// scorecard saves evaluator i's ratings of one vendor, and submits them
// unless the scorecard is to stay a draft.
func (l *loader) scorecard(ctx context.Context, evaluationID int64, criteria map[string]*bpo.Criterion, s scored, i int) error {
	vendorID := l.vendors[s.vendor].ID
	for _, o := range s.opinions {
		if o.ratings[i] == 0 {
			continue
		}
		in := bpo.RatingInput{CriterionID: criteria[o.key].ID, Value: ptr(o.ratings[i]), Justification: o.notes[i]}
		if _, err := l.svc.Scorecards.SaveRating(ctx, evaluationID, vendorID, in); err != nil {
			return fmt.Errorf("%s: %w", o.key, err)
		}
	}
	if s.cards[i] != submitted {
		return nil
	}
	sc, err := l.svc.Scorecards.FindScorecard(ctx, evaluationID, vendorID, 0)
	if err != nil {
		return err
	}
	_, err = l.svc.Scorecards.SubmitScorecard(ctx, evaluationID, vendorID, sc.Version)
	return err
}

// criterionInput is the form of an existing criterion, to change some of it.
func criterionInput(c *bpo.Criterion) bpo.CriterionInput {
	return bpo.CriterionInput{ParentID: c.ParentID, Key: c.Key, Kind: c.Kind, NameEN: c.NameEN, NameFR: c.NameFR,
		GuidanceEN: c.GuidanceEN, GuidanceFR: c.GuidanceFR, Weight: c.Weight, MinRating: c.MinRating,
		Unit: c.Unit, Better: c.Better, Best: c.Best, Worst: c.Worst, Limit: c.Limit}
}

func ptr[T any](v T) *T { return &v }

// allSubmitted is the cards of a vendor that every evaluator scored.
var allSubmitted = [4]card{submitted, submitted, submitted, submitted}

// openVendors are the vendors of the open evaluation. Ratings are by
// Élodie Martin, Karim Benali, Sophie Dubois and James O’Connor; Élodie
// writes in French. James’s rating of Atlas’s communication is the one he
// submits first: revise changes it to 4.
var openVendors = []scored{
	{
		vendor: "Atlas Relation Client", cards: allSubmitted,
		figures: map[string]float64{"price": 2150, "aht": 295, "asa": 25, "abandonment": 4, "turnaround": 2.5},
		opinions: []opinion{
			{"policies", [4]int{4, 4, 4, 4}, [4]string{
				"Certificat ISO 27001 valide jusqu’en 2027, manuel qualité complet, matrice d’escalade avec des noms.",
				"ISO 27001 certificate shared; QA samples 4 % of calls. GDPR data-processing agreement signed without changes.",
				"",
				"Clear escalation matrix, but the incident log they showed was a template, not real data."}},
			{"process_expertise", [4]int{4, 4, 4, 4}, [4]string{
				"Trois clients télécoms et énergie en France, dont un avec le back-office des résiliations.",
				"Runs billing disputes and contract terminations for two French telecoms: the closest match to our scope.",
				"Strong on voice; back-office refund files are newer for them (since 2024).",
				""}},
			{"cultural_fit", [4]int{5, 4, 5, 4}, [4]string{
				"Écoute d’appels réels : vouvoiement, ton posé, reformulation systématique. Très proche de notre charte.",
				"Agents follow our tone guide without prompting; a little scripted on complaints.",
				"Best sample calls of the shortlist: calm, polite, no script reading.",
				"Good tone; supervisors know French consumer habits such as the 14-day withdrawal period."}},
			{"communication", [4]int{4, 3, 4, 3}, [4]string{
				"Réponses aux questions de l’appel d’offres en 48 h, interlocutrice toujours joignable.",
				"The weekly pilot report arrived two days late, twice.",
				"",
				"Two weekly pilot reports arrived late."}},
			{"cx_alignment", [4]int{4, 4, 4, 4}, [4]string{
				"Accepte des objectifs de satisfaction (CSAT) dans le contrat, pas seulement la DMT.",
				"Open to CSAT and first-contact-resolution targets alongside AHT.",
				"Proposes monthly calibration sessions with our quality team.",
				""}},
			{"language", [4]int{5, 5, 5, 5}, [4]string{
				"Français natif sur tout le plateau, aucune faute dans les réponses e-mail testées.",
				"Native French speakers; written replies flawless in our mystery-shopping test.",
				"Excellent written and spoken French; Arabic and Spanish available too.",
				"Their French is indistinguishable from our in-house team’s."}},
			{"technology", [4]int{3, 3, 3, 3}, [4]string{
				"Outils standards (Genesys), peu d’automatisation du back-office.",
				"Genesys Cloud, no RPA yet: it is on the roadmap only.",
				"",
				"Basic reporting; analytics are Excel exports."}},
			{"knowledge_transfer", [4]int{4, 4, 4, 4}, [4]string{
				"Plan de formation de trois semaines avec nos experts, puis tutorat.",
				"Three-week onboarding with shadowing on our floor in Lyon.",
				"",
				""}},
		},
	},
	{
		vendor: "Carthage Nearshore Services", cards: allSubmitted,
		figures: map[string]float64{"price": 2280, "aht": 285, "asa": 22, "abandonment": 3.5, "turnaround": 2},
		opinions: []opinion{
			{"policies", [4]int{4, 4, 4, 4}, [4]string{
				"Procédures documentées et auditées par un client allemand, RGPD bien maîtrisé.",
				"ISO 27001 and PCI DSS; a QA team of 12 for 300 agents.",
				"Clear escalation paths, tested during the pilot.",
				""}},
			{"process_expertise", [4]int{4, 4, 3, 4}, [4]string{
				"Support de niveau 1 et 2 pour un opérateur, encore peu de back-office.",
				"Strong helpdesk background; refunds and claims handling less proven.",
				"Little evidence on back-office files: every reference is an IT helpdesk.",
				"Good process maps for our ten most frequent contact reasons."}},
			{"cultural_fit", [4]int{4, 2, 4, 5}, [4]string{
				"Ton chaleureux, bonne connaissance de la clientèle française.",
				"Sample calls felt formal and rigid for a consumer brand; agents did not adapt to irritated customers.",
				"Agents adapted well to our tone guide after a single briefing.",
				"Best cultural match I heard: relaxed, empathetic, very close to our own agents."}},
			{"communication", [4]int{5, 4, 5, 4}, [4]string{
				"Toujours joignables, compte rendu hebdomadaire livré chaque lundi avant 9 h.",
				"Answered every RFP question within 24 hours.",
				"Named team lead on call during the whole pilot, answers within the hour.",
				"Quick and precise answers."}},
			{"cx_alignment", [4]int{4, 4, 3, 4}, [4]string{
				"Partage notre vision de l’expérience client, propose un NPS transactionnel.",
				"Agrees to CSAT targets in the contract.",
				"Contract proposal still built around AHT and occupancy only.",
				"Keen on NPS, but pushes hard for AHT bonuses."}},
			{"language", [4]int{4, 5, 4, 5}, [4]string{
				"Bon français écrit, quelques tournures peu idiomatiques.",
				"French, German and Italian on the same floor: useful for our Swiss customers.",
				"",
				"Excellent spoken French; written tests near perfect."}},
			{"technology", [4]int{4, 4, 4, 4}, [4]string{
				"Chatbot en production chez deux clients, tableaux de bord en temps réel.",
				"Real-time dashboards; chatbot deflection live with two clients.",
				"",
				""}},
			{"knowledge_transfer", [4]int{3, 4, 3, 4}, [4]string{
				"Formation initiale prévue, mais pas de plan pour tenir les connaissances à jour.",
				"Knowledge-base migration plan included in the offer.",
				"",
				""}},
		},
	},
	{
		vendor: "Luzon Contact Solutions", cards: allSubmitted,
		figures: map[string]float64{"price": 1650, "aht": 260, "asa": 18, "abandonment": 2.5, "turnaround": 1.5},
		opinions: []opinion{
			{"policies", [4]int{2, 2, 3, 2}, [4]string{
				"Pas d’accord de traitement des données conforme au RGPD, sous-traitants non listés.",
				"No GDPR data-processing agreement yet; sub-processors not disclosed. Transfers would need standard contractual clauses.",
				"Good QA programme, but the safeguards for EU customer data are still a draft.",
				"ISO 27001 in progress, not certified; vague answers on data protection."}},
			{"process_expertise", [4]int{4, 4, 4, 4}, [4]string{
				"Grande expérience du support client et du back-office pour des e-commerçants américains.",
				"Large e-commerce back-office references (refunds, chargebacks).",
				"",
				"Very mature processes, 24/7 operations."}},
			{"cultural_fit", [4]int{2, 3, 3, 2}, [4]string{
				"Scripts très américains, ton trop familier pour notre clientèle.",
				"Friendly but US-style scripts; would need heavy coaching for French customers.",
				"",
				"Tone too casual for our older customers."}},
			{"communication", [4]int{4, 4, 5, 4}, [4]string{
				"Réponses rapides et complètes.",
				"Excellent reporting; workforce-management dashboards shared daily.",
				"Fastest answers of all bidders, always within a few hours.",
				""}},
			{"cx_alignment", [4]int{3, 4, 3, 4}, [4]string{
				"Vraie orientation client, mais des objectifs surtout centrés sur la productivité.",
				"",
				"",
				"Offers a CSAT-linked bonus."}},
			{"language", [4]int{3, 3, 2, 3}, [4]string{
				"Français limité à une équipe de 15 personnes, accent marqué.",
				"Only 15 French-speaking agents: they would have to hire.",
				"Written French replies had several errors in our test.",
				""}},
			{"technology", [4]int{5, 4, 5, 4}, [4]string{
				"Automatisation avancée : RPA sur les remboursements, analyse de la parole.",
				"RPA on refunds and speech analytics in production.",
				"Most advanced tooling of the shortlist: RPA, speech analytics, AI-assisted QA.",
				""}},
			{"knowledge_transfer", [4]int{3, 4, 4, 3}, [4]string{
				"Plan de formation correct, mais entièrement à distance.",
				"",
				"",
				"Remote onboarding only."}},
		},
	},
	{
		vendor: "Téranga Contact Center", cards: [4]card{submitted, submitted, draft, submitted},
		figures: map[string]float64{"price": 1880, "aht": 330, "asa": 35, "abandonment": 5.5, "turnaround": 3.5},
		opinions: []opinion{
			{"policies", [4]int{3, 4, 3, 3}, [4]string{
				"Procédures en place mais en partie obsolètes (version de 2021).",
				"QA programme in place; ISO 27001 certified since 2023.",
				"Procédures claires, mais escalade peu formalisée.",
				"Thin quality manual; PCI DSS not covered."}},
			{"process_expertise", [4]int{3, 3, 3, 3}, [4]string{
				"Solide sur le recouvrement amiable, moins sur le service client pur.",
				"Mostly collections; customer care for a single bank.",
				"",
				""}},
			{"cultural_fit", [4]int{4, 4, 4, 5}, [4]string{
				"Excellente connaissance des clients français, ton chaleureux.",
				"Warm, polite agents; very close to our tone.",
				"",
				"Our customer test panel preferred their calls to every other bidder’s."}},
			{"communication", [4]int{3, 3, 3, 3}, [4]string{
				"Délais de réponse irréguliers pendant l’appel d’offres.",
				"Needed two reminders to get the pricing grid.",
				"",
				""}},
			{"cx_alignment", [4]int{4, 3, 4, 4}, [4]string{
				"Bonne culture client, propose des enquêtes à chaud.",
				"",
				"",
				"Suggests a short survey after each call."}},
			{"language", [4]int{5, 5, 0, 4}, [4]string{
				"Français impeccable, à l’oral comme à l’écrit.",
				"Flawless French, spoken and written.",
				"",
				"Very good French; a few typos in written replies."}},
			{"technology", [4]int{2, 2, 0, 3}, [4]string{
				"Outils vieillissants, pas de CRM partagé.",
				"Ageing telephony, no omnichannel.",
				"",
				""}},
			{"knowledge_transfer", [4]int{3, 3, 0, 4}, [4]string{
				"Formation initiale courte (une semaine).",
				"",
				"",
				"Offers a knowledge manager dedicated to our account."}},
		},
	},
	{
		vendor: "Lisboa Multilingual Services", cards: [4]card{submitted, submitted, submitted, draft},
		figures: map[string]float64{"price": 2950, "aht": 270, "asa": 20, "abandonment": 3, "turnaround": 2},
		opinions: []opinion{
			{"policies", [4]int{4, 5, 4, 4}, [4]string{
				"ISO 27001 et ISO 9001, données hébergées dans l’Union européenne.",
				"Best compliance file of the shortlist: ISO 27001, ISO 9001, EU data residency, DPA signed.",
				"",
				"Very complete documentation."}},
			{"process_expertise", [4]int{3, 4, 4, 4}, [4]string{
				"Surtout du support informatique, peu de service client grand public.",
				"",
				"Consumer care for two airlines, including refund handling.",
				""}},
			{"cultural_fit", [4]int{3, 4, 3, 3}, [4]string{
				"Conseillers multilingues compétents, mais ton un peu impersonnel.",
				"Professional but generic tone.",
				"Polite, but the scripts read as if translated from English.",
				""}},
			{"communication", [4]int{4, 4, 4, 4}, [4]string{
				"Comptes rendus clairs et réguliers.",
				"Clear weekly reports, on time.",
				"",
				"Well organised; one contact for everything."}},
			{"cx_alignment", [4]int{4, 4, 4, 0}, [4]string{
				"",
				"Accepts CSAT and quality targets in the contract.",
				"",
				""}},
			{"language", [4]int{4, 4, 4, 0}, [4]string{
				"Bon niveau de français ; l’équipe francophone compte 60 personnes.",
				"",
				"French team of 60, good level; German and Spanish a bonus.",
				""}},
			{"technology", [4]int{5, 5, 4, 0}, [4]string{
				"Très bonne plateforme omnicanale, routage intelligent.",
				"Omnichannel platform with AI routing and real-time QA.",
				"",
				""}},
			{"knowledge_transfer", [4]int{3, 4, 4, 0}, [4]string{
				"Académie interne, mais pas de formation prévue sur nos offres.",
				"",
				"In-house academy with a certified training path.",
				""}},
		},
	},
	{
		vendor: "Île Rouge Data Services", cards: [4]card{submitted, conflicted, submitted, notStarted},
		conflict: "I worked for Île Rouge Data Services until 2023.",
		figures:  map[string]float64{"price": 1720, "aht": 390, "asa": 48, "abandonment": 7.5, "turnaround": 1},
		opinions: []opinion{
			{"policies", [4]int{3, 0, 4, 0}, [4]string{
				"Procédures de traitement documentaire solides, mais pas de certification ISO 27001.",
				"",
				"Good document-handling procedures; security certification planned for 2027.",
				""}},
			{"process_expertise", [4]int{3, 0, 4, 0}, [4]string{
				"Très bons sur la saisie et le traitement de dossiers, activité voix encore récente.",
				"",
				"Back-office is their core: claims files and document capture. Voice only since 2025.",
				""}},
			{"cultural_fit", [4]int{4, 0, 3, 0}, [4]string{
				"Bonne compréhension de nos clients, équipe francophone.",
				"",
				"Friendly, but little experience with French consumer complaints.",
				""}},
			{"communication", [4]int{4, 0, 3, 0}, [4]string{
				"Réponses rapides, directeur des opérations très disponible.",
				"",
				"Reporting is manual and sometimes late.",
				""}},
			{"cx_alignment", [4]int{3, 0, 3, 0}, [4]string{
				"Approche surtout centrée sur la productivité.",
				"",
				"",
				""}},
			{"language", [4]int{4, 0, 4, 0}, [4]string{
				"Bon français écrit, quelques hésitations à l’oral.",
				"",
				"Good written French.",
				""}},
			{"technology", [4]int{4, 0, 3, 0}, [4]string{
				"OCR et RPA sur la saisie de documents.",
				"",
				"",
				""}},
			{"knowledge_transfer", [4]int{3, 0, 3, 0}, [4]string{
				"",
				"",
				"Onboarding plan still to be written.",
				""}},
		},
	},
}

// closedVendors are the vendors of the decided evaluation, whose team was
// Élodie Martin and Karim Benali.
var closedVendors = []scored{
	{
		vendor: "Port-Louis BPO Centre", cards: allSubmitted,
		figures: map[string]float64{"price": 2050, "aht": 310, "asa": 28, "abandonment": 4, "turnaround": 1.5},
		opinions: []opinion{
			{"policies", [4]int{4, 4}, [4]string{"Procédures de paie auditées chaque année par un cabinet externe.", "Yearly external payroll audit; clean reports for 2024 and 2025."}},
			{"process_expertise", [4]int{4, 4}, [4]string{"Maîtrise la DSN et le prélèvement à la source.", "Runs French and Belgian payroll for three clients."}},
			{"cultural_fit", [4]int{4, 5}, [4]string{"Équipe bilingue, habituée aux salariés français.", "Bilingual team that already answers French employees every day."}},
			{"communication", [4]int{4, 4}, [4]string{"", "Named payroll lead, answers within the day."}},
			{"cx_alignment", [4]int{4, 4}, [4]string{"Propose une enquête de satisfaction auprès des salariés.", ""}},
			{"language", [4]int{5, 4}, [4]string{"Français parfait, à l’écrit comme au téléphone.", "Very good French and English."}},
			{"technology", [4]int{3, 3}, [4]string{"Outils de paie standards, peu d’automatisation.", ""}},
			{"knowledge_transfer", [4]int{4, 4}, [4]string{"", "Parallel run of two pay cycles before go-live."}},
		},
	},
	{
		vendor: "Deccan Process Partners", cards: allSubmitted,
		figures: map[string]float64{"price": 1680, "aht": 380, "asa": 40, "abandonment": 6.5, "turnaround": 2},
		opinions: []opinion{
			{"policies", [4]int{4, 4}, [4]string{"Contrôles SOC 1 type II en place.", "SOC 1 Type II report available."}},
			{"process_expertise", [4]int{5, 5}, [4]string{"Paie dans 40 pays, dont la France depuis 2019.", "Payroll in 40 countries; the broadest experience of the three."}},
			{"cultural_fit", [4]int{2, 3}, [4]string{"Peu de connaissance des usages sociaux français.", "Processes are solid, but little feel for French employees’ expectations."}},
			{"communication", [4]int{3, 3}, [4]string{"Réponses parfois tardives à cause du décalage horaire.", ""}},
			{"cx_alignment", [4]int{3, 3}, [4]string{"", ""}},
			{"language", [4]int{2, 2}, [4]string{"Le helpdesk salariés ne parle qu’anglais.", "English-only helpdesk: not acceptable for French employees."}},
			{"technology", [4]int{5, 4}, [4]string{"Centre d’excellence RPA, contrôles de paie automatisés.", "RPA checks on every pay run."}},
			{"knowledge_transfer", [4]int{3, 3}, [4]string{"", ""}},
		},
	},
	{
		vendor: "Wisła Shared Services", cards: allSubmitted,
		figures: map[string]float64{"price": 2900, "aht": 290, "asa": 20, "abandonment": 3, "turnaround": 1},
		opinions: []opinion{
			{"policies", [4]int{5, 4}, [4]string{"Dossier de conformité exemplaire, données hébergées dans l’UE.", "EU data residency, ISO 27001."}},
			{"process_expertise", [4]int{4, 4}, [4]string{"Bonne expérience de la paie belge, moins de la paie française.", "Strong on Belgian payroll, French payroll for one client only."}},
			{"cultural_fit", [4]int{3, 3}, [4]string{"", ""}},
			{"communication", [4]int{4, 4}, [4]string{"Interlocuteurs disponibles et précis.", ""}},
			{"cx_alignment", [4]int{3, 3}, [4]string{"", ""}},
			{"language", [4]int{3, 4}, [4]string{"Français correct mais hésitant au téléphone.", "Good written French; spoken French varies between agents."}},
			{"technology", [4]int{4, 4}, [4]string{"Portail salarié moderne.", "Modern self-service portal for employees."}},
			{"knowledge_transfer", [4]int{3, 4}, [4]string{"", "Detailed transition plan."}},
		},
	},
}
