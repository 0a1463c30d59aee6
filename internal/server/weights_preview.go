package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
	"github.com/bpoeval/bpoeval/web/pages"
)

// previewWeights shows what the weights typed would change, without saving
// anything: the shares of the total and, once scorecards are submitted, the
// ranking and the recommendation now and after. htmx gets the preview
// alone; a plain form post gets the whole editor with it.
func (s *Server) previewWeights(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	d, err := s.loadEvaluation(r.Context(), id, evalmodel.Parts)
	var in *weightsInput
	if err == nil && d.Evaluation.Status == bpo.StatusClosed {
		err = bpo.Errorf(bpo.EINVALID, "error.evaluation.closed")
	}
	if err == nil {
		in, err = decodeWeights(s.lang(r), form, d.Tree())
	}
	htmx := r.Header.Get("HX-Request") == "true"
	if code := bpo.ErrorCode(err); htmx && (code == bpo.EINVALID || code == bpo.ECONFLICT) {
		// Shown in place of the preview: htmx swaps 409 and 422 answers.
		s.renderStatus(w, r, statusOf(code), pages.WeightsPreviewBlock(pages.WeightsPreview{Problems: []string{formAlert(s.lang(r), err, nil)}}))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	preview := weightsPreview(s.lang(r), d, in)
	status := http.StatusOK
	if len(in.problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	if htmx {
		s.renderStatus(w, r, status, pages.WeightsPreviewBlock(*preview))
		return
	}
	view := s.criteriaView(r, d, in, in.problems.Err())
	view.Preview = preview
	s.renderStatus(w, r, status, pages.Criteria(view))
}

// weightsPreview compares the weights in force with the ones typed: which
// shares of the total change and, for an evaluation being scored, how the
// ranking and the recommendation from the submitted scorecards would move.
func weightsPreview(lang i18n.Lang, d *bpo.EvaluationDetail, in *weightsInput) *pages.WeightsPreview {
	p := &pages.WeightsPreview{Audited: d.Evaluation.Status == bpo.StatusOpen}
	if len(in.problems) > 0 {
		p.Problems = previewProblems(lang, d, in.problems)
		return p
	}
	t := d.Tree()
	_, now := t.Shares(t.Weights())
	_, after := t.Shares(in.weight)
	for _, c := range d.Criteria {
		if a, b := percentText(lang, now[c.ID]), percentText(lang, after[c.ID]); a != b {
			p.Shares = append(p.Shares, pages.ShareChange{Name: c.Name(string(lang)), Now: a, After: b})
		}
	}
	switch {
	case d.Evaluation.Status == bpo.StatusDraft:
		p.Note = i18n.T(lang, "criteria.preview.draft")
	case len(d.Ratings) == 0:
		p.Note = i18n.T(lang, "criteria.preview.no_ratings")
	default:
		rankingPreview(lang, p, d, in.weight)
	}
	return p
}

// previewProblems phrases the problems of the weights typed, each naming
// its criterion or group.
func previewProblems(lang i18n.Lang, d *bpo.EvaluationDetail, problems bpo.Problems) []string {
	var out []string
	for _, fe := range problems {
		msg := tr(lang, fe.Message)
		_, idText, _ := strings.Cut(fe.Field, "_")
		id, _ := strconv.ParseInt(idText, 10, 64)
		if c := d.Criterion(id); c != nil {
			msg = c.Name(string(lang)) + i18n.T(lang, "criteria.colon") + msg
		}
		out = append(out, msg)
	}
	return out
}

// rankingPreview scores the evaluation with the weights in force and with
// weight, and sets the ranking, the leader and the recommendations.
func rankingPreview(lang i18n.Lang, p *pages.WeightsPreview, d *bpo.EvaluationDetail, weight map[int64]float64) {
	_, now, err := evalmodel.Score(d, lang, nil)
	var after *scoring.Result
	if err == nil {
		_, after, err = evalmodel.Score(d, lang, weight)
	}
	if err != nil {
		p.Note = tr(lang, bpo.ErrorMessage(err))
		return
	}
	for _, v := range after.Vendors {
		row := pages.PreviewRow{Vendor: v.Name, RankAfter: v.Rank, ScoreAfter: i18n.Number(lang, v.Score, scoreDecimals), Eligible: v.Eligible}
		if old := now.Vendor(v.Key); old != nil {
			row.RankNow, row.ScoreNow = old.Rank, i18n.Number(lang, old.Score, scoreDecimals)
		}
		p.Ranking = append(p.Ranking, row)
	}
	was, will := leader(now), leader(after)
	switch {
	case will == nil:
		p.Leader, p.LeaderChanged = i18n.T(lang, "criteria.preview.no_eligible"), was != nil
	case was == nil:
		p.Leader, p.LeaderChanged = i18n.T(lang, "criteria.preview.would_lead", will.Name), true
	case was.Key != will.Key:
		p.Leader, p.LeaderChanged = i18n.T(lang, "criteria.preview.new_leader", will.Name, was.Name), true
	default:
		p.Leader = i18n.T(lang, "criteria.preview.same_leader", will.Name)
	}
	p.Now, p.After = recommendationView(lang, now.Recommendation), recommendationView(lang, after.Recommendation)
}

// leader is the best-ranked eligible vendor, or nil.
func leader(res *scoring.Result) *scoring.VendorResult {
	for i := range res.Vendors {
		if res.Vendors[i].Eligible {
			return &res.Vendors[i]
		}
	}
	return nil
}

func recommendationView(lang i18n.Lang, rec scoring.Recommendation) *pages.RecommendationView {
	v := &pages.RecommendationView{Decision: string(rec.Decision), Title: explain.Decision(lang, rec.Decision)}
	for _, reason := range rec.Reasons {
		v.Reasons = append(v.Reasons, explain.Reason(lang, reason))
	}
	return v
}
