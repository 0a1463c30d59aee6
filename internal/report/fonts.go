package report

import (
	_ "embed"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
)

// The report's typeface: DejaVu Sans, whose licence is in fonts/LICENSE.
var (
	//go:embed fonts/DejaVuSans.ttf
	sansTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	sansBoldTTF []byte
)

const family = "dejavu"

// fontSet is DejaVu cut down to the scripts a vendor evaluation is written
// in. fpdf parses a font's tables for every document it is added to and
// again when it embeds the subset actually used; cutting the 6,000-glyph
// fonts once per process to these ranges makes that per-report work several
// times smaller. Characters outside them come out as the font's blank glyph
// but are still extractable text.
var fontSet = sync.OnceValue(func() [2][]byte {
	var b strings.Builder
	for _, r := range [][2]rune{
		{0x0020, 0x024f}, // Latin, Latin-1, Latin Extended A and B
		{0x0370, 0x03ff}, // Greek
		{0x0400, 0x04ff}, // Cyrillic
		{0x1e00, 0x1eff}, // Latin Extended Additional (Vietnamese…)
		{0x2000, 0x206f}, // punctuation: dashes, quotes, narrow no-break space, ellipsis
		{0x20a0, 0x20cf}, // currency signs
		{0x2100, 0x214f}, // letterlike symbols (№, ™)
		{0x2190, 0x21ff}, // arrows
		{0x2200, 0x22ff}, // mathematical operators (−, ≤, ≥, ×)
		{0x25a0, 0x25ff}, // geometric shapes
	} {
		for c := r[0]; c <= r[1]; c++ {
			b.WriteRune(c)
		}
	}
	set := b.String()
	return [2][]byte{fpdf.UTF8CutFont(sansTTF, set), fpdf.UTF8CutFont(sansBoldTTF, set)}
})

// addFonts makes the regular and bold faces available to pdf.
func addFonts(pdf *fpdf.Fpdf) {
	fonts := fontSet()
	pdf.AddUTF8FontFromBytes(family, "", fonts[0])
	pdf.AddUTF8FontFromBytes(family, "B", fonts[1])
}
