package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// showNewContractPage offers to start a contract for a vendor the closed
// evaluation selected (?vendor= picks one).
func (s *Server) showNewContractPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	in := bpo.ContractInput{Length: bpo.Monthly, Start: firstOfNextMonth(s.now())}
	if vid, err := strconv.ParseInt(q.Get("vendor"), 10, 64); err == nil {
		in.VendorID = vid
	}
	view, err := s.contractNewView(r, id, in, q.Get("start"), nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.ContractNew(*view))
}

func firstOfNextMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
}

// contractNewView builds the new-contract form; start is what the user
// typed when it did not parse.
func (s *Server) contractNewView(r *http.Request, evaluationID int64, in bpo.ContractInput, start string, err error) (*pages.ContractNewView, error) {
	lang := s.lang(r)
	d, lerr := s.loadEvaluation(r.Context(), evaluationID, 0)
	if lerr != nil {
		return nil, lerr
	}
	users, lerr := s.users.FindUsers(r.Context())
	if lerr != nil {
		return nil, lerr
	}
	errs := s.fieldErrors(r, err)
	if start == "" && !in.Start.IsZero() {
		start = in.Start.Format(time.DateOnly)
	}
	v := &pages.ContractNewView{EvaluationID: evaluationID, Evaluation: d.Evaluation.Title,
		Vendor: components.Field{Name: "vendor", Label: i18n.T(lang, "contract.vendor"), Value: strconv.FormatInt(in.VendorID, 10), Required: true, Error: errs["vendor"]},
		Start:  components.Field{Name: "start", Label: i18n.T(lang, "contract.start"), Type: "date", Value: start, Required: true, Error: errs["start"]},
		Length: components.Field{Name: "length", Label: i18n.T(lang, "contract.length"), Value: string(in.Length), Error: errs["length"],
			Options: []components.Option{{Value: "monthly", Label: i18n.T(lang, "contract.length.monthly")}, {Value: "quarterly", Label: i18n.T(lang, "contract.length.quarterly")}}},
		Owner: components.Field{Name: "owner", Label: i18n.T(lang, "contract.owner"), Error: errs["owner"], Help: i18n.T(lang, "contract.owner_help")},
	}
	if in.OwnerID != nil {
		v.Owner.Value = strconv.FormatInt(*in.OwnerID, 10)
	}
	for _, p := range d.Participants {
		if p.Stage == bpo.StageSelected {
			v.Vendor.Options = append(v.Vendor.Options, components.Option{Value: strconv.FormatInt(p.VendorID, 10), Label: p.Name})
		}
	}
	for _, u := range users {
		if bpo.IsManager(u) {
			v.Owner.Options = append(v.Owner.Options, components.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	if err != nil {
		v.Alert = formAlert(lang, err, []components.Field{v.Vendor, v.Start, v.Length, v.Owner})
	}
	return v, nil
}

// createContract starts a contract, recording the vendor's selection score
// and rank as the engine gives them on the closed evaluation.
func (s *Server) createContract(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	var p bpo.Problems
	in := bpo.ContractInput{EvaluationID: id, Length: bpo.PeriodLength(form.Get("length"))}
	if in.Length == "" {
		in.Length = bpo.Monthly
	}
	if vid, err := strconv.ParseInt(form.Get("vendor"), 10, 64); err == nil {
		in.VendorID = vid
	}
	if t, err := time.Parse(time.DateOnly, strings.TrimSpace(form.Get("start"))); err == nil {
		in.Start = t
	} else {
		p.Add("start", "error.field.date")
	}
	if owner := form.Get("owner"); owner != "" {
		oid, err := strconv.ParseInt(owner, 10, 64)
		if err != nil {
			p.Add("owner", "error.field.choice")
		}
		in.OwnerID = &oid
	}
	err := p.Err()
	var c *bpo.Contract
	if err == nil {
		in.SelectionScore, in.SelectionRank = s.selection(r, id, in.VendorID)
		c, err = s.contracts.CreateContract(r.Context(), in)
	}
	if bpo.ErrorCode(err) == bpo.EINVALID {
		view, verr := s.contractNewView(r, id, in, form.Get("start"), mergeProblems(p, err).Err())
		if verr != nil {
			err = verr
		} else {
			view.Alert = formAlert(s.lang(r), err, []components.Field{view.Vendor, view.Start, view.Length, view.Owner})
			s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.ContractNew(*view))
			return
		}
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "contract.created")
	http.Redirect(w, r, fmt.Sprintf("/contracts/%d", c.ID), http.StatusSeeOther)
}

// selection is the vendor's score and rank in the result stored with the
// recorded award (the engine's result when the decision was made), else
// as the engine scores the evaluation now; nil when neither can say.
func (s *Server) selection(r *http.Request, evaluationID, vendorID int64) (*float64, *int) {
	d, err := s.loadEvaluation(r.Context(), evaluationID, evalmodel.Parts)
	if err != nil || d.Participant(vendorID) == nil {
		return nil, nil
	}
	key := d.Participant(vendorID).Key
	var res struct {
		Vendors []struct {
			Key   string  `json:"key"`
			Rank  *int    `json:"rank"`
			Score float64 `json:"score"`
		} `json:"vendors"`
	}
	if snap, err := s.decisions.FindDecisionSnapshot(r.Context(), evaluationID); err == nil && json.Unmarshal(snap.Result, &res) == nil {
		for _, v := range res.Vendors {
			if v.Key == key {
				score := v.Score
				return &score, v.Rank
			}
		}
	}
	if len(d.Ratings) == 0 {
		return nil, nil
	}
	_, now, err := evalmodel.Score(d, i18n.EN, nil)
	if err != nil {
		return nil, nil
	}
	if v := now.Vendor(key); v != nil {
		score, rank := v.Score, v.Rank
		return &score, &rank
	}
	return nil, nil
}

// endContract ends a contract: no more figures after it.
func (s *Server) endContract(w http.ResponseWriter, r *http.Request) {
	c, _, version, ok := s.contractForm(w, r)
	if !ok {
		return
	}
	_, err := s.contracts.EndContract(r.Context(), c.ID, version)
	s.contractDone(w, r, c, err, "contract.ended_flash", nil)
}

// contractForm loads the contract of the path and reads the posted form
// with its version.
func (s *Server) contractForm(w http.ResponseWriter, r *http.Request) (*bpo.Contract, url.Values, int, bool) {
	c, ok := s.contractInPath(w, r)
	if !ok {
		return nil, nil, 0, false
	}
	form, err := parseForm(r)
	var version int
	if err == nil {
		version, err = formVersion(form)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, 0, false
	}
	return c, form, version, true
}

// contractDone finishes a change on a contract's page: back to the page with
// a notice, or the page again with the refusal (422 or 409); fix lays what
// the user typed over the page's form.
func (s *Server) contractDone(w http.ResponseWriter, r *http.Request, c *bpo.Contract, err error, flash string, fix func(*pages.ContractShowView)) {
	code := bpo.ErrorCode(err)
	if code == "" {
		s.sessions.Put(r.Context(), "flash", flash)
		http.Redirect(w, r, fmt.Sprintf("/contracts/%d", c.ID), http.StatusSeeOther)
		return
	}
	if code != bpo.EINVALID && code != bpo.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	current, ferr := s.contracts.FindContractByID(r.Context(), c.ID)
	if ferr != nil {
		s.Error(w, r, ferr)
		return
	}
	view := s.contractView(r.Context(), s.lang(r), current)
	if fix != nil && code == bpo.EINVALID {
		fix(view)
	}
	view.Alert = formAlert(s.lang(r), err, nil)
	s.renderStatus(w, r, statusOf(code), pages.ContractShow(*view))
}
