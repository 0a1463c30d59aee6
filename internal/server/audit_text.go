package server

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// row is one event as the history shows it.
func (n *historyNames) row(lang i18n.Lang, ev *bpo.AuditEvent) pages.HistoryRow {
	before, after := snapshot(ev.Before), snapshot(ev.After)
	row := pages.HistoryRow{When: i18n.DateTime(lang, ev.At), Who: ev.ActorName, Kind: ev.Entity,
		What: i18n.T(lang, "history.action."+ev.Entity+"."+ev.Action)}
	switch {
	case ev.ActorID == nil:
		row.Who = i18n.T(lang, "history.system")
	case row.Who == "":
		row.Who = n.userName(*ev.ActorID, nil)
	}
	if !i18n.Has("history.action." + ev.Entity + "." + ev.Action) {
		row.What = i18n.T(lang, "history.kind."+ev.Entity) + " · " + ev.Action
	}
	row.Object = n.object(lang, ev, before, after)
	row.Changes = n.changes(lang, ev.Entity, before, after)
	return row
}

// snapshot decodes an event's before or after; nil when there is none.
func snapshot(raw json.RawMessage) map[string]any {
	var m map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// object names what an event changed, beyond the evaluation itself.
func (n *historyNames) object(lang i18n.Lang, ev *bpo.AuditEvent, before, after map[string]any) string {
	snap := after
	if snap == nil {
		snap = before
	}
	switch ev.Entity {
	case "criterion":
		return n.criterionName(lang, ev.EntityID, snap)
	case "participant":
		return n.vendorName(ev.EntityID, snap)
	case "assignment":
		return n.userName(ev.EntityID, snap)
	case "measurement":
		return joinNames(n.vendorName(idIn(snap, "vendor_id"), nil), n.criterionName(lang, ev.EntityID, snap))
	case "rating":
		return joinNames(n.vendorName(idIn(snap, "vendor_id"), nil), n.criterionName(lang, idIn(snap, "criterion_id"), nil))
	case "consensus":
		return joinNames(n.vendorName(idIn(snap, "vendor_id"), nil), n.criterionName(lang, idIn(snap, "criterion_id"), nil))
	case "pairwise_answers":
		return n.userName(idIn(snap, "user_id"), nil)
	case "scorecard":
		name := n.vendorName(idIn(snap, "vendor_id"), nil)
		if id := idIn(snap, "evaluator_id"); id != 0 {
			name = joinNames(name, n.userName(id, nil))
		}
		return name
	}
	return ""
}

func joinNames(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + " — " + b
}

func idIn(snap map[string]any, key string) int64 {
	f, _ := snap[key].(float64)
	return int64(f)
}

// criterionName names a criterion, from the snapshot when it has been removed.
func (n *historyNames) criterionName(lang i18n.Lang, id int64, snap map[string]any) string {
	if c, ok := n.criteria[id]; ok {
		return c.Name(string(lang))
	}
	for _, key := range []string{"name_" + string(lang), "name_en", "key", "criterion"} {
		if s, ok := snap[key].(string); ok && s != "" {
			return s
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (n *historyNames) vendorName(id int64, snap map[string]any) string {
	if name, ok := n.vendors[id]; ok {
		return name
	}
	if s, ok := snap["name"].(string); ok {
		return s
	}
	if id == 0 {
		return ""
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (n *historyNames) userName(id int64, snap map[string]any) string {
	if u, ok := n.users[id]; ok {
		return u.Name
	}
	if s, ok := snap["email"].(string); ok {
		return s
	}
	return "#" + strconv.FormatInt(id, 10)
}

// hiddenFields are the snapshot fields of each entity that the history
// does not list, since the object column already names them. The version
// counter, in every snapshot, is not listed either.
var hiddenFields = map[string][]string{
	"participant": {"key", "name"},
	"measurement": {"vendor_id", "criterion"},
	"rating":      {"vendor_id", "criterion_id"},
	"scorecard":   {"vendor_id", "evaluator_id"},
	"assignment":  {"email"},
	// Comparison rounds name criteria and people by id; the object column
	// names the group or the participant.
	"consensus":        {"vendor_id", "criterion_id"},
	"pairwise_round":   {"parent_id", "items", "participants"},
	"pairwise_answers": {"user_id", "answers"},
}

// fieldOrder lists fields in the order a reader expects; others follow by name.
var fieldOrder = []string{
	"title", "scope", "services", "due_date", "status", "stage", "reject_reason", "value", "justification",
	"in_house", "vendor_id", "rationale", "key", "kind", "parent_id", "name_en", "name_fr", "weight", "position",
	"min_rating", "unit", "better", "best", "worst", "limit", "guidance_en", "guidance_fr", "children",
	"scale_min", "scale_max", "scale_levels", "aggregation", "award_threshold", "close_call_margin",
	"conflicts", "draft_scorecards",
}

// changes is the readable difference between two snapshots: each field
// whose value reads differently, before → after. A creation lists what was
// set, a removal what was there.
func (n *historyNames) changes(lang i18n.Lang, entity string, before, after map[string]any) []pages.HistoryChange {
	var keys []string
	for _, m := range []map[string]any{before, after} {
		for k := range m {
			if k != "version" && !slices.Contains(keys, k) && !slices.Contains(hiddenFields[entity], k) {
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := orderOf(a), orderOf(b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	var out []pages.HistoryChange
	for _, k := range keys {
		if before != nil && after != nil && reflect.DeepEqual(before[k], after[k]) {
			continue
		}
		b, a := "", ""
		if before != nil {
			b = n.value(lang, entity, k, before[k], before)
		}
		if after != nil {
			a = n.value(lang, entity, k, after[k], after)
		}
		// Values that read the same did not change for the reader ("no
		// decision" and "not in-house"), unless shortening hid the difference.
		if (a == b && !strings.HasSuffix(a, "…")) || (before == nil && a == "—") || (after == nil && b == "—") {
			continue
		}
		out = append(out, pages.HistoryChange{Field: fieldLabel(lang, entity, k), Before: b, After: a})
	}
	return out
}

func orderOf(field string) int {
	if i := slices.Index(fieldOrder, field); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

func fieldLabel(lang i18n.Lang, entity, field string) string {
	if key := "history.field." + entity + "." + field; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	if key := "history.field." + field; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return field
}

// historyTextMax is where long texts (scope, justifications…) are cut.
const historyTextMax = 140

// value reads one snapshot field: codes translated, ids named, numbers and
// dates in the reader's language, long texts shortened.
func (n *historyNames) value(lang i18n.Lang, entity, field string, v any, snap map[string]any) string {
	if v == nil {
		return "—"
	}
	switch field {
	case "status":
		if entity == "scorecard" {
			return i18n.T(lang, "progress.state."+str(v))
		}
		return i18n.T(lang, "status."+str(v))
	case "stage":
		return i18n.T(lang, "stage."+str(v))
	case "aggregation":
		return i18n.T(lang, "aggregation."+str(v))
	case "kind":
		return i18n.T(lang, "criterion.kind."+str(v))
	case "better":
		return i18n.T(lang, "criterion.better."+str(v))
	case "services":
		return listOf(v, func(x any) string { return serviceName(lang, str(x)) })
	case "vendor_id":
		return n.vendorName(int64(num(v)), nil)
	case "parent_id":
		return n.criterionName(lang, int64(num(v)), nil)
	case "due_date":
		if t, err := time.Parse(time.RFC3339, str(v)); err == nil {
			return i18n.Date(lang, t)
		}
	case "position":
		return i18n.Number(lang, num(v)+1, -1)
	case "scale_levels":
		return listOf(v, func(x any) string {
			m, _ := x.(map[string]any)
			return str(m["label_"+string(lang)])
		})
	case "conflicts":
		if list, _ := v.([]any); len(list) == 0 {
			return i18n.T(lang, "evaluation.no_conflict")
		}
		return listOf(v, func(x any) string {
			m, _ := x.(map[string]any)
			return joinNote(n.vendorName(int64(num(m["vendor_id"])), nil), str(m["note"]))
		})
	case "justification":
		if entity == "evaluation" {
			return i18n.T(lang, "justification."+str(v))
		}
	case "value":
		return n.ratingValue(lang, entity, v, snap)
	case "in_house":
		// A decision for a vendor says so with the vendor; "in-house: no" is noise.
		if v == false {
			return "—"
		}
	}
	return plain(lang, v)
}

// ratingValue reads a rating with its descriptor ("4 · Strong"), and a
// measured figure with its unit.
func (n *historyNames) ratingValue(lang i18n.Lang, entity string, v any, snap map[string]any) string {
	text := plain(lang, v)
	switch entity {
	case "rating":
		for _, l := range n.evaluation.ScaleLevels {
			label := l.LabelEN
			if lang == i18n.FR {
				label = l.LabelFR
			}
			// Scales other than 1–5 are described by their numbers only.
			if float64(l.Value) == num(v) && label != text {
				return text + " · " + label
			}
		}
	case "measurement":
		for _, c := range n.criteria {
			if c.Key == str(snap["criterion"]) && c.Unit != "" {
				return text + " " + c.Unit
			}
		}
	}
	return text
}

// plain reads a value with no meaning of its own to the history.
func plain(lang i18n.Lang, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return i18n.T(lang, "common.yes")
		}
		return i18n.T(lang, "common.no")
	case float64:
		return i18n.Number(lang, x, -1)
	case string:
		if strings.TrimSpace(x) == "" {
			return "—"
		}
		return shorten(x)
	case []any:
		return listOf(x, func(e any) string { return plain(lang, e) })
	}
	b, _ := json.Marshal(v)
	return shorten(string(b))
}

func listOf(v any, item func(any) string) string {
	list, _ := v.([]any)
	if len(list) == 0 {
		return "—"
	}
	parts := make([]string, len(list))
	for i, x := range list {
		parts[i] = item(x)
	}
	return shorten(strings.Join(parts, ", "))
}

func joinNote(name, note string) string {
	if note == "" {
		return name
	}
	return name + " (" + note + ")"
}

// shorten keeps a long text to one readable line.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= historyTextMax {
		return s
	}
	return string([]rune(s)[:historyTextMax-1]) + "…"
}

// str and num read a snapshot value of the expected type, or its zero.
func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
