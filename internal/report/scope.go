package report

import (
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// scope lists, on the cover, the activities of the linked suitability
// assessment with their place by the suitability rule and the reason.
func (r *report) scope() {
	if len(r.data.Scope) == 0 {
		return
	}
	d := &r.doc
	var lines []string
	for _, a := range r.data.Scope {
		su := bpo.Suitable(*a)
		reasons := make([]string, len(su.Reasons))
		for i, m := range su.Reasons {
			reasons[i] = r.t(m.Key, m.Args...)
		}
		lines = append(lines, r.t("report.scope_line", a.Name, r.t("suitability.verdict."+string(su.Verdict)), strings.Join(reasons, " ")))
	}
	lines = append(lines, r.t("suitability.rule_never"))
	d.box(r.t("report.scope"), lines)
}
