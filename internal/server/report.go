package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
)

// showReport sends an evaluation's PDF report, in the language of ?lang=
// (en or fr), else the reader's. Managers only: the report quotes every
// evaluator's ratings.
//
// A report names who prepared it and when, to the minute, and says nothing
// else that its evaluation's revision does not cover: it is kept in the
// cache under the revision, the language, the reader and the minute, so
// that downloading it again within the minute sends the same file, written
// once.
func (s *Server) showReport(w http.ResponseWriter, r *http.Request) {
	id, lang, ok := s.documentRequest(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	at := s.now().UTC().Truncate(time.Minute)
	d, err := s.loadScored(ctx, id, reportParts)
	var pdf []byte
	if err == nil {
		name := fmt.Sprintf("report.pdf/%s/%d/%s", lang, bpo.UserFromContext(ctx).ID, at.Format(time.RFC3339))
		pdf, err = derived(d, name, func() ([]byte, error) {
			// Written in full before anything is sent, so that a failure
			// is still an error page and never half a PDF.
			var b bytes.Buffer
			err := s.inReportSlot(ctx, func() error {
				data, err := s.reportData(ctx, lang, d, at)
				if err != nil {
					return err
				}
				return report.Write(&b, data)
			})
			return b.Bytes(), err
		})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", attachment(d.Evaluation.Title+" "+at.Format("2006-01-02"), ".pdf"))
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

// inReportSlot runs write once one of the server's report slots is free,
// or gives up when ctx ends. A large report is CPU-bound and holds over ten
// megabytes from the moment its data is read until it is written: more at
// once than the slots (one per core, fewer under a tight memory limit)
// would not finish sooner, only hold more memory, so the others wait.
func (s *Server) inReportSlot(ctx context.Context, write func() error) error {
	select {
	case s.reportSlots <- struct{}{}:
		defer func() { <-s.reportSlots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	return write()
}

// documentRequest reads the evaluation of the path and the language of a
// document about it: ?lang= (en or fr), else the reader's. It answers the
// request itself when either is wrong.
func (s *Server) documentRequest(w http.ResponseWriter, r *http.Request) (int64, i18n.Lang, bool) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return 0, "", false
	}
	lang := s.lang(r)
	if q := r.URL.Query().Get("lang"); q != "" {
		l, ok := i18n.Parse(q)
		if !ok {
			s.Error(w, r, errBadRequest)
			return 0, "", false
		}
		lang = l
	}
	return id, lang, true
}

// reportParts are the parts of an evaluation its report and workbook say.
const reportParts = bpo.WithAssignments | bpo.WithJustifications | evalmodel.Parts

// reportData gathers what the report says, prepared by the reader at at:
// the evaluation d (read with reportParts) with its evaluators and
// submitted ratings, the scorecards' dates, the weight changes, and the
// engine's result, computed as /result computes it.
func (s *Server) reportData(ctx context.Context, lang i18n.Lang, d *scoredEvaluation, at time.Time) (*report.Data, error) {
	id := d.Evaluation.ID
	m, res, err := d.score(lang, nil)
	if err != nil {
		return nil, err
	}
	progress, err := s.scorecards.FindProgress(ctx, id)
	if err != nil {
		return nil, err
	}
	changes, err := s.weightChanges(ctx, d.Evaluation)
	if err != nil {
		return nil, err
	}
	u := bpo.UserFromContext(ctx)
	data := &report.Data{
		Lang: lang, GeneratedAt: at, PreparedBy: report.Person{Name: u.Name, Role: u.Role},
		Evaluation: d.Evaluation, Criteria: d.Criteria, Participants: d.Participants, Measurements: d.Measurements,
		Ratings: d.Ratings, Evaluators: d.Assignments, Scorecards: progress, WeightChanges: changes,
		Model: m, Result: res, Consensus: d.Consensus,
	}
	if data.WeightOrigins, err = s.weightOrigins(ctx, id); err != nil {
		return nil, err
	}
	if data.Decision, err = s.decisions.FindDecision(ctx, id); err != nil {
		return nil, err
	}
	if a, err := s.assessments.FindAssessmentForEvaluation(ctx, id); err == nil {
		data.Scope = a.Activities
	} else if bpo.ErrorCode(err) != bpo.ENOTFOUND {
		return nil, err
	}
	return data, nil
}

// weightChanges reads from the audit log the weights changed while the
// evaluation was open, oldest first.
func (s *Server) weightChanges(ctx context.Context, e *bpo.Evaluation) ([]report.WeightChange, error) {
	if e.OpenedAt == nil {
		return nil, nil
	}
	var out []report.WeightChange
	f := bpo.AuditFilter{Entity: bpo.EntityCriterion, Limit: 500}
	for {
		events, total, err := s.audit.FindEvaluationHistory(ctx, e.ID, f)
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			if ev.Action != bpo.ActionWeight || ev.At.Before(*e.OpenedAt) {
				continue
			}
			var before, after bpo.WeightSnapshot
			if json.Unmarshal(ev.Before, &before) != nil || json.Unmarshal(ev.After, &after) != nil {
				return nil, fmt.Errorf("weight change %d: unreadable snapshot", ev.ID)
			}
			out = append(out, report.WeightChange{At: ev.At, By: ev.ActorName, CriterionID: ev.EntityID,
				Before: before.Weight, After: after.Weight})
		}
		f.Offset += len(events)
		if len(events) == 0 || f.Offset >= total {
			break
		}
	}
	slices.Reverse(out)
	return out, nil
}
