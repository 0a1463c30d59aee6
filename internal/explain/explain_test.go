package explain_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	acme  = scoring.Ref{Key: "acme", Name: "Acme BPO"}
	beta  = scoring.Ref{Key: "beta", Name: "Beta"}
	gamma = scoring.Ref{Key: "gamma", Name: "Gamma Services"}
	price = scoring.Ref{Key: "price", Name: "Price per FTE per month"}
)

func TestReason(t *testing.T) {
	tests := map[string]struct {
		lang   i18n.Lang
		reason scoring.Reason
		want   string
	}{
		"RankReversal": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonRankReversal, Vendor: acme, RunnerUp: beta, Removed: gamma, Criteria: []scoring.Ref{price}},
			want:   "The lead depends on Gamma Services being in the field: without it, Beta would lead instead of Acme BPO (relative formula for Price per FTE per month). With best and worst anchors on Price per FTE per month, each bid is scored on its own and no withdrawal can reorder the others.",
		},
		"RankReversalInFrench": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonRankReversal, Vendor: acme, RunnerUp: beta, Removed: gamma, Criteria: []scoring.Ref{price}},
			want:   "L'avance dépend de la présence de Gamma Services dans la compétition\u00a0: sans lui, Beta serait en tête à la place de Acme BPO (formule relative pour Price per FTE per month). Avec des bornes meilleure et pire valeur pour Price per FTE per month, chaque offre est notée pour elle-même et aucun retrait ne peut réordonner les autres.",
		},
		"Robustness": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonRobustness, Vendor: acme, Weight: 0.25, Shares: []scoring.Share{{Vendor: acme, Share: 0.6405}, {Vendor: beta, Share: 0.3595}}},
			want:   "Acme BPO leads in 64% of weightings within ±25% of the set weights; Beta in 36%.",
		},
		"RobustnessInFrench": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonRobustness, Vendor: acme, Weight: 0.25, Shares: []scoring.Share{{Vendor: acme, Share: 0.9996}, {Vendor: beta, Share: 0.0004}}},
			want:   "Acme BPO est en tête dans 99,96\u202f% des pondérations à ±25\u202f% des poids fixés\u202f; Beta dans 0,04\u202f%.",
		},
		"RobustnessAlone": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonRobustness, Vendor: acme, Weight: 0.1, Shares: []scoring.Share{{Vendor: acme, Share: 1}}},
			want:   "Acme BPO leads in 100% of weightings within ±10% of the set weights.",
		},
		"ClearLead": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonClearLead, Vendor: acme, RunnerUp: beta, Score: 78.25, Margin: 5.2, CloseCallMargin: 3},
			want:   "Award to Acme BPO: it scores 78.25 points and leads Beta by 5.2 points, at least the close-call margin of 3 points.",
		},
		"ClearLeadInFrench": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonClearLead, Vendor: acme, RunnerUp: beta, Score: 78.25, Margin: 5.2, CloseCallMargin: 3},
			want:   "Attribuer à Acme BPO\u00a0: il obtient 78,25 points et devance Beta de 5,2 points, au moins l'écart de 3 points requis pour trancher.",
		},
		"CloseCallWithATinyMargin": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonCloseCall, Vendor: acme, RunnerUp: beta, Score: 70, Margin: 0.004, CloseCallMargin: 3},
			want:   "Too close to call: Acme BPO scores 70 points but leads Beta by only 0.004 points, less than the close-call margin of 3 points.",
		},
		"DeadHeat": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonCloseCall, Vendor: acme, RunnerUp: beta, Score: 70, CloseCallMargin: 3},
			want:   "Trop serré pour trancher\u00a0: Acme BPO et Beta sont à égalité avec 70 points.",
		},
		"BelowThreshold": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonBelowThreshold, Vendor: acme, Score: 55.123, AwardThreshold: 60},
			want:   "No award: the best eligible vendor, Acme BPO, scores 55.12 points, below the award threshold of 60 points. Keep the work in-house.",
		},
		"SoleEligible": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonSoleEligible, Vendor: acme, Score: 81.5, AwardThreshold: 60},
			want:   "Award to Acme BPO: it is the only eligible vendor and scores 81.5 points, which reaches the award threshold of 60 points.",
		},
		"AllKnockedOut": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonAllKnockedOut, Count: 3},
			want:   "Pas d'attribution\u00a0: les 3 prestataires ont tous été éliminés, aucun n'est donc éligible. Gardez l'activité en interne.",
		},
		"OnlyVendorKnockedOut": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonAllKnockedOut, Count: 1},
			want:   "No award: the only vendor was knocked out. Keep the work in-house.",
		},
		"NoVendors": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonNoVendors},
			want:   "No award: the evaluation has no vendors.",
		},
		"IncompleteAlone": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonIncomplete, Vendor: acme, Score: 50},
			want:   "Incomplete: data is missing for eligible vendors, so the decision must wait. Acme BPO leads provisionally with 50 points.",
		},
		"IncompleteWithARunnerUp": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonIncomplete, Vendor: acme, RunnerUp: beta, Score: 50, Margin: 10},
			want:   "Évaluation incomplète\u00a0: des données manquent pour des prestataires éligibles, la décision doit donc attendre. Acme BPO est provisoirement en tête avec 50 points, soit 10 points de plus que Beta.",
		},
		"IncompleteTie": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonIncomplete, Vendor: acme, RunnerUp: beta, Score: 50},
			want:   "Incomplete: data is missing for eligible vendors, so the decision must wait. Acme BPO and Beta are provisionally tied at 50 points.",
		},
		"KnockedOut": {
			lang: i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonKnockedOut, Vendor: scoring.Ref{Key: "gamma"}, KnockOuts: []scoring.KnockOut{
				{Criterion: scoring.Ref{Key: "policies", Name: "Policies & procedures"}, Rule: scoring.RuleMinRating, Value: 2.5, Threshold: 3},
				{Criterion: price, Rule: scoring.RuleLimit, Value: 3200, Threshold: 3000, Unit: "EUR", Better: scoring.Lower},
			}},
			want: "gamma was knocked out: Policies & procedures (rating 2.5 is below the minimum 3); Price per FTE per month (3,200 EUR is above the limit 3,000 EUR).",
		},
		"KnockedOutInFrench": {
			lang: i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonKnockedOut, Vendor: scoring.Ref{Key: "gamma", Name: "Gamma"}, KnockOuts: []scoring.KnockOut{
				{Criterion: scoring.Ref{Key: "policies", Name: "Politiques et procédures"}, Rule: scoring.RuleMinRating, Value: 2.5, Threshold: 3},
				{Criterion: scoring.Ref{Key: "fcr"}, Rule: scoring.RuleLimit, Value: 85, Threshold: 90, Unit: "%", Better: scoring.Higher},
			}},
			want: "Gamma a été éliminé\u00a0: Politiques et procédures (la note 2,5 est inférieure au minimum de 3)\u202f; fcr (85\u202f% est en dessous de la limite de 90\u202f%).",
		},
		"KnockedOutByAHair": {
			lang: i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonKnockedOut, Vendor: beta, KnockOuts: []scoring.KnockOut{
				{Criterion: scoring.Ref{Key: "p"}, Rule: scoring.RuleMinRating, Value: 2.9996, Threshold: 3},
			}},
			want: "Beta was knocked out: p (rating 2.9996 is below the minimum 3).",
		},
		"MissingData": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonMissingData, Vendor: acme, Completeness: 0.29, Criteria: []scoring.Ref{price, {Key: "asa"}, {Key: "aht", Name: "AHT"}}},
			want:   "Data is missing for Acme BPO on Price per FTE per month, asa and AHT (29% complete).",
		},
		"MissingDataNeverShowsAsComplete": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonMissingData, Vendor: acme, Completeness: 0.999, Criteria: []scoring.Ref{price}},
			want:   "Des données manquent pour Acme BPO sur Price per FTE per month (complétude de 99\u202f%).",
		},
		"Disputed": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonDisputed, Vendor: beta, Criteria: []scoring.Ref{{Key: "fit", Name: "Cultural fit"}, price}},
			want:   "Evaluators disagree on Cultural fit and Price per FTE per month for Beta: their ratings differ by half the scale or more.",
		},
		"NearestFlip": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonNearestFlip, Vendor: beta, Criterion: price, Weight: 0.2, FlipWeight: 0.3412},
			want:   "Beta would lead if Price per FTE per month weighed 34% instead of 20%; no smaller change to a single weight changes the leader.",
		},
		"NearestFlipAtATie": {
			lang:   i18n.EN,
			reason: scoring.Reason{Code: scoring.ReasonNearestFlip, Vendor: beta, Criterion: price, Weight: 0.2, FlipWeight: 0.2},
			want:   "Beta is level with the leader: the slightest change to the weight of Price per FTE per month could put it ahead.",
		},
		"Stable": {
			lang:   i18n.FR,
			reason: scoring.Reason{Code: scoring.ReasonStable, Vendor: acme},
			want:   "Aucune modification du poids d'un seul critère ne ferait passer un autre prestataire éligible devant Acme BPO.",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := explain.Reason(tc.lang, tc.reason); got != tc.want {
				t.Errorf("Reason =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// TestEveryReasonIsPhrased catches a code without a sentence: a missing
// catalog key would show as the key itself.
func TestEveryReasonIsPhrased(t *testing.T) {
	codes := []scoring.ReasonCode{
		scoring.ReasonNoVendors, scoring.ReasonAllKnockedOut, scoring.ReasonIncomplete, scoring.ReasonBelowThreshold,
		scoring.ReasonSoleEligible, scoring.ReasonClearLead, scoring.ReasonCloseCall, scoring.ReasonKnockedOut,
		scoring.ReasonMissingData, scoring.ReasonDisputed, scoring.ReasonNearestFlip, scoring.ReasonStable,
		scoring.ReasonRankReversal, scoring.ReasonRobustness,
	}
	for _, lang := range i18n.Langs {
		for _, c := range codes {
			r := scoring.Reason{Code: c, Vendor: acme, RunnerUp: beta, Criterion: price, Criteria: []scoring.Ref{price}, Margin: 1, FlipWeight: 0.5, Count: 2,
				Removed: gamma, Weight: 0.25, Shares: []scoring.Share{{Vendor: acme, Share: 0.5}, {Vendor: beta, Share: 0.5}}}
			if got := explain.Reason(lang, r); got == "" || strings.Contains(got, "scoring.") || strings.Contains(got, "%!") {
				t.Errorf("%s, %s: %q", lang, c, got)
			}
		}
		for _, d := range []scoring.Decision{scoring.Award, scoring.CloseCall, scoring.NoAward, scoring.Incomplete} {
			if got := explain.Decision(lang, d); strings.Contains(got, "scoring.") {
				t.Errorf("%s, %s: %q", lang, d, got)
			}
		}
	}
}

func TestSensitivity(t *testing.T) {
	m, res := scoreFile(t, "testdata/model.json")
	flip, none := 0.3412, scoring.Sensitivity{Criterion: "cultural_fit", Weight: 0.257}
	tests := map[string]struct {
		lang i18n.Lang
		s    scoring.Sensitivity
		want string
	}{
		"Flip":         {i18n.EN, scoring.Sensitivity{Criterion: "price", Weight: 0.2, FlipWeight: &flip, NewLeader: "beta"}, "Beta would lead if Price per FTE per month weighed 34% instead of 20%."},
		"FlipInFrench": {i18n.FR, scoring.Sensitivity{Criterion: "price", Weight: 0.2, FlipWeight: &flip, NewLeader: "beta"}, "Beta passerait en tête si Price per FTE per month pesait 34\u202f% au lieu de 20\u202f%."},
		"CloseWeights": {i18n.EN, scoring.Sensitivity{Criterion: "price", Weight: 0.3, FlipWeight: &flip, NewLeader: "beta"}, "Beta would lead if Price per FTE per month weighed 34.1% instead of 30%."},
		"None":         {i18n.EN, none, "No weight of Cultural fit alone changes the leader."},
		"NoneInFrench": {i18n.FR, none, "Aucun poids de Cultural fit ne change à lui seul le prestataire en tête."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := explain.Sensitivity(tc.lang, m, res, tc.s); got != tc.want {
				t.Errorf("Sensitivity =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
	t.Run("EveryLeafOfTheModel", func(t *testing.T) {
		for _, s := range res.Sensitivity {
			if got := explain.Sensitivity(i18n.EN, m, res, s); strings.Contains(got, "scoring.") || strings.Contains(got, "instead of") && s.FlipWeight == nil {
				t.Errorf("%s: %q", s.Criterion, got)
			}
		}
	})
}

// TestMarshalResult compares the result JSON of testdata/model.json with the
// golden file, in each language; run with -update to accept a change.
func TestMarshalResult(t *testing.T) {
	_, res := scoreFile(t, "testdata/model.json")
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			got, err := explain.MarshalResult(res, lang)
			if err != nil {
				t.Fatal(err)
			}
			golden := "testdata/result." + string(lang) + ".json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("MarshalResult differs from %s:\n%s", golden, got)
			}
		})
	}
}

// TestMarshalResultShape checks the document against DESIGN.md's schema.
func TestMarshalResultShape(t *testing.T) {
	_, res := scoreFile(t, "testdata/model.json")
	out, err := explain.MarshalResult(res, i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(out, []byte("}\n")) {
		t.Errorf("the document does not end with a newline")
	}
	if !bytes.Contains(out, []byte(`"Policies & procedures`)) && bytes.Contains(out, []byte(`\u0026`)) {
		t.Errorf("HTML characters are escaped")
	}
	var doc struct {
		Vendors []struct {
			Key       string
			Rank      *int
			Eligible  bool
			KnockOuts []struct{ Criterion, Reason string } `json:"knockouts"`
			Criteria  []map[string]any
		}
		Recommendation map[string]any
		Sensitivity    []map[string]any
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	gamma := doc.Vendors[len(doc.Vendors)-1]
	if gamma.Key != "gamma" || gamma.Eligible || len(gamma.KnockOuts) != 2 || gamma.KnockOuts[0].Reason != "rating 2.5 is below the minimum 3" {
		t.Errorf("gamma = %+v, want last, not eligible, knocked out on policies (rating 2.5 is below the minimum 3) and price", gamma)
	}
	if gamma.Rank != nil || doc.Vendors[0].Rank == nil || *doc.Vendors[0].Rank != 1 {
		t.Errorf("ranks %v and %v, want 1 for the leader and null for the knocked-out gamma", doc.Vendors[0].Rank, gamma.Rank)
	}
	if doc.Vendors[0].KnockOuts == nil {
		t.Errorf("knockouts of an eligible vendor is null, want []")
	}
	asa := gamma.Criteria[3]
	for _, f := range []string{"value", "normalized", "raters", "spread", "disputed", "consensus"} {
		if v, ok := asa[f]; !ok || v != nil {
			t.Errorf("a missing measured leaf has %s = %v, want null", f, v)
		}
	}
	if asa["missing"] != true || asa["contribution"] != 0.0 {
		t.Errorf("a missing leaf = %v, want missing and contributing 0", asa)
	}
	if fit := gamma.Criteria[1]; fit["raters"] != 1.0 || fit["spread"] != 0.0 || fit["disputed"] != false || fit["consensus"] != false {
		t.Errorf("a rated leaf with one rating = %v, want raters 1, spread 0, disputed false", fit)
	}
	for _, f := range []string{"decision", "vendor", "runner_up", "margin", "reasons"} {
		if _, ok := doc.Recommendation[f]; !ok {
			t.Errorf("recommendation has no %q", f)
		}
	}
	for _, s := range doc.Sensitivity {
		if _, ok := s["flip_weight"]; !ok {
			t.Errorf("sensitivity %v has no flip_weight", s)
		}
	}
}

func TestWriteText(t *testing.T) {
	_, res := scoreFile(t, "testdata/model.json")
	tests := map[string]struct {
		lang i18n.Lang
		want []string
	}{
		"English": {i18n.EN, []string{
			"Rank  Vendor          Score  Eligible  Completeness",
			"—     Gamma Services  ",
			"no        80%",
			"Decision: ",
			"Reasons:\n- ",
			"Gamma Services was knocked out: Policies & procedures (rating 2.5 is below the minimum 3); Price per FTE per month (3,200 EUR is above the limit 3,000 EUR).",
		}},
		"French": {i18n.FR, []string{
			"Rang  Prestataire     Score  Éligible  Complétude",
			"non       80\u202f%",
			"que de 0,19 point, moins",
			"pesait 20,5\u202f% au lieu de 20\u202f%",
			"Décision\u00a0: ",
			"Motifs\u00a0:\n- ",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := explain.WriteText(&buf, tc.lang, res); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("the text has no %q:\n%s", w, buf.String())
				}
			}
		})
	}
}

func scoreFile(t *testing.T, name string) (*scoring.Model, *scoring.Result) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := scoring.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, res
}
