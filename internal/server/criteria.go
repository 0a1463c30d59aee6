package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// loadCriteria loads the evaluation in the path with its criteria, as the
// criteria editor works on them.
func (s *Server) loadCriteria(r *http.Request) (*bpo.EvaluationDetail, error) {
	id, err := evaluationID(r)
	if err != nil {
		return nil, err
	}
	return s.loadEvaluation(r.Context(), id, 0)
}

// pathCriterion finds the criterion named in the path among the
// evaluation's; another evaluation's criterion is not found.
func pathCriterion(r *http.Request, d *bpo.EvaluationDetail) (*bpo.Criterion, error) {
	id, err := pathID(r, "criterionID")
	if err != nil {
		return nil, err
	}
	if c := d.Criterion(id); c != nil {
		return c, nil
	}
	return nil, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
}

// criteriaPost loads the scope and the submitted form of a change.
func (s *Server) criteriaPost(w http.ResponseWriter, r *http.Request) (*bpo.EvaluationDetail, url.Values, bool) {
	d, err := s.loadCriteria(r)
	var form url.Values
	if err == nil {
		form, err = parseForm(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	return d, form, true
}

// criterionPost is criteriaPost plus the criterion named in the path.
func (s *Server) criterionPost(w http.ResponseWriter, r *http.Request) (*bpo.EvaluationDetail, *bpo.Criterion, url.Values, bool) {
	d, form, ok := s.criteriaPost(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	c, err := pathCriterion(r, d)
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, nil, false
	}
	return d, c, form, true
}

func criteriaURL(evaluationID int64) string {
	return fmt.Sprintf("/evaluations/%d/criteria", evaluationID)
}

func criterionAnchor(id int64) string { return fmt.Sprintf("#criterion-%d", id) }

func (s *Server) showCriteriaPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadCriteria(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := s.criteriaView(r, d, nil, nil)
	if view.Rounds, err = s.roundLinks(r, d); err != nil {
		s.Error(w, r, err)
		return
	}
	view.Flash = s.popFlash(r)
	s.render(w, r, pages.Criteria(view))
}

// criteriaDone finishes a change made from the editor: back to it with a
// notice, or the editor again with the refusal explained (422 or 409) and,
// for the weights, what the user typed.
func (s *Server) criteriaDone(w http.ResponseWriter, r *http.Request, evaluationID int64, in *weightsInput, err error, flash, next string) {
	code := bpo.ErrorCode(err)
	if code == "" {
		s.sessions.Put(r.Context(), "flash", flash)
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if code != bpo.EINVALID && code != bpo.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	// Reloaded, so that after a conflict the versions are the current ones
	// and saving again is a deliberate choice.
	d, lerr := s.loadCriteria(r)
	if lerr != nil {
		s.Error(w, r, lerr)
		return
	}
	s.renderStatus(w, r, statusOf(code), pages.Criteria(s.criteriaView(r, d, in, err)))
}

// criteriaView is the editor for d. in holds the weights typed (nil shows
// the stored ones); err is the refusal to explain, if any.
func (s *Server) criteriaView(r *http.Request, d *bpo.EvaluationDetail, in *weightsInput, err error) pages.CriteriaView {
	lang := s.lang(r)
	e := d.Evaluation
	view := pages.CriteriaView{
		EvaluationID: e.ID, EvaluationTitle: e.Title, Status: string(e.Status),
		Decimal:       strings.Trim(i18n.Number(lang, 0.5, 1), "05"),
		PercentSuffix: strings.TrimPrefix(i18n.Percent(lang, 0, 0), "0"),
	}
	if err != nil {
		view.Alert = tr(lang, bpo.ErrorMessage(err))
		if bpo.ErrorCode(err) == bpo.ECONFLICT && in != nil {
			view.Alert = i18n.T(lang, "criteria.weights_conflict")
		}
	}
	errs := s.fieldErrors(r, err)
	view.TopError = errs["group_0"]
	view.Rows = criteriaRows(lang, d.Tree(), in, errs, bpo.ErrorCode(err) == bpo.ECONFLICT)
	return view
}

// criteriaRows lays the tree out as the editor's rows: each criterion with
// its weight and shares, and after the last criterion of each group a row
// to add one more to it.
func criteriaRows(lang i18n.Lang, t *bpo.CriteriaTree, in *weightsInput, errs map[string]string, conflict bool) []pages.CriteriaRow {
	weight := t.Weights()
	for _, c := range t.All() {
		if in != nil && in.typed[c.ID] {
			// A weight typed that does not parse has no share to show.
			delete(weight, c.ID)
			if w, ok := in.weight[c.ID]; ok {
				weight[c.ID] = w
			}
		}
	}
	share, effective := t.Shares(weight)
	var rows []pages.CriteriaRow
	var open []*bpo.Criterion // the groups whose add row is still to come, innermost last
	closeGroups := func(level int) {
		for len(open) > 0 && t.Depth(open[len(open)-1]) >= level {
			g := open[len(open)-1]
			open = open[:len(open)-1]
			rows = append(rows, pages.CriteriaRow{Add: true, ParentID: g.ID, Depth: t.Depth(g) + 1, AddTo: g.Name(string(lang))})
		}
	}
	for _, c := range t.All() {
		depth := t.Depth(c)
		closeGroups(depth)
		id := strconv.FormatInt(c.ID, 10)
		sibs := t.Children(bpo.ParentOf(c))
		row := pages.CriteriaRow{
			ID: c.ID, ParentID: bpo.ParentOf(c), Depth: depth, Key: c.Key, NameEN: c.NameEN, NameFR: c.NameFR,
			Kind: string(c.Kind), Weight: inputNumber(lang, c.Weight), Version: c.Version,
			Share: percentText(lang, share[c.ID]), Effective: percentText(lang, effective[c.ID]),
			Thresholds:  criterionThresholds(lang, c),
			WeightError: errs["w_"+id], GroupError: errs["group_"+id], Children: t.Descendants(c.ID),
			First: sibs[0] == c, Last: sibs[len(sibs)-1] == c,
		}
		if in != nil && in.typed[c.ID] {
			row.Weight = in.text[c.ID]
			if w, ok := in.weight[c.ID]; conflict && (!ok || w != c.Weight) {
				row.Stored = i18n.Number(lang, c.Weight, -1)
			}
		}
		rows = append(rows, row)
		if c.Kind == bpo.KindGroup {
			open = append(open, c)
		}
	}
	closeGroups(0)
	return rows
}

// criterionThresholds sums up a criterion's unit, direction, anchors and
// knock-outs.
func criterionThresholds(lang i18n.Lang, c *bpo.Criterion) string {
	t := thresholds(lang, c)
	if c.Kind == bpo.KindMeasured && c.Unit != "" {
		return c.Unit + " · " + t
	}
	return t
}
