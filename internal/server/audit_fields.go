package server

import (
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// fieldText reads one snapshot field's value for the history; snap is the
// whole snapshot, for the fields whose reading depends on another.
type fieldText func(n *historyNames, lang i18n.Lang, v any, snap map[string]any) string

// auditField says how the history shows one field of the snapshots of an
// entity ("" for every entity without a row of its own for the field).
type auditField struct {
	entity, field string
	hidden        bool      // not listed: the object column names it already
	text          fieldText // nil: the value as it is (see plain)
}

// auditFields is the one table the history reads snapshots with, in the
// order a reader expects the fields; the JSON names are those of the
// snapshot types of bpo (audit_record.go), which never change. A field
// missing here is still shown, after the others, under its JSON name.
var auditFields = []auditField{
	{field: "version", hidden: true}, // in every snapshot: a counter, not a change
	{field: "title"}, {field: "scope"},
	{field: "services", text: func(_ *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		return listOf(v, func(x any) string { return serviceName(lang, str(x)) })
	}},
	{field: "due_date", text: dateText},
	{field: "status", text: code("status.")},
	{entity: bpo.EntityScorecard, field: "status", text: code("progress.state.")},
	{field: "stage", text: code("stage.")},
	{field: "reject_reason"},
	{field: "value"},
	{entity: bpo.EntityRating, field: "value", text: (*historyNames).ratingText},
	{entity: bpo.EntityMeasurement, field: "value", text: (*historyNames).figureText},
	{field: "justification"},
	{entity: bpo.EntityEvaluation, field: "justification", text: code("justification.")},
	{field: "decision"},
	{field: "in_house", text: func(_ *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		if v == false { // a decision for a vendor says so with the vendor; "in-house: no" is noise
			return "—"
		}
		return plain(lang, v)
	}},
	{field: "vendor_id", text: func(n *historyNames, _ i18n.Lang, v any, _ map[string]any) string {
		return n.vendorName(int64(num(v)), nil)
	}},
	{entity: bpo.EntityMeasurement, field: "vendor_id", hidden: true},
	{entity: bpo.EntityRating, field: "vendor_id", hidden: true},
	{entity: bpo.EntityScorecard, field: "vendor_id", hidden: true},
	{entity: bpo.EntityScorecard, field: "evaluator_id", hidden: true},
	{entity: bpo.EntityRating, field: "criterion_id", hidden: true},
	{entity: bpo.EntityMeasurement, field: "criterion", hidden: true},
	// Moderation and comparison rounds name vendors, criteria and people by
	// id: the object column names them.
	{entity: bpo.EntityConsensus, field: "vendor_id", hidden: true},
	{entity: bpo.EntityConsensus, field: "criterion_id", hidden: true},
	{entity: bpo.EntityPairwiseRound, field: "parent_id", hidden: true},
	{entity: bpo.EntityPairwiseRound, field: "items", hidden: true},
	{entity: bpo.EntityPairwiseRound, field: "participants", hidden: true},
	{entity: bpo.EntityPairwiseAnswers, field: "user_id", hidden: true},
	{entity: bpo.EntityPairwiseAnswers, field: "answers", hidden: true},
	{field: "rationale"},
	{field: "outcome", text: code("decision.outcome.")},
	{entity: bpo.EntityDecision, field: "vendor_key", hidden: true},
	{field: "recommendation", text: code("scoring.decision.")},
	{field: "recommended_vendor"},
	{field: "departs_from_recommendation"}, {field: "departure_reason"},
	{field: "change_reason"}, {field: "model_sha256"},
	{field: "conflict"}, {field: "note"}, {field: "late_vendor"},
	{field: "withdrawn_ratings"}, {field: "scorecard_submitted"},
	{field: "pending_scorecards"},
	{field: "key"},
	{entity: bpo.EntityParticipant, field: "key", hidden: true},
	{entity: bpo.EntityParticipant, field: "name", hidden: true},
	{field: "kind", text: code("criterion.kind.")},
	{field: "parent_id", text: func(n *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		return n.criterionName(lang, int64(num(v)), nil)
	}},
	{field: "name_en"}, {field: "name_fr"}, {field: "weight"},
	{field: "position", text: func(_ *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		return i18n.Number(lang, num(v)+1, -1)
	}},
	{field: "min_rating"}, {field: "unit"},
	{field: "better", text: code("criterion.better.")},
	{field: "best"}, {field: "worst"}, {field: "limit"},
	{field: "guidance_en"}, {field: "guidance_fr"}, {field: "children"},
	{field: "scale_min"}, {field: "scale_max"},
	{field: "scale_levels", text: func(_ *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		return listOf(v, func(x any) string {
			m, _ := x.(map[string]any)
			return str(m["label_"+string(lang)])
		})
	}},
	{field: "aggregation", text: code("aggregation.")},
	{field: "award_threshold"}, {field: "close_call_margin"},
	{field: "cost_criterion_id", text: func(n *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		if v == nil {
			return i18n.T(lang, "evaluation.cost_criterion_none")
		}
		return n.criterionName(lang, int64(num(v)), nil)
	}},
	{field: "robustness_spread", text: func(_ *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		return i18n.Percent(lang, num(v), 0)
	}},
	{field: "copied_from"},
	{field: "copied_from_id", hidden: true}, // the title beside it names the evaluation
	{field: "conflicts", text: (*historyNames).conflictsText},
	{field: "draft_scorecards"},
	{entity: bpo.EntityAssignment, field: "email", hidden: true},
	// Outside evaluations: vendors, users, API tokens.
	{field: "name"}, {field: "country"}, {field: "website"}, {field: "contact_name"}, {field: "contact_email"},
	{field: "contact_phone"}, {field: "languages"}, {field: "headcount"}, {field: "notes"}, {field: "archived"},
	{field: "email"}, {field: "role"}, {field: "prefix"}, {field: "revoked_at"},
	{field: "expires_at"}, {field: "disabled_at"}, {field: "sessions_kept"}, {field: "tokens_revoked"},
}

// auditIndex finds a row of auditFields by entity and field.
var auditIndex = func() map[[2]string]int {
	m := make(map[[2]string]int, len(auditFields))
	for i, f := range auditFields {
		m[[2]string{f.entity, f.field}] = i
	}
	return m
}()

// fieldRow is how entity's snapshots show field, and where: its place in
// auditFields, or after every field of the table.
func fieldRow(entity, field string) (auditField, int) {
	for _, key := range [][2]string{{entity, field}, {"", field}} {
		if i, ok := auditIndex[key]; ok {
			return auditFields[i], i
		}
	}
	return auditField{field: field}, len(auditFields)
}

// code reads a code (a status, a kind…) as its catalog text under prefix;
// no code ("", as a group's direction) reads as no value.
func code(prefix string) fieldText {
	return func(_ *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
		if str(v) == "" {
			return "—"
		}
		return i18n.T(lang, prefix+str(v))
	}
}

func dateText(_ *historyNames, lang i18n.Lang, v any, _ map[string]any) string {
	if t, err := time.Parse(time.RFC3339, str(v)); err == nil {
		return i18n.Date(lang, t)
	}
	return plain(lang, v)
}
