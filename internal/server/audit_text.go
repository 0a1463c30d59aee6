package server

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
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
	case bpo.EntityCriterion:
		return n.criterionName(lang, ev.EntityID, snap)
	case bpo.EntityParticipant:
		return n.vendorName(ev.EntityID, snap)
	case bpo.EntityAssignment:
		return n.userName(ev.EntityID, snap)
	case bpo.EntityMeasurement:
		return joinNames(n.vendorName(idIn(snap, "vendor_id"), nil), n.criterionName(lang, ev.EntityID, snap))
	case bpo.EntityRating:
		return joinNames(n.vendorName(idIn(snap, "vendor_id"), nil), n.criterionName(lang, idIn(snap, "criterion_id"), nil))
	case bpo.EntityConsensus:
		return joinNames(n.vendorName(idIn(snap, "vendor_id"), nil), n.criterionName(lang, idIn(snap, "criterion_id"), nil))
	case bpo.EntityPairwiseAnswers:
		return n.userName(idIn(snap, "user_id"), nil)
	case bpo.EntityScorecard:
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
	if c := n.criteria.Criterion(id); c != nil {
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

// changes is the readable difference between two snapshots: each field
// whose value reads differently, before → after. A creation lists what was
// set, a removal what was there.
func (n *historyNames) changes(lang i18n.Lang, entity string, before, after map[string]any) []pages.HistoryChange {
	var keys []string
	for _, m := range []map[string]any{before, after} {
		for k := range m {
			if f, _ := fieldRow(entity, k); !f.hidden && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		_, ia := fieldRow(entity, a)
		_, ib := fieldRow(entity, b)
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
	if f, _ := fieldRow(entity, field); f.text != nil {
		return f.text(n, lang, v, snap)
	}
	return plain(lang, v)
}

// conflictsText lists the vendors of a declaration, with their notes.
func (n *historyNames) conflictsText(lang i18n.Lang, v any, _ map[string]any) string {
	if list, _ := v.([]any); len(list) == 0 {
		return i18n.T(lang, "evaluation.no_conflict")
	}
	return listOf(v, func(x any) string {
		m, _ := x.(map[string]any)
		return joinNote(n.vendorName(int64(num(m["vendor_id"])), nil), str(m["note"]))
	})
}

// ratingText reads a rating with its descriptor ("4 · Strong"). Scales
// other than 1–5 are described by their numbers only.
func (n *historyNames) ratingText(lang i18n.Lang, v any, _ map[string]any) string {
	text := plain(lang, v)
	for _, l := range n.evaluation.ScaleLevels {
		label := l.LabelEN
		if lang == i18n.FR {
			label = l.LabelFR
		}
		if float64(l.Value) == num(v) && label != text {
			return text + " · " + label
		}
	}
	return text
}

// figureText reads a measured figure with its criterion's unit.
func (n *historyNames) figureText(lang i18n.Lang, v any, snap map[string]any) string {
	text := plain(lang, v)
	for _, c := range n.criteria.All() {
		if c.Key == str(snap["criterion"]) && c.Unit != "" {
			return text + " " + c.Unit
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
