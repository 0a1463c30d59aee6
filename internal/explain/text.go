package explain

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// WriteText writes a result for people: a table of the vendors in rank order
// (rank, vendor, score, eligible, completeness), then the decision and its
// reasons, in lang.
func WriteText(w io.Writer, lang i18n.Lang, res *scoring.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n",
		i18n.T(lang, "scoring.text.rank"), i18n.T(lang, "scoring.text.vendor"), i18n.T(lang, "scoring.text.score"),
		i18n.T(lang, "scoring.text.eligible"), i18n.T(lang, "scoring.text.completeness"))
	for _, v := range res.Vendors {
		eligible := i18n.T(lang, "scoring.text.no")
		if v.Eligible {
			eligible = i18n.T(lang, "scoring.text.yes")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", Rank(lang, v.Rank), name(scoring.Ref{Key: v.Key, Name: v.Name}),
			i18n.Number(lang, v.Score, 2), eligible, Completeness(lang, v.Completeness))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	rec := res.Recommendation
	decision := i18n.T(lang, "scoring.text.decision", Decision(lang, rec.Decision))
	if v := res.Vendor(rec.Vendor); v != nil {
		decision = i18n.T(lang, "scoring.text.decision_vendor", Decision(lang, rec.Decision), name(scoring.Ref{Key: v.Key, Name: v.Name}))
	}
	if _, err := fmt.Fprintf(w, "\n%s\n%s\n", decision, i18n.T(lang, "scoring.text.reasons")); err != nil {
		return err
	}
	for _, r := range rec.Reasons {
		if _, err := fmt.Fprintf(w, "- %s\n", Reason(lang, r)); err != nil {
			return err
		}
	}
	return nil
}
