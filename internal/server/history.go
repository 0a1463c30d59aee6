package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

const historyPerPage = 50

// historyKinds are the kinds of change the history can be filtered by: the
// audit log's entities within an evaluation, in the order of the filter.
var historyKinds = []string{bpo.EntityEvaluation, bpo.EntityCriterion, bpo.EntityParticipant, bpo.EntityMeasurement,
	bpo.EntityAssignment, bpo.EntityRating, bpo.EntityScorecard,
	bpo.EntityConsensus, bpo.EntityPairwiseRound, bpo.EntityPairwiseAnswers}

// showHistory lists an evaluation's audit log, newest first, filtered by
// person (?actor=ID) and kind of change (?kind=entity). Managers only.
func (s *Server) showHistory(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	f, page, err := historyFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view, err := s.historyView(r.Context(), s.lang(r), id, f, page, r.URL)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.History(*view))
}

// historyView gathers one page of an evaluation's history, the names it
// refers to, the filters and the pager.
func (s *Server) historyView(ctx context.Context, lang i18n.Lang, id int64, f bpo.AuditFilter, page int, u *url.URL) (*pages.HistoryView, error) {
	n, err := s.historyNames(ctx, id)
	if err != nil {
		return nil, err
	}
	events, total, err := s.audit.FindEvaluationHistory(ctx, id, f)
	if err != nil {
		return nil, err
	}
	people, err := s.historyPeople(ctx, n, events)
	if err != nil {
		return nil, err
	}
	view := &pages.HistoryView{EvaluationID: id, Title: n.evaluation.Title, Total: total, Filtered: f.ActorID != nil || f.Entity != ""}
	for _, ev := range events {
		view.Rows = append(view.Rows, n.row(lang, ev))
	}
	view.Person, view.Kind = n.filterFields(lang, f, people)
	pageCount := max(1, (total+historyPerPage-1)/historyPerPage)
	view.PageLabel = i18n.T(lang, "pager.page_of", page, pageCount)
	if page > 1 {
		view.PrevURL = pageURL(u, page-1)
	}
	if page < pageCount {
		view.NextURL = pageURL(u, page+1)
	}
	return view, nil
}

// historyFilter reads the filter from the query string. A person or kind
// that cannot be one is a bad request; a bad page number is the first page.
func historyFilter(q url.Values) (bpo.AuditFilter, int, error) {
	f := bpo.AuditFilter{Entity: q.Get("kind"), Limit: historyPerPage}
	if a := q.Get("actor"); a != "" {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return f, 0, errBadRequest
		}
		f.ActorID = &id
	}
	if f.Entity != "" && !slices.Contains(historyKinds, f.Entity) {
		return f, 0, errBadRequest
	}
	page := pageNumber(q)
	f.Offset = (page - 1) * historyPerPage
	return f, page, nil
}

// historyNames names what the audit log refers to by id: criteria,
// vendors and people, including those removed since.
type historyNames struct {
	evaluation *bpo.Evaluation
	criteria   *bpo.CriteriaTree
	vendors    map[int64]string
	users      map[int64]*bpo.User
	assigned   []*bpo.Assignment
}

func (s *Server) historyNames(ctx context.Context, id int64) (*historyNames, error) {
	d, err := s.loadEvaluation(ctx, id, bpo.WithAssignments)
	if err != nil {
		return nil, err
	}
	e, parts, assigned := d.Evaluation, d.Participants, d.Assignments
	users, err := s.users.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	n := &historyNames{evaluation: e, criteria: d.Tree(), vendors: map[int64]string{},
		users: map[int64]*bpo.User{}, assigned: assigned}
	for _, p := range parts {
		n.vendors[p.VendorID] = p.Name
	}
	for _, u := range users {
		n.users[u.ID] = u
	}
	return n, nil
}

// historyPeople are the people the history can be filtered by: the
// evaluators assigned, and whoever changed something in the evaluation. Of
// those who are not assigned, only managers and administrators can have
// (and anyone on this page has); each of them is asked for.
func (s *Server) historyPeople(ctx context.Context, n *historyNames, events []*bpo.AuditEvent) (map[int64]string, error) {
	people := map[int64]string{}
	for _, a := range n.assigned {
		people[a.UserID] = a.Name
	}
	for _, ev := range events {
		if ev.ActorID != nil {
			people[*ev.ActorID] = n.userName(*ev.ActorID, nil)
		}
	}
	for _, u := range n.users {
		if _, known := people[u.ID]; known || !bpo.IsManager(u) {
			continue
		}
		_, total, err := s.audit.FindEvaluationHistory(ctx, n.evaluation.ID, bpo.AuditFilter{ActorID: &u.ID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if total > 0 {
			people[u.ID] = u.Name
		}
	}
	return people, nil
}

// filterFields are the two filters: by person and by kind of change.
func (n *historyNames) filterFields(lang i18n.Lang, f bpo.AuditFilter, people map[int64]string) (person, kind components.Field) {
	person = components.Field{Name: "actor", Label: i18n.T(lang, "history.person")}
	if f.ActorID != nil {
		person.Value = strconv.FormatInt(*f.ActorID, 10)
		if _, ok := people[*f.ActorID]; !ok {
			people[*f.ActorID] = n.userName(*f.ActorID, nil)
		}
	}
	for id, name := range people {
		person.Options = append(person.Options, components.Option{Value: strconv.FormatInt(id, 10), Label: name})
	}
	slices.SortFunc(person.Options, func(a, b components.Option) int {
		return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label))
	})
	kind = components.Field{Name: "kind", Label: i18n.T(lang, "history.kind"), Value: f.Entity}
	for _, k := range historyKinds {
		kind.Options = append(kind.Options, components.Option{Value: k, Label: i18n.T(lang, "history.kind."+k)})
	}
	return person, kind
}
