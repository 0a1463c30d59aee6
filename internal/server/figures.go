package server

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// figuresPath is the measured figures grid of an evaluation.
func figuresPath(evaluationID int64) string {
	return fmt.Sprintf("/evaluations/%d/figures", evaluationID)
}

// figureField is the grid's cell of a vendor's figure for a criterion.
func figureField(vendorID, criterionID int64) string {
	return "m_" + strconv.FormatInt(vendorID, 10) + "_" + strconv.FormatInt(criterionID, 10)
}

// showFigures shows the measured figures of every vendor still in the
// running, one cell per vendor and measured criterion, saved together.
func (s *Server) showFigures(w http.ResponseWriter, r *http.Request) {
	d, ok := s.evaluationDetailInPath(w, r, bpo.WithMeasurements)
	if !ok {
		return
	}
	view := figuresView(s.lang(r), d, nil, nil)
	view.Flash = s.sessions.PopString(r.Context(), "flash")
	s.render(w, r, pages.Figures(view))
}

// saveFigures stores the whole grid, all or nothing: every cell is read
// first, and one refused cell saves none of them, so the page comes back
// with what was typed in every cell and the refused ones marked. A blank
// cell clears the figure. The grid's address is the same for showing and
// saving, so a refresh after a refusal only shows the refusal again.
func (s *Server) saveFigures(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	d, err := s.loadEvaluation(r.Context(), id, bpo.WithMeasurements)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	figures, problems, err := decodeFigures(lang, form, d)
	if err == nil {
		err = problems.Err()
	}
	if err == nil {
		err = s.participants.SetMeasurements(r.Context(), id, figures)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "evaluation.figures_saved")
		http.Redirect(w, r, figuresPath(id), http.StatusSeeOther)
	case bpo.EINVALID:
		view := figuresView(lang, d, form, s.fieldErrors(r, err))
		view.Alert = formAlert(lang, err, nil)
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.Figures(view))
	default:
		s.Error(w, r, err)
	}
}

// decodeFigures reads every cell of the grid the form carries, in lang's
// number grammar; each refused cell is a problem of its own field. A cell
// naming a vendor or criterion the evaluation does not have is not a typo
// but a forged or outdated form: ENOTFOUND, nothing read.
func decodeFigures(lang i18n.Lang, form url.Values, d *bpo.EvaluationDetail) ([]bpo.Figure, bpo.Problems, error) {
	var (
		figures  []bpo.Figure
		problems bpo.Problems
	)
	for name, values := range form {
		cell, ok := strings.CutPrefix(name, "m_")
		if !ok {
			continue
		}
		vendorText, criterionText, _ := strings.Cut(cell, "_")
		vendorID, verr := strconv.ParseInt(vendorText, 10, 64)
		criterionID, cerr := strconv.ParseInt(criterionText, 10, 64)
		c, p := d.Criterion(criterionID), d.Participant(vendorID)
		switch {
		case verr != nil || cerr != nil || len(values) != 1:
			return nil, nil, errBadRequest
		case c == nil:
			return nil, nil, bpo.Errorf(bpo.ENOTFOUND, "error.criterion.not_found")
		case p == nil || p.Stage == bpo.StageRejected:
			return nil, nil, bpo.Errorf(bpo.ENOTFOUND, "error.participant.not_found")
		case c.Kind != bpo.KindMeasured:
			problems.Add(name, "error.criterion.not_measured", c.Key)
			continue
		}
		v, present, err := parseNumber(lang, values[0])
		if err != nil {
			problems.Add(name, bpo.ErrorMessage(err).Key)
			continue
		}
		if key := c.FigureProblem(v); present && key != "" {
			problems.Add(name, key)
			continue
		}
		f := bpo.Figure{VendorID: vendorID, CriterionID: criterionID}
		if present {
			f.Value = &v
		}
		figures = append(figures, f)
	}
	// In the order of vendors and criteria, not of the form, so the audit log is.
	slices.SortFunc(figures, func(a, b bpo.Figure) int {
		return cmp.Or(cmp.Compare(a.VendorID, b.VendorID), cmp.Compare(a.CriterionID, b.CriterionID))
	})
	return figures, problems, nil
}

func measuredCriteria(criteria []*bpo.Criterion) []*bpo.Criterion {
	var out []*bpo.Criterion
	for _, c := range criteria {
		if c.Kind == bpo.KindMeasured {
			out = append(out, c)
		}
	}
	return out
}

// figureVendors are the vendors whose figures count: those still in the running.
func figureVendors(parts []*bpo.Participant) []*bpo.Participant {
	var out []*bpo.Participant
	for _, p := range parts {
		if p.Stage != bpo.StageRejected {
			out = append(out, p)
		}
	}
	return out
}

// figuresView lays out the grid with the stored figures or, after a
// refusal, with what was typed (form) and each cell's problem (errs).
func figuresView(lang i18n.Lang, d *bpo.EvaluationDetail, form url.Values, errs map[string]string) pages.FiguresView {
	e := d.Evaluation
	v := pages.FiguresView{EvaluationID: e.ID, Title: e.Title, Closed: e.Status == bpo.StatusClosed,
		Example: i18n.T(lang, "figures.example", inputNumber(lang, 2100.5))}
	criteria := measuredCriteria(d.Criteria)
	for _, c := range criteria {
		v.Columns = append(v.Columns, pages.MeasuredColumn{ID: c.ID, Name: c.Name(string(lang)), Unit: i18n.Unit(lang, c.Unit)})
	}
	stored := map[string]string{}
	for _, m := range d.Measurements {
		stored[figureField(m.VendorID, m.CriterionID)] = inputNumber(lang, m.Value)
	}
	for _, p := range figureVendors(d.Participants) {
		row := pages.FigureRow{VendorID: p.VendorID, Name: p.Name}
		for _, c := range criteria {
			field := figureField(p.VendorID, c.ID)
			cell := pages.FigureCell{Name: field, Value: stored[field], Error: errs[field]}
			if form.Has(field) {
				cell.Value = form.Get(field)
			}
			if cell.Error != "" && v.FirstInvalid == "" {
				v.FirstInvalid = field
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}
