package server

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// saveRating autosaves one criterion's rating and answers with the
// criterion's form showing the outcome (saved 200, invalid 422, stale 409),
// plus the running summary and the scorecard's version out of band. The
// save and the scorecard after it are read in one round trip; what the
// scorecard is shown with comes from the evaluation's frame, once the save
// has found the caller may see it (see evaluationFrame).
func (s *Server) saveRating(w http.ResponseWriter, r *http.Request) {
	evaluationID, vendorID, err := scorecardPath(r)
	var form url.Values
	if err == nil {
		form, err = parseForm(r)
	}
	var (
		in       bpo.RatingInput
		problems bpo.Problems
	)
	if err == nil {
		in, problems, err = decodeRating(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := problems.Err(); err != nil {
		d, findErr := s.scorecards.FindScorecardDetail(r.Context(), evaluationID, vendorID, 0)
		if findErr != nil {
			s.Error(w, r, findErr)
			return
		}
		s.answerRating(w, r, scopeOf(d), in, nil, err)
		return
	}
	saved, card, saveErr := s.scorecards.AutosaveRating(r.Context(), evaluationID, vendorID, in)
	if card == nil {
		s.Error(w, r, saveErr)
		return
	}
	frame, err := s.evaluationFrame(r.Context(), evaluationID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	vendor := frame.Participant(vendorID)
	if vendor == nil { // it joined after the revision this request read
		s.Error(w, r, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found"))
		return
	}
	sc := &scorecardScope{evaluation: frame.Evaluation, criteria: frame.Criteria, vendor: vendor, card: card,
		base: s.cachedScorecardBase(r.Context(), frame)}
	s.answerRating(w, r, sc, in, saved, saveErr)
}

// answerRating answers an autosave of in on sc: saved (as saved), refused
// as invalid, or stale (saveErr).
func (s *Server) answerRating(w http.ResponseWriter, r *http.Request, sc *scorecardScope, in bpo.RatingInput, saved *bpo.Rating, saveErr error) {
	c := bpo.NewCriteriaTree(sc.criteria).Criterion(in.CriterionID)
	if c == nil || c.Kind != bpo.KindRated {
		s.Error(w, r, errBadRequest) // the page never sends one
		return
	}
	code := bpo.ErrorCode(saveErr)
	if code != "" && code != bpo.EINVALID && code != bpo.ECONFLICT {
		s.Error(w, r, saveErr)
		return
	}
	lang := s.lang(r)
	score := scoreScorecard(lang, sc)
	// The answer replaces the criterion's save state and version only
	// (pages.RatingSaved): the rest of its form is not built.
	b := pages.RatingBlock{ID: c.ID, Key: c.Key}
	status := http.StatusOK
	switch code {
	case "":
		b.State, b.Version = "saved", saved.Version
		b.NeedsJustification = sc.evaluation.LacksJustification(in.Value, in.Justification)
	case bpo.EINVALID:
		b.State, b.Version, b.Message = "invalid", in.Version, s.ratingProblem(r, saveErr)
		status = http.StatusUnprocessableEntity
	case bpo.ECONFLICT:
		// The stored rating's version: the next change is a deliberate
		// save over what the message shows.
		stored := sc.card.Ratings[c.ID]
		if stored != nil {
			b.Version = stored.Version
		}
		b.State, b.Stored = "conflict", storedRating(lang, sc.evaluation, stored)
		status = http.StatusConflict
	}
	s.renderStatus(w, r, status, pages.RatingSaved(b, score.summary, sc.card.Version))
}

// ratingProblem phrases a refused autosave: what is wrong with the value or
// the justification, without the form-wide "check the fields" lead-in, as
// the message sits next to the criterion concerned.
func (s *Server) ratingProblem(r *http.Request, err error) string {
	errs := s.fieldErrors(r, err)
	var parts []string
	for _, field := range []string{"value", "justification"} {
		if m := errs[field]; m != "" {
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return formAlert(s.lang(r), err, nil)
	}
	return strings.Join(parts, " ")
}

// storedRating phrases the rating stored now, for a stale save's message.
func storedRating(lang i18n.Lang, e *bpo.Evaluation, rt *bpo.Rating) *pages.StoredRating {
	out := &pages.StoredRating{Value: i18n.T(lang, "scorecard.not_rated"), Justification: "—"}
	if rt == nil {
		return out
	}
	if rt.Value != nil {
		out.Value = strconv.Itoa(*rt.Value)
		for _, c := range scaleChoices(lang, e) {
			if c.Value == out.Value && c.Label != "" {
				out.Value += " · " + c.Label
			}
		}
	}
	if strings.TrimSpace(rt.Justification) != "" {
		out.Justification = rt.Justification
	}
	if !rt.UpdatedAt.IsZero() {
		out.Saved = i18n.DateTime(lang, rt.UpdatedAt)
	}
	return out
}

// ratingBlock is criterion c's form, showing the stored rating.
func ratingBlock(lang i18n.Lang, sc *scorecardScope, c *bpo.Criterion, weights map[string]float64, readOnly bool) pages.RatingBlock {
	b := pages.RatingBlock{
		Page:   scorecardURL(sc.evaluation.ID, sc.vendor.VendorID),
		Action: scorecardURL(sc.evaluation.ID, sc.vendor.VendorID) + "/ratings",
		ID:     c.ID, Key: c.Key, Name: c.Name(string(lang)), Guidance: c.Guidance(string(lang)),
		Weight:       i18n.Percent(lang, weights[c.Key], 1),
		Levels:       scaleChoices(lang, sc.evaluation),
		ReadOnly:     readOnly,
		SavingText:   i18n.T(lang, "scorecard.saving"),
		NotSavedText: i18n.T(lang, "scorecard.not_saved"),
	}
	if rt := sc.card.Ratings[c.ID]; rt != nil {
		b.Value, b.Justification, b.Version = ratingText(rt.Value), rt.Justification, rt.Version
		b.NeedsJustification = !readOnly && sc.evaluation.LacksJustification(rt.Value, rt.Justification)
	}
	return b
}

// scaleChoices are the points of the evaluation's scale with their
// descriptors in lang, where the evaluation describes them.
func scaleChoices(lang i18n.Lang, e *bpo.Evaluation) []pages.ScaleChoice {
	levels := make(map[int]bpo.ScaleLevel, len(e.ScaleLevels))
	for _, l := range e.ScaleLevels {
		levels[l.Value] = l
	}
	out := make([]pages.ScaleChoice, 0, e.ScaleMax-e.ScaleMin+1)
	for v := e.ScaleMin; v <= e.ScaleMax; v++ {
		l := levels[v]
		c := pages.ScaleChoice{Value: strconv.Itoa(v), Label: l.LabelEN, Help: l.HelpEN}
		if lang == i18n.FR {
			c.Label, c.Help = cmp.Or(l.LabelFR, l.LabelEN), cmp.Or(l.HelpFR, l.HelpEN)
		}
		out = append(out, c)
	}
	return out
}

func ratingText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}
