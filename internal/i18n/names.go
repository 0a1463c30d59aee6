package i18n

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

var (
	regionNamers = map[Lang]display.Namer{EN: display.English.Regions(), FR: display.French.Regions()}
	langNamers   = map[Lang]display.Namer{EN: display.English.Languages(), FR: display.French.Languages()}
)

// CountryName returns the name of an ISO 3166-1 alpha-2 country in lang,
// or the code itself when unknown.
func CountryName(lang Lang, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := regionNamers[lang].Name(r); n != "" {
		return n
	}
	return code
}

// LanguageName returns the name of an ISO 639-1 language in lang, or the code.
func LanguageName(lang Lang, code string) string {
	b, err := language.ParseBase(code)
	if err != nil {
		return code
	}
	if n := langNamers[lang].Name(b); n != "" {
		return n
	}
	return code
}
