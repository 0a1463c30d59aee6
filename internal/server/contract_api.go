package server

import (
	"net/http"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// apiKPI is one KPI of GET /api/v1/contracts/{id}.
type apiKPI struct {
	Key    string  `json:"key"`
	Target float64 `json:"target"`
	Better string  `json:"better"`
	Weight float64 `json:"weight"`
}

// apiPeriod is one period: its score is null without figures.
type apiPeriod struct {
	Start   string             `json:"start"`
	Score   *float64           `json:"score"`
	Actuals map[string]float64 `json:"actuals"`
}

// apiStanding is the standing and its band.
type apiStanding struct {
	Score float64 `json:"score"`
	Band  string  `json:"band"`
}

// apiContract is a contract as the API gives it (DESIGN.md, "Contract
// performance").
type apiContract struct {
	ID         int64        `json:"id"`
	Vendor     string       `json:"vendor"`
	Evaluation int64        `json:"evaluation"`
	KPIs       []apiKPI     `json:"kpis"`
	Periods    []apiPeriod  `json:"periods"`
	Standing   *apiStanding `json:"standing"`
}

// contractJSON lists every period from the first to the last one that has
// ended, oldest first, and also the running period once it has figures;
// scores and the standing are unrounded.
func contractJSON(c *bpo.Contract, today time.Time) apiContract {
	out := apiContract{ID: c.ID, Vendor: c.VendorKey, Evaluation: c.EvaluationID, KPIs: []apiKPI{}, Periods: []apiPeriod{}}
	for _, k := range c.KPIs {
		out.KPIs = append(out.KPIs, apiKPI{Key: k.Key, Target: k.Target, Better: k.Better, Weight: k.Weight})
	}
	last := c.LastEnded(today)
	if running := c.LastPeriod(today); running > last && len(c.PeriodAt(running).Actuals) > 0 {
		last = running
	}
	for i := 0; i <= last; i++ {
		p := c.PeriodAt(i)
		ap := apiPeriod{Start: p.Start.Format(time.DateOnly), Actuals: map[string]float64{}}
		for _, a := range p.Actuals {
			if k := c.KPI(a.KPIID); k != nil {
				ap.Actuals[k.Key] = a.Value
			}
		}
		if s, ok := bpo.PeriodScore(c.KPIs, p); ok {
			ap.Score = &s
		}
		out.Periods = append(out.Periods, ap)
	}
	if st := c.StandingAt(today); st != nil {
		out.Standing = &apiStanding{Score: st.Score, Band: string(st.Band)}
	}
	return out
}

func (s *Server) apiListContracts(w http.ResponseWriter, r *http.Request) {
	list, err := s.contracts.FindContracts(r.Context(), bpo.ContractFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]apiContract, len(list))
	for i, c := range list {
		out[i] = contractJSON(c, s.now())
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiShowContract(w http.ResponseWriter, r *http.Request) {
	c, ok := s.contractInPath(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, contractJSON(c, s.now()))
}

// apiActivity is one activity of an assessment with its verdict.
type apiActivity struct {
	Name            string   `json:"name"`
	CXInfluence     int      `json:"cx_influence"`
	Differentiation int      `json:"differentiation"`
	Risk            int      `json:"risk"`
	Codifiability   int      `json:"codifiability"`
	Verdict         string   `json:"verdict"`
	Reasons         []string `json:"reasons"`
}

// apiAssessment is GET /api/v1/assessments/{id}.
type apiAssessment struct {
	ID         int64         `json:"id"`
	Title      string        `json:"title"`
	Evaluation *int64        `json:"evaluation"`
	Activities []apiActivity `json:"activities"`
}

func (s *Server) apiShowAssessment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "assessmentID")
	var a *bpo.Assessment
	if err == nil {
		a, err = s.assessments.FindAssessmentByID(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := apiLang(r)
	out := apiAssessment{ID: a.ID, Title: a.Title, Evaluation: a.EvaluationID, Activities: []apiActivity{}}
	for _, act := range a.Activities {
		verdict, reasons := suitability(lang, act)
		out.Activities = append(out.Activities, apiActivity{Name: act.Name, CXInfluence: act.CXInfluence,
			Differentiation: act.Differentiation, Risk: act.Risk, Codifiability: act.Codifiability,
			Verdict: string(verdict), Reasons: reasons})
	}
	writeJSON(w, http.StatusOK, out)
}
