package report

import (
	"bytes"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// Text goes straight into the pages' content streams instead of through
// fpdf's Text, which converts, escapes and records a line character by
// character at about 45 ns each: a large report holds close to a million
// characters of justifications, which would take most of the time budget
// on their own. Here a paragraph is one text object, lines are measured
// with the fonts' widths read once per process, and the characters used
// are handed to fpdf once per report (registerGlyphs), so that it embeds
// their glyphs.

// metricRunes is how many code points the width tables cover: all the
// ranges of the cut fonts (see fontSet).
const metricRunes = 0x2600

// metrics are the advance widths of the regular and bold faces, in
// thousandths of an em, by code point.
var metrics = sync.OnceValue(func() [2][]uint16 {
	pdf := fpdf.New("P", "mm", "A4", "")
	addFonts(pdf)
	var m [2][]uint16
	for i, style := range []string{"", "B"} {
		pdf.SetFont(family, style, 10)
		m[i] = make([]uint16, metricRunes)
		for r := range metricRunes {
			m[i][r] = uint16(pdf.GetStringSymbolWidth(string(rune(r))))
		}
	}
	return m
})

// ptPerMM converts millimetres to PDF points.
const ptPerMM = 72 / 25.4

// face is the current font of the text being written.
type face struct {
	bold  bool
	size  float64 // points
	color [3]int
	set   bool // the font has been selected on the current page
	// fill is the page's current fill colour, which PDF text is painted
	// with too; fillSet says whether it is known.
	fill    [3]int
	fillSet bool
}

func (f *face) style() int {
	if f.bold {
		return 1
	}
	return 0
}

// font selects the face and size of the text that follows.
func (d *doc) font(bold bool, size float64) {
	if d.face.set && d.face.bold == bold && d.face.size == size {
		return
	}
	style := ""
	if bold {
		style = "B"
	}
	// fpdf writes the font selection into the page, where the text objects
	// written after it use it.
	d.pdf.SetFont(family, style, size)
	d.face.bold, d.face.size, d.face.set = bold, size, true
}

// textColor sets the colour of the text that follows.
func (d *doc) textColor(hex string) {
	r, g, b := rgb(hex)
	d.face.color = [3]int{r, g, b}
}

// fillColor sets the colour shapes are filled with.
func (d *doc) fillColor(hex string) {
	r, g, b := rgb(hex)
	d.pdf.SetFillColor(r, g, b)
	d.face.fill, d.face.fillSet = [3]int{r, g, b}, true
}

// width is how long s is in the current face, in millimetres.
func (d *doc) width(s string) float64 {
	return d.units(s) * d.face.size / 1000 / ptPerMM
}

// units is how long s is in the current face, in thousandths of an em.
// Most text is ASCII, read byte by byte until the first other character.
func (d *doc) units(s string) float64 {
	w := d.widths[d.face.style()]
	u := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf {
			u += int(w[c])
			continue
		}
		for _, r := range s[i:] {
			u += runeUnits(w, r)
		}
		break
	}
	return float64(u)
}

// runeUnits is the width of r in a width table. Characters beyond it are
// outside the fonts' ranges, and measured as wide as a question mark.
func runeUnits(w []uint16, r rune) int {
	if r < metricRunes {
		return int(w[r])
	}
	return int(w['?'])
}

// text writes one line in the current face and colour, its top at y.
func (d *doc) text(x, y float64, s string) { d.lines(x, y, 0, []string{s}) }

// lines writes lines one below the other, lh apart, the first with its
// top at y, as one text object.
func (d *doc) lines(x, y, lh float64, lines []string) {
	b := d.buf[:0]
	if !d.face.fillSet || d.face.fill != d.face.color {
		// Text is painted with the fill colour. fpdf sets it again before
		// each shape it fills (fillColor), so it is changed in place.
		for _, c := range d.face.color {
			b = strconv.AppendFloat(b, float64(c)/255, 'f', 3, 64)
			b = append(b, ' ')
		}
		b = append(b, "rg "...)
		d.face.fill, d.face.fillSet = d.face.color, true
	}
	b = append(b, "BT "...)
	b = strconv.AppendFloat(b, x*ptPerMM, 'f', 2, 64)
	b = append(b, ' ')
	// y is the top of the line; the baseline is about 0.8 em below it.
	baseline := y + d.face.size*0.8/ptPerMM
	b = strconv.AppendFloat(b, (pageH-baseline)*ptPerMM, 'f', 2, 64)
	b = append(b, " Td"...)
	for i, l := range lines {
		if i > 0 {
			b = append(b, " 0 "...)
			b = strconv.AppendFloat(b, -lh*ptPerMM, 'f', 2, 64)
			b = append(b, " Td"...)
		}
		b = append(b, " ("...)
		b = d.appendText(b, l)
		b = append(b, ")Tj"...)
	}
	b = append(b, " ET"...)
	d.buf = b
	d.reader.Reset(b)
	d.pdf.RawWriteBuf(&d.reader)
}

// appendText appends s as a PDF string for the fonts' Identity-H
// encoding, whose character codes are the UTF-16 code units: two bytes a
// character, backslash-escaped where they could end the string. Each
// character is noted as used, for registerGlyphs.
func (d *doc) appendText(b []byte, s string) []byte {
	used := d.used[d.face.style()]
	for i, r := range s {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, most of the text: a zero byte and the character.
			used[c>>6] |= 1 << (c & 63)
			switch c {
			case '(', ')', '\\':
				b = append(b, 0, '\\', c)
			case '\r':
				b = append(b, 0, '\\', 'r')
			default:
				b = append(b, 0, c)
			}
			continue
		}
		if r > 0xffff || r == utf8.RuneError {
			r = '?' // beyond what two-byte codes and the fonts hold
		}
		used[r>>6] |= 1 << (r & 63)
		for _, c := range [2]byte{byte(r >> 8), byte(r)} {
			switch c {
			case '(', ')', '\\':
				b = append(b, '\\', c)
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, c)
			}
		}
	}
	return b
}

// registerGlyphs tells fpdf which characters the report uses, so that the
// fonts it embeds hold their glyphs. fpdf records a character when its own
// Text draws it, so each face draws its characters once, in a template
// that is never placed on a page: a template shares the document's fonts,
// and nothing of an unused template is written to the file.
func (d *doc) registerGlyphs() {
	for i, style := range []string{"", "B"} {
		var sb strings.Builder
		for word, set := range d.used[i] {
			for set != 0 {
				sb.WriteRune(rune(word*64 + bits.TrailingZeros64(set)))
				set &= set - 1
			}
		}
		chars := sb.String()
		if chars == "" {
			continue
		}
		d.pdf.CreateTemplate(func(t *fpdf.Tpl) {
			t.SetFont(family, style, sizeBody)
			t.Text(0, 10, chars)
		})
	}
}

// wrap breaks s into lines no wider than w in the current face. Lines
// break at ordinary spaces and at newlines only, never at the no-break
// spaces of "2 100 €"; French punctuation typed with ordinary spaces
// stays with its word (« with the next one; », :, ;, ! and ? with the
// previous one). A word wider than a line is broken where it overflows.
// The lines are slices of s.
func (d *doc) wrap(s string, w float64) []string {
	maxU := w * ptPerMM * 1000 / d.face.size
	space := d.units(" ")
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		para = strings.TrimRight(para, "\r")
		start, end, lineU := -1, -1, 0.0
		for i := 0; i < len(para); {
			gs, ge, i2 := group(para, i)
			if gs < 0 {
				break
			}
			i = i2
			u := d.units(para[gs:ge])
			switch {
			case start >= 0 && lineU+space*float64(gs-end)+u <= maxU:
				lineU += space*float64(gs-end) + u
				end = ge
				continue
			case start >= 0:
				out = append(out, para[start:end])
			}
			for u > maxU && utf8.RuneCountInString(para[gs:ge]) > 1 {
				head := d.cut(para[gs:ge], w)
				out = append(out, head)
				gs += len(head)
				u = d.units(para[gs:ge])
			}
			start, end, lineU = gs, ge, u
		}
		if start < 0 {
			out = append(out, "")
			continue
		}
		out = append(out, para[start:end])
	}
	return out
}

// group finds the next unbreakable group of words at or after i: a word
// with the punctuation glued to it. It returns where the group starts and
// ends and where to look next; start is -1 when only spaces remain.
func group(s string, i int) (start, end, next int) {
	word := func(i int) (int, int) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		return i, j
	}
	start, end = word(i)
	if start == end {
		return -1, -1, len(s)
	}
	for last := start; ; {
		ns, ne := word(end)
		if ns == ne || (s[last:end] != "«" && !closing(s[ns:ne])) {
			break
		}
		last, end = ns, ne
	}
	return start, end, end
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// closing is punctuation that French sets after a space.
func closing(w string) bool {
	return w == "»" || w == ":" || w == ";" || w == "!" || w == "?"
}

// cut returns the longest prefix of s (at least one character) that fits in w.
func (d *doc) cut(s string, w float64) string {
	maxU := w * ptPerMM * 1000 / d.face.size
	widths := d.widths[d.face.style()]
	end, u := 0, 0.0
	for i, r := range s {
		u += float64(runeUnits(widths, r))
		if u > maxU && end > 0 {
			break
		}
		end = i + utf8.RuneLen(r)
	}
	return s[:end]
}

// clip shortens s with an ellipsis to fit in w, on one line.
func (d *doc) clip(s string, w float64) string {
	if d.width(s) <= w {
		return s
	}
	return strings.TrimRight(d.cut(s, w-d.width("…")), " ") + "…"
}

// textBuffers are a doc's scratch space for writing text, and the width
// tables it measures text with.
type textBuffers struct {
	buf    []byte
	reader bytes.Reader
	used   [2][]uint64 // characters written, by face: one bit per code point
	widths [2][]uint16 // metrics(), looked up once per document
}

func newTextBuffers() textBuffers {
	return textBuffers{used: [2][]uint64{make([]uint64, 0x10000/64), make([]uint64, 0x10000/64)}, widths: metrics()}
}
