package explain

import (
	"bytes"
	"encoding/json"

	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// MarshalResult returns the result JSON of DESIGN.md ("Result"), with the
// reasons phrased in lang. It is the one producer of that document: both
// `bpoeval score` and GET /api/v1/evaluations/{id}/result write its bytes as
// they are, so the two always agree.
//
// The output is indented by two spaces and ends with a newline (a text file
// and a terminal both want one; JSON parsers ignore it). Numbers keep full
// float64 precision; fields that do not apply are null and lists are never
// null. HTML characters are not escaped: "Smith & Co" stays readable.
func MarshalResult(res *scoring.Result, lang i18n.Lang) ([]byte, error) {
	out := resultJSON{
		Vendors:     make([]vendorJSON, len(res.Vendors)),
		Sensitivity: make([]sensitivityJSON, len(res.Sensitivity)),
	}
	for i, v := range res.Vendors {
		out.Vendors[i] = vendorOf(lang, v)
	}
	rec := res.Recommendation
	out.Recommendation = recommendationJSON{
		Decision: rec.Decision,
		Vendor:   nonEmpty(rec.Vendor),
		RunnerUp: nonEmpty(rec.RunnerUp),
		Margin:   rec.Margin,
		Reasons:  make([]string, len(rec.Reasons)),
	}
	for i, r := range rec.Reasons {
		out.Recommendation.Reasons[i] = Reason(lang, r)
	}
	for i, s := range res.Sensitivity {
		out.Sensitivity[i] = sensitivityJSON{Criterion: s.Criterion, Weight: s.Weight, FlipWeight: s.FlipWeight, NewLeader: nonEmpty(s.NewLeader)}
	}
	out.RankReversals, out.ValueForMoney, out.Robustness = analysesOf(res)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func vendorOf(lang i18n.Lang, v scoring.VendorResult) vendorJSON {
	out := vendorJSON{
		Key: v.Key, Name: v.Name, Score: v.Score,
		Eligible: v.Eligible, Completeness: v.Completeness,
		KnockOuts: make([]knockOutJSON, len(v.KnockOuts)),
		Criteria:  make([]criterionJSON, len(v.Criteria)),
	}
	if v.Rank > 0 {
		out.Rank = &v.Rank
	}
	for i, k := range v.KnockOuts {
		out.KnockOuts[i] = knockOutJSON{Criterion: k.Criterion.Key, Reason: KnockOut(lang, k)}
	}
	for i, c := range v.Criteria {
		cj := criterionJSON{Key: c.Key, Weight: c.Weight, Contribution: c.Contribution, Missing: c.Missing}
		if !c.Missing {
			cj.Value, cj.Normalized = &c.Value, &c.Normalized
		}
		if !c.Measured {
			cj.Raters, cj.Consensus = &c.Raters, &c.Consensus
			if c.Raters > 0 {
				cj.Spread, cj.Disputed = &c.Spread, &c.Disputed
			}
		}
		out.Criteria[i] = cj
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// The types below are the result JSON's schema; their field order is the
// order of the document.

type resultJSON struct {
	Vendors        []vendorJSON       `json:"vendors"`
	Recommendation recommendationJSON `json:"recommendation"`
	Sensitivity    []sensitivityJSON  `json:"sensitivity"`
	RankReversals  []rankReversalJSON `json:"rank_reversals"`
	ValueForMoney  *valueJSON         `json:"value_for_money"`
	Robustness     *robustnessJSON    `json:"robustness"`
}

type vendorJSON struct {
	Key          string          `json:"key"`
	Name         string          `json:"name"`
	Rank         *int            `json:"rank"`
	Score        float64         `json:"score"`
	Eligible     bool            `json:"eligible"`
	Completeness float64         `json:"completeness"`
	KnockOuts    []knockOutJSON  `json:"knockouts"`
	Criteria     []criterionJSON `json:"criteria"`
}

type knockOutJSON struct {
	Criterion string `json:"criterion"`
	Reason    string `json:"reason"`
}

type criterionJSON struct {
	Key          string   `json:"key"`
	Weight       float64  `json:"weight"`
	Value        *float64 `json:"value"`
	Normalized   *float64 `json:"normalized"`
	Contribution float64  `json:"contribution"`
	Raters       *int     `json:"raters"`
	Spread       *float64 `json:"spread"`
	Disputed     *bool    `json:"disputed"`
	Missing      bool     `json:"missing"`
	Consensus    *bool    `json:"consensus"`
}

type recommendationJSON struct {
	Decision scoring.Decision `json:"decision"`
	Vendor   *string          `json:"vendor"`
	RunnerUp *string          `json:"runner_up"`
	Margin   *float64         `json:"margin"`
	Reasons  []string         `json:"reasons"`
}

type sensitivityJSON struct {
	Criterion  string   `json:"criterion"`
	Weight     float64  `json:"weight"`
	FlipWeight *float64 `json:"flip_weight"`
	NewLeader  *string  `json:"new_leader"`
}

type rankReversalJSON struct {
	Removed string      `json:"removed"`
	Pairs   [][2]string `json:"pairs"`
	Leader  *string     `json:"leader"`
}

type valueJSON struct {
	CostCriterion string           `json:"cost_criterion"`
	Points        []valuePointJSON `json:"points"`
}

type valuePointJSON struct {
	Vendor   string  `json:"vendor"`
	Cost     float64 `json:"cost"`
	Benefit  float64 `json:"benefit"`
	Frontier bool    `json:"frontier"`
}

type robustnessJSON struct {
	Samples       int                `json:"samples"`
	Spread        float64            `json:"spread"`
	Acceptability map[string]float64 `json:"acceptability"`
}

// analysesOf converts the results of rules 12 to 14; lists are never null,
// the analyses that do not apply are.
func analysesOf(res *scoring.Result) ([]rankReversalJSON, *valueJSON, *robustnessJSON) {
	rrs := make([]rankReversalJSON, len(res.RankReversals))
	for i, rr := range res.RankReversals {
		rrs[i] = rankReversalJSON{Removed: rr.Removed, Pairs: rr.Pairs, Leader: nonEmpty(rr.Leader)}
		if rrs[i].Pairs == nil {
			rrs[i].Pairs = [][2]string{}
		}
	}
	var vfm *valueJSON
	if v := res.ValueForMoney; v != nil {
		vfm = &valueJSON{CostCriterion: v.CostCriterion, Points: make([]valuePointJSON, len(v.Points))}
		for i, p := range v.Points {
			vfm.Points[i] = valuePointJSON{Vendor: p.Vendor, Cost: p.Cost, Benefit: p.Benefit, Frontier: p.Frontier}
		}
	}
	var rob *robustnessJSON
	if r := res.Robustness; r != nil {
		rob = &robustnessJSON{Samples: r.Samples, Spread: r.Spread, Acceptability: make(map[string]float64, len(r.Acceptability))}
		for _, a := range r.Acceptability {
			rob.Acceptability[a.Vendor] = a.Share
		}
	}
	return rrs, vfm, rob
}
