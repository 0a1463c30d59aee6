package server

import (
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
)

// The country and language choices, sorted by their names in each interface
// language (so "Émirats arabes unis" sorts under E in French). Built once.
var (
	countryOptions  = localisedOptions(bpo.CountryCodes, i18n.CountryName)
	languageOptions = localisedOptions(bpo.LanguageCodes, i18n.LanguageName)
)

func localisedOptions(codes []string, name func(i18n.Lang, string) string) map[i18n.Lang][]components.Option {
	out := make(map[i18n.Lang][]components.Option, len(i18n.Langs))
	for _, lang := range i18n.Langs {
		opts := make([]components.Option, len(codes))
		for i, c := range codes {
			opts[i] = components.Option{Value: c, Label: name(lang, c)}
		}
		// Two codes can share a name (ak and tw are both "Akan"): the code tells them apart.
		count := map[string]int{}
		for _, o := range opts {
			count[o.Label]++
		}
		for i, o := range opts {
			if count[o.Label] > 1 {
				opts[i].Label += " (" + o.Value + ")"
			}
		}
		// A collator is not safe for concurrent use; this runs once, at start-up.
		col := collate.New(language.Make(string(lang)), collate.IgnoreCase)
		slices.SortStableFunc(opts, func(a, b components.Option) int { return col.CompareString(a.Label, b.Label) })
		out[lang] = opts
	}
	return out
}

func serviceOptions(lang i18n.Lang) []components.Option {
	opts := make([]components.Option, len(bpo.ServiceKinds))
	for i, k := range bpo.ServiceKinds {
		opts[i] = components.Option{Value: k, Label: serviceName(lang, k)}
	}
	return opts
}

func serviceName(lang i18n.Lang, kind string) string { return i18n.T(lang, "service."+kind) }

// matchingCodes returns the options whose label contains q, ignoring case and accents,
// so that a search for "maroc" or "payroll" finds vendors by country or service.
func matchingCodes(opts []components.Option, q string) []string {
	q = i18n.Fold(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	var out []string
	for _, o := range opts {
		if strings.Contains(i18n.Fold(o.Label), q) || strings.EqualFold(o.Value, q) {
			out = append(out, o.Value)
		}
	}
	return out
}
