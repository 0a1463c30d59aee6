package server

import (
	"net/http"
	"slices"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/web/pages"
)

func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request) {
	total, err := s.vendors.CountVendors(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	mine, err := s.myScorecardsView(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := pages.DashboardView{User: bpo.UserFromContext(r.Context()), VendorCount: total, Mine: mine}
	if bpo.IsManager(view.User) {
		if err := s.addManagerWork(r, &view); err != nil {
			s.Error(w, r, err)
			return
		}
		if view.Contracts, err = s.contractAlerts(r); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.render(w, r, pages.Dashboard(view))
}

// dashboardLimit is how many evaluations of each status the dashboard reads.
const dashboardLimit = 20

// addManagerWork fills what needs a manager: closed evaluations awaiting a
// decision, overdue scorecards, disputed criteria no consensus settles, and
// the drafts and open evaluations with their progress.
func (s *Server) addManagerWork(r *http.Request, v *pages.DashboardView) error {
	lang := s.lang(r)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, status := range []bpo.EvaluationStatus{bpo.StatusOpen, bpo.StatusDraft, bpo.StatusClosed} {
		list, _, err := s.evaluations.FindEvaluations(r.Context(), bpo.EvaluationFilter{Status: status, Limit: dashboardLimit})
		if err != nil {
			return err
		}
		for _, e := range list {
			row := evaluationRow(lang, e)
			switch {
			case status == bpo.StatusClosed && e.Decision == nil:
				v.AwaitingDecision = append(v.AwaitingDecision, row)
			case status == bpo.StatusClosed:
			default:
				v.Evaluations = append(v.Evaluations, row)
			}
			if status == bpo.StatusOpen && e.DueDate != nil && e.DueDate.Before(today) && e.Submitted < e.Expected {
				v.Overdue = append(v.Overdue, row)
			}
			if status == bpo.StatusOpen && e.Submitted > 0 {
				n, err := s.disputedCriteria(r, e.ID)
				if err != nil {
					return err
				}
				if n > 0 {
					v.Disputed = append(v.Disputed, pages.DisputedRow{EvaluationRow: row, Criteria: n})
				}
			}
		}
	}
	return nil
}

// disputedCriteria counts the leaves on which the evaluators of at least
// one vendor disagree and no consensus value settles it, as the scoring
// engine says (its Disputed is false where a consensus exists).
func (s *Server) disputedCriteria(r *http.Request, id int64) (int, error) {
	d, err := s.loadEvaluation(r.Context(), id, evalmodel.Parts)
	if err != nil {
		return 0, err
	}
	_, res, err := evalmodel.Score(d, s.lang(r), nil)
	if err != nil {
		return 0, nil // a set-up the engine refuses has nothing to moderate yet
	}
	var keys []string
	for _, vr := range res.Vendors {
		for _, c := range vr.Criteria {
			if c.Disputed && !slices.Contains(keys, c.Key) {
				keys = append(keys, c.Key)
			}
		}
	}
	return len(keys), nil
}
