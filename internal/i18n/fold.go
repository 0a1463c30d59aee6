package i18n

import (
	"bytes"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// letters are the letters that do not decompose into a base letter and an
// accent but are read as one all the same ("Wisła" is searched as "wisla").
var letters = strings.NewReplacer("ł", "l", "Ł", "l", "ø", "o", "Ø", "o", "đ", "d", "Đ", "d",
	"ß", "ss", "æ", "ae", "Æ", "ae", "œ", "oe", "Œ", "oe", "ı", "i")

// Fold is s as searched: lower case, without accents, so that "ile" finds
// "Île Rouge" and "teranga" finds "Téranga". It matches what PostgreSQL's
// search_fold (unaccent, then lower) does to the names it searches.
func Fold(s string) string {
	s = letters.Replace(norm.NFD.String(s))
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s))
}

// Collation is the PostgreSQL ICU collation that sorts names as lang does.
func Collation(lang Lang) string {
	if lang == FR {
		return "fr-x-icu"
	}
	return "en-x-icu"
}

// SortNames sorts items by name in lang's alphabetical order, ignoring case
// ("Élodie" with the E's, "Île Rouge" before "Wisła").
func SortNames[T any](lang Lang, items []T, name func(T) string) {
	col := collate.New(language.Make(string(lang)), collate.IgnoreCase)
	keys := make(map[string][]byte, len(items))
	var buf collate.Buffer
	for _, it := range items {
		n := name(it)
		if _, ok := keys[n]; !ok {
			keys[n] = append([]byte(nil), col.KeyFromString(&buf, n)...)
			buf.Reset()
		}
	}
	slices.SortStableFunc(items, func(a, b T) int { return bytes.Compare(keys[name(a)], keys[name(b)]) })
}
