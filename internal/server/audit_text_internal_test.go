package server

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// storedEvents are audit events as the code before typed snapshots wrote
// them, copied from a database filled by the demo (texts shortened), with
// the rows the demo does not make written the way that code wrote them.
// The history must keep reading them.
var storedEvents = []struct {
	entity, action string
	id             int64
	before, after  string
	want           string // the row: what · object · changes
}{
	{"evaluation", "create", 1, ``,
		`{"scope": "Inbound customer care.", "title": "Customer support 2027", "status": "draft", "version": 1, "due_date": "2026-12-25T00:00:00Z", "services": ["customer_support", "back_office"], "scale_max": 5, "scale_min": 1, "aggregation": "mean", "scale_levels": [{"value": 1, "help_en": "Falls far short.", "help_fr": "Très en deçà.", "label_en": "Unacceptable", "label_fr": "Inacceptable"}], "justification": "extremes", "award_threshold": 60, "close_call_margin": 3}`,
		"Evaluation created ·  · Title:  → Customer support 2027 | Scope:  → Inbound customer care. | Services:  → Customer support, Back office | Due date:  → 25 Dec 2026 | Status:  → Draft | Justifications required:  → For the lowest and highest ratings | Scale from:  → 1 | Scale to:  → 5 | Scale descriptors:  → Unacceptable | Aggregation:  → Mean | Award threshold:  → 60 | Close-call margin:  → 3"},
	{"evaluation", "open", 1, `{"status": "draft", "version": 1}`, `{"status": "open", "version": 2}`,
		"Scoring opened ·  · Status: Draft → Open"},
	{"evaluation", "decide", 1, `{"version": 3, "decision": null}`,
		`{"version": 4, "in_house": false, "rationale": "Leads on the scorecards.", "vendor_id": 6}`,
		"Decision recorded ·  · Selected vendor: — → Port-Louis Payroll | Rationale: — → Leads on the scorecards."},
	{"criterion", "weight", 21, `{"key": "language", "weight": 10, "version": 1}`, `{"key": "language", "weight": 15, "version": 2}`,
		"Weight changed · Language quality · Weight: 10 → 15"},
	{"criterion", "move", 21, `{"key": "language", "position": 0}`, `{"key": "language", "position": 1}`,
		"Criterion moved · Language quality · Position: 1 → 2"},
	{"criterion", "delete", 99, `{"key": "old_one", "best": null, "kind": "group", "unit": "", "limit": null, "worst": null, "better": "", "weight": 5, "name_en": "Old group", "name_fr": "Ancien groupe", "version": 1, "position": 2, "parent_id": null, "children": ["gone"], "min_rating": null, "guidance_en": "", "guidance_fr": ""}`, ``,
		"Criterion removed · Old group · Key: old_one → | Kind: Category → | Name (English): Old group → | Name (French): Ancien groupe → | Weight: 5 → | Position: 3 → | Removed with it: gone →"},
	{"participant", "stage", 6, `{"key": "port-louis", "name": "Port-Louis Payroll", "stage": "candidate", "version": 1, "reject_reason": ""}`,
		`{"key": "port-louis", "name": "Port-Louis Payroll", "stage": "rejected", "version": 2, "reject_reason": "Too expensive"}`,
		"Stage changed · Port-Louis Payroll · Stage: Candidate → Rejected | Reason: — → Too expensive"},
	{"measurement", "set", 30, `{"value": null, "criterion": "price", "vendor_id": 6}`, `{"value": 2100, "criterion": "price", "vendor_id": 6}`,
		"Figure saved · Port-Louis Payroll — Price per FTE · Figure: — → 2,100 EUR"},
	{"assignment", "create", 7, ``, `{"email": "evaluator4@demo.test"}`, "Evaluator assigned · Ana Lima · "},
	{"assignment", "declare", 7, ``, `{"conflicts": []}`, "Conflicts of interest declared · Ana Lima · Conflicts:  → None"},
	{"assignment", "declare", 7, ``, `{"conflicts": [{"note": "Former employer", "vendor_id": 6}]}`,
		"Conflicts of interest declared · Ana Lima · Conflicts:  → Port-Louis Payroll (Former employer)"},
	{"assignment", "delete", 8, `{"email": "gone@demo.test", "draft_scorecards": 2}`, ``,
		"Evaluator removed · gone@demo.test · Draft scorecards deleted: 2 →"},
	{"rating", "update", 40, `{"value": 3, "version": 1, "justification": "Late reports."}`,
		`{"value": 4, "version": 2, "vendor_id": 6, "criterion_id": 21, "justification": "On time now."}`,
		"Rating changed · Port-Louis Payroll — Language quality · Rating: 3 · Adequate → 4 · Strong | Justification: Late reports. → On time now."},
	{"scorecard", "reopen", 50, `{"status": "submitted", "version": 2, "vendor_id": 6, "evaluator_id": 7}`,
		`{"status": "draft", "version": 3, "vendor_id": 6, "evaluator_id": 7}`,
		"Scorecard reopened · Port-Louis Payroll — Ana Lima · Status: Submitted → In progress"},
}

func storedNames() *historyNames {
	quality := int64(20)
	e := &bpo.Evaluation{ID: 1, Title: "Customer support 2027", ScaleMin: 1, ScaleMax: 5, ScaleLevels: bpo.DefaultScale()}
	return &historyNames{evaluation: e,
		criteria: bpo.NewCriteriaTree([]*bpo.Criterion{
			{ID: 20, Key: "quality", Kind: bpo.KindGroup, NameEN: "Quality", NameFR: "Qualité"},
			{ID: 21, ParentID: &quality, Key: "language", Kind: bpo.KindRated, NameEN: "Language quality", NameFR: "Qualité de la langue"},
			{ID: 30, Key: "price", Kind: bpo.KindMeasured, NameEN: "Price per FTE", NameFR: "Prix par ETP", Unit: "EUR"},
		}),
		vendors: map[int64]string{6: "Port-Louis Payroll"},
		users:   map[int64]*bpo.User{7: {ID: 7, Name: "Ana Lima"}},
	}
}

func TestHistoryReadsStoredSnapshots(t *testing.T) {
	n := storedNames()
	for _, tc := range storedEvents {
		t.Run(tc.entity+"_"+tc.action, func(t *testing.T) {
			ev := &bpo.AuditEvent{At: time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC), ActorName: "Mia", Entity: tc.entity,
				EntityID: tc.id, Action: tc.action, Before: json.RawMessage(tc.before), After: json.RawMessage(tc.after)}
			row := n.row(i18n.EN, ev)
			var changes []string
			for _, c := range row.Changes {
				changes = append(changes, strings.TrimSpace(c.Field+": "+c.Before+" → "+c.After))
			}
			if got := row.What + " · " + row.Object + " · " + strings.Join(changes, " | "); got != tc.want {
				t.Errorf("row =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestSnapshotFieldsAreKnown holds the snapshot types of bpo and the
// history's table together: a field renamed on one side only fails here.
func TestSnapshotFieldsAreKnown(t *testing.T) {
	known := map[string]bool{}
	for _, f := range auditFields {
		known[f.field] = true
	}
	for _, v := range []any{bpo.EvaluationSnapshot{}, bpo.StatusSnapshot{}, bpo.CriterionSnapshot{}, bpo.RemovedCriterionSnapshot{},
		bpo.WeightSnapshot{}, bpo.PositionSnapshot{}, bpo.ParticipantSnapshot{}, bpo.MeasurementSnapshot{},
		bpo.AssignmentSnapshot{}, bpo.DeclarationSnapshot{}, bpo.RatingSnapshot{}, bpo.ScorecardSnapshot{},
		bpo.VendorSnapshot{}, bpo.UserSnapshot{}, bpo.TokenSnapshot{}, bpo.RevocationSnapshot{},
		bpo.RoleSnapshot{}, bpo.DisabledSnapshot{}, bpo.PasswordSnapshot{},
		bpo.DecisionRecordSnapshot{}, bpo.VendorDeclarationSnapshot{}} {
		for _, name := range jsonNames(reflect.TypeOf(v)) {
			if !known[name] {
				t.Errorf("%T field %q has no row in auditFields", v, name)
			}
		}
	}
	// Decisions recorded before they had rows of their own were logged as
	// the evaluation's "decide", with these fields.
	for _, name := range []string{"decision", "in_house", "vendor_id", "rationale"} {
		if !known[name] {
			t.Errorf("decision field %q has no row in auditFields", name)
		}
	}
}

// jsonNames are the JSON names of a struct's fields, embedded ones included.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
