// Package i18n holds the English and French message catalogs and the
// language-aware formatting of numbers and dates used by pages, the PDF report
// and the command line.
//
// Catalogs live in locales/<lang>/*.json, one file per area of the product, so
// that each area can be translated on its own. Every file is a flat object of
// key → message. Messages are fmt formats; use explicit argument indexes
// (%[1]s) where French word order differs from English.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Lang is a supported interface language.
type Lang string

// The supported languages. English is the fallback.
const (
	EN Lang = "en"
	FR Lang = "fr"
)

// Langs lists the supported languages in display order.
var Langs = []Lang{EN, FR}

//go:embed locales
var localeFS embed.FS

// catalogs is built once at start-up from the embedded files and never changes.
var catalogs = mustLoad(localeFS)

// Parse returns the language named by s ("fr", "FR", "fr-CA"), or false.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// FromAcceptLanguage picks the best supported language from an HTTP
// Accept-Language header, honouring q-values; English when none matches.
func FromAcceptLanguage(header string) Lang {
	best, bestQ := EN, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		l, ok := Parse(tag)
		if !ok {
			continue
		}
		q := 1.0
		if v, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// T returns the message for key in lang, formatted with args. A missing key
// renders as the key itself, so a gap is visible on screen instead of blank;
// the catalog test keeps that from reaching users.
func T(lang Lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		msg, ok = catalogs[EN][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// N translates a message that depends on a count n, using key+".one" or
// key+".other" by the language's plural rule (French treats 0 and 1 as
// singular, English only 1). n is the first format argument.
func N(lang Lang, key string, n int, args ...any) string {
	form := ".other"
	if n == 1 || (lang == FR && n == 0) {
		form = ".one"
	}
	return T(lang, key+form, append([]any{n}, args...)...)
}

// Has reports whether key exists in the catalogs.
func Has(key string) bool {
	_, ok := catalogs[EN][key]
	return ok
}

// Keys returns the sorted keys of lang's catalog.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func mustLoad(fsys fs.FS) map[Lang]map[string]string {
	c, err := load(fsys)
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (map[Lang]map[string]string, error) {
	out := make(map[Lang]map[string]string, len(Langs))
	for _, lang := range Langs {
		dir := path.Join("locales", string(lang))
		files, err := fs.Glob(fsys, dir+"/*.json")
		if err != nil {
			return nil, err
		}
		cat := make(map[string]string)
		for _, name := range files {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := cat[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is defined twice", name, k)
				}
				cat[k] = v
			}
		}
		out[lang] = cat
	}
	return out, nil
}
