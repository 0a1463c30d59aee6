package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// saveWeights saves every weight of the editor at once: fields w_<id>, each
// with its criterion's version in v_<id>. All are saved or none.
func (s *Server) saveWeights(w http.ResponseWriter, r *http.Request) {
	d, form, ok := s.criteriaPost(w, r)
	if !ok {
		return
	}
	in, err := decodeWeights(s.lang(r), form, d.Tree())
	if err == nil {
		if err = in.problems.Err(); err == nil {
			err = s.criteria.SetWeights(r.Context(), d.Evaluation.ID, in.changes)
		}
	}
	// The comparison's "use these weights" comes back to the comparison.
	next := criteriaURL(d.Evaluation.ID)
	if form.Has("next") {
		next = safeNext(form.Get("next"))
	}
	s.criteriaDone(w, r, d.Evaluation.ID, in, err, "criteria.weights_saved", next)
}

// errTreeChanged refuses weights for criteria that are no longer there.
var errTreeChanged = bpo.Errorf(bpo.ECONFLICT, "criteria.error.tree_changed")

// weightsInput is the weights form as typed.
type weightsInput struct {
	text     map[int64]string  // as typed; the stored weight for a criterion the form does not carry
	weight   map[int64]float64 // the weights that parse, stored or typed
	typed    map[int64]bool    // which criteria the form carries
	changes  []bpo.WeightChange
	problems bpo.Problems // by field w_<id>, or group_<id> (group_0 for the top level)
}

// decodeWeights reads the weights form. A weight must be a finite number of
// 0 or more, and the weights of every sibling group must not all be 0: the
// rules the scoring engine holds the tree to.
func decodeWeights(lang i18n.Lang, form url.Values, t *bpo.CriteriaTree) (*weightsInput, error) {
	for name := range form {
		idText, ok := strings.CutPrefix(name, "w_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return nil, errBadRequest
		}
		if t.Criterion(id) == nil {
			return nil, errTreeChanged
		}
	}
	in := &weightsInput{text: map[int64]string{}, weight: map[int64]float64{}, typed: map[int64]bool{}}
	for _, c := range t.All() {
		field := "w_" + strconv.FormatInt(c.ID, 10)
		if !form.Has(field) {
			in.text[c.ID], in.weight[c.ID] = inputNumber(lang, c.Weight), c.Weight
			continue
		}
		version, err := parseVersion(form.Get("v_" + strconv.FormatInt(c.ID, 10)))
		if err != nil {
			return nil, err
		}
		in.text[c.ID], in.typed[c.ID] = form.Get(field), true
		v, present, err := parseNumber(lang, form.Get(field))
		switch {
		case !present && err == nil:
			in.problems.Add(field, "error.field.required")
		case err != nil || v < 0 || v > 1e6:
			in.problems.Add(field, "error.criterion.weight")
		default:
			in.weight[c.ID] = v
			in.changes = append(in.changes, bpo.WeightChange{CriterionID: c.ID, Version: version, Weight: v})
		}
	}
	for _, p := range t.ZeroGroups(in.weight) {
		key := "criteria.error.group_zero"
		if p == 0 {
			key = "criteria.error.top_zero"
		}
		in.problems.Add("group_"+strconv.FormatInt(p, 10), key)
	}
	return in, nil
}
