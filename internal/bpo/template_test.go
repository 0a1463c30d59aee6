package bpo_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// sameInBothLanguages lists the texts that are genuinely spelt the same in
// English and French; any other French text equal to its English one is an
// untranslated leftover.
var sameInBothLanguages = map[string]bool{
	"Excellent": true,
}

// walk calls fn for every node of the tree, depth first, with its path.
func walk(nodes []bpo.TemplateCriterion, path string, fn func(path string, c bpo.TemplateCriterion)) {
	for _, c := range nodes {
		p := path + "/" + c.Key
		fn(p, c)
		walk(c.Children, p, fn)
	}
}

// checkFrenchPunctuation requires a no-break space (U+00A0 or U+202F) before
// the French double punctuation marks, as the rest of the French UI does.
func checkFrenchPunctuation(t *testing.T, where, s string) {
	t.Helper()
	r := []rune(s)
	for i, c := range r {
		if !strings.ContainsRune(":;?!»", c) {
			continue
		}
		if i == 0 || (r[i-1] != '\u00a0' && r[i-1] != '\u202f') {
			t.Errorf("%s: %q needs a no-break space before %q", where, s, c)
		}
	}
}

// sentences counts the sentences in s (a full stop or ellipsis followed by a space or the end).
func sentences(s string) int {
	s = strings.TrimSpace(s) + " "
	return strings.Count(s, ". ") + strings.Count(s, "? ") + strings.Count(s, "! ")
}

func TestDefaultCriteriaNodes(t *testing.T) {
	seen := map[string]string{}
	walk(bpo.DefaultCriteria(), "", func(path string, c bpo.TemplateCriterion) {
		if !snakeCase.MatchString(c.Key) {
			t.Errorf("%s: key %q is not snake_case", path, c.Key)
		}
		if prev, ok := seen[c.Key]; ok {
			t.Errorf("%s: key %q already used at %s", path, c.Key, prev)
		}
		seen[c.Key] = path

		for field, v := range map[string]string{"NameEN": c.NameEN, "NameFR": c.NameFR, "GuidanceEN": c.GuidanceEN, "GuidanceFR": c.GuidanceFR} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", path, field)
			}
			if v != strings.TrimSpace(v) || strings.Contains(v, "  ") {
				t.Errorf("%s: %s has stray spaces: %q", path, field, v)
			}
		}
		for field, v := range map[string]string{"GuidanceEN": c.GuidanceEN, "GuidanceFR": c.GuidanceFR} {
			if n := sentences(v); n < 1 || n > 3 || !strings.HasSuffix(v, ".") {
				t.Errorf("%s: %s should be 1–3 full sentences, got %d: %q", path, field, n, v)
			}
		}
		if c.NameFR == c.NameEN && !sameInBothLanguages[c.NameEN] {
			t.Errorf("%s: French name %q is the English one", path, c.NameFR)
		}
		if c.GuidanceFR == c.GuidanceEN {
			t.Errorf("%s: French guidance is the English one", path)
		}
		checkFrenchPunctuation(t, path+" NameFR", c.NameFR)
		checkFrenchPunctuation(t, path+" GuidanceFR", c.GuidanceFR)

		if !(c.Weight > 0) {
			t.Errorf("%s: weight %v is not positive", path, c.Weight)
		}

		switch {
		case len(c.Children) > 0: // group
			if c.Unit != "" || c.Better != "" {
				t.Errorf("%s: group has unit %q, better %q", path, c.Unit, c.Better)
			}
			sum := 0.0
			for _, ch := range c.Children {
				sum += ch.Weight
			}
			if !(sum > 0) {
				t.Errorf("%s: children weights sum to %v", path, sum)
			}
		case c.Better != "" || c.Unit != "": // measured leaf
			if c.Unit == "" {
				t.Errorf("%s: measured criterion has no unit", path)
			}
			if c.Better != "lower" && c.Better != "higher" {
				t.Errorf("%s: better is %q, want lower or higher", path, c.Better)
			}
		}
	})
	if len(seen) == 0 {
		t.Fatal("DefaultCriteria is empty")
	}
}

// Every template node must pass the same validation as a criterion a
// manager enters by hand, or a new evaluation could not be created from it.
func TestDefaultCriteriaValidate(t *testing.T) {
	walk(bpo.DefaultCriteria(), "", func(path string, c bpo.TemplateCriterion) {
		in := bpo.CriterionInput{Key: c.Key, NameEN: c.NameEN, NameFR: c.NameFR,
			GuidanceEN: c.GuidanceEN, GuidanceFR: c.GuidanceFR, Weight: c.Weight, Unit: c.Unit, Better: c.Better}
		switch {
		case len(c.Children) > 0:
			in.Kind = bpo.KindGroup
		case c.Better != "":
			in.Kind = bpo.KindMeasured
		default:
			in.Kind = bpo.KindRated
		}
		if err := in.Validate(1, 5); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	})
}

// The tree follows the criteria catalog (shared/criteria.md).
func TestDefaultCriteriaCatalog(t *testing.T) {
	type leaf struct {
		key    string
		weight float64
		unit   string
		better string
	}
	want := []struct {
		key    string
		weight float64
		leaves []leaf
	}{
		{"quality", 60, []leaf{
			{"policies", 20, "", ""},
			{"process_expertise", 20, "", ""},
			{"cultural_fit", 15, "", ""},
			{"communication", 15, "", ""},
			{"cx_alignment", 10, "", ""},
			{"language", 10, "", ""},
			{"technology", 5, "", ""},
			{"knowledge_transfer", 5, "", ""},
		}},
		{"service_levels", 20, []leaf{
			{"aht", 30, "s", "lower"},
			{"asa", 30, "s", "lower"},
			{"abandonment", 20, "%", "lower"},
			{"turnaround", 20, "days", "lower"},
		}},
		{"cost", 20, []leaf{
			{"price", 100, "EUR", "lower"},
		}},
	}
	got := bpo.DefaultCriteria()
	if len(got) != len(want) {
		t.Fatalf("got %d categories, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Key != w.key || g.Weight != w.weight {
			t.Errorf("category %d = %s (%v), want %s (%v)", i, g.Key, g.Weight, w.key, w.weight)
		}
		if len(g.Children) != len(w.leaves) {
			t.Errorf("%s: %d children, want %d", w.key, len(g.Children), len(w.leaves))
			continue
		}
		for j, wl := range w.leaves {
			gl := g.Children[j]
			if gl.Key != wl.key || gl.Weight != wl.weight || gl.Unit != wl.unit || gl.Better != wl.better || len(gl.Children) != 0 {
				t.Errorf("%s[%d] = {%s %v %q %q, %d children}, want {%s %v %q %q}", w.key, j,
					gl.Key, gl.Weight, gl.Unit, gl.Better, len(gl.Children), wl.key, wl.weight, wl.unit, wl.better)
			}
		}
	}
	if p := got[2].Children[0]; p.NameEN != "Price per FTE per month" || p.NameFR != "Prix par ETP et par mois" {
		t.Errorf("price is named %q / %q", p.NameEN, p.NameFR)
	}
}

func TestDefaultCriteriaIsACopy(t *testing.T) {
	a := bpo.DefaultCriteria()
	a[0].Key = "changed"
	a[0].Weight = 1
	a[0].Children[0].NameEN = "changed"
	a[0].Children[0].Weight = 99
	a[0].Children = append(a[0].Children[:1], a[0].Children[2:]...)
	a[1].Children[0].Unit = "min"

	b := bpo.DefaultCriteria()
	if len(b) != 3 || b[0].Key != "quality" || b[0].Weight != 60 {
		t.Fatalf("categories changed: %+v", b)
	}
	if c := b[0].Children; len(c) != 8 || c[0].NameEN != "Policies & procedures" || c[0].Weight != 20 || c[1].Key != "process_expertise" {
		t.Errorf("quality children changed: %+v", c)
	}
	if u := b[1].Children[0].Unit; u != "s" {
		t.Errorf("aht unit = %q after mutating an earlier copy", u)
	}
}

func TestDefaultScale(t *testing.T) {
	s := bpo.DefaultScale()
	if len(s) != 5 {
		t.Fatalf("got %d levels, want 5", len(s))
	}
	labels := [][2]string{{"Unacceptable", "Inacceptable"}, {"Weak", "Faible"}, {"Adequate", "Satisfaisant"}, {"Strong", "Solide"}, {"Excellent", "Excellent"}}
	for i, l := range s {
		if l.Value != i+1 {
			t.Errorf("level %d has value %d", i, l.Value)
		}
		if l.LabelEN != labels[i][0] || l.LabelFR != labels[i][1] {
			t.Errorf("level %d labelled %q / %q, want %q / %q", l.Value, l.LabelEN, l.LabelFR, labels[i][0], labels[i][1])
		}
		for field, v := range map[string]string{"HelpEN": l.HelpEN, "HelpFR": l.HelpFR} {
			if strings.TrimSpace(v) == "" || sentences(v) != 1 || !strings.HasSuffix(v, ".") {
				t.Errorf("level %d: %s should be one sentence: %q", l.Value, field, v)
			}
		}
		if l.LabelFR == l.LabelEN && !sameInBothLanguages[l.LabelEN] {
			t.Errorf("level %d: French label %q is the English one", l.Value, l.LabelFR)
		}
		if l.HelpFR == l.HelpEN {
			t.Errorf("level %d: French help is the English one", l.Value)
		}
		checkFrenchPunctuation(t, "scale LabelFR", l.LabelFR)
		checkFrenchPunctuation(t, "scale HelpFR", l.HelpFR)
	}
	s[0].LabelEN = "changed"
	if bpo.DefaultScale()[0].LabelEN != "Unacceptable" {
		t.Error("DefaultScale does not return a copy")
	}
}
