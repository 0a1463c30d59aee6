package report

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// sample has what the text writer must escape or encode with care:
// parentheses and a backslash, accents, quotes, the euro, a narrow
// no-break space and a character beyond the fonts' ranges.
const sample = `Évaluation « 2 100 € » (d’après l’offre) \ Łódź — 78,3 % ✓`

// Text written straight into the page must look exactly like the same text
// drawn by fpdf's own Text: same glyphs, embedded, at the same place.
func TestTextLooksLikeFpdfText(t *testing.T) {
	const x, top, size = 20.0, 30.0, 14.0
	baseline := top + size*0.8/ptPerMM

	ref := fpdf.New("P", "mm", "A4", "")
	addFonts(ref)
	ref.AddPage()
	ref.SetFont(family, "", size)
	ref.Text(x, baseline, sample)
	ref.SetFont(family, "B", size)
	ref.Text(x, baseline+20, sample)

	d := &doc{pdf: fpdf.New("P", "mm", "A4", ""), lang: i18n.EN, textBuffers: newTextBuffers()}
	addFonts(d.pdf)
	d.newPage()
	d.textColor("#000000")
	d.font(false, size)
	d.text(x, top, sample)
	d.font(true, size)
	d.text(x, top+20, sample)
	d.registerGlyphs()

	pages := map[string]image.Image{}
	for name, pdf := range map[string]*fpdf.Fpdf{"fpdf": ref, "raw": d.pdf} {
		var b bytes.Buffer
		if err := pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		if got := pdftest.Text(t, b.Bytes(), 1, 1); got != pdftest.Squeeze(sample+" "+sample) {
			t.Errorf("%s: text reads %q", name, got)
		}
		file := pdftest.PNG(t, b.Bytes(), 1, t.TempDir(), name)
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		pages[name] = img
		_ = os.Rename(file, filepath.Join(t.ArtifactDir(), filepath.Base(file)))
	}
	ink, differ := 0, 0
	bounds := pages["fpdf"].Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r1, _, _, _ := pages["fpdf"].At(x, y).RGBA()
			r2, _, _, _ := pages["raw"].At(x, y).RGBA()
			if r1 < 0x8000 {
				ink++
			}
			if (r1 < 0x8000) != (r2 < 0x8000) {
				differ++
			}
		}
	}
	if ink < 500 || differ > ink/50 {
		t.Errorf("%d of %d inked pixels differ from fpdf's own rendering", differ, ink)
	}
}

func TestWrap(t *testing.T) {
	d := &doc{pdf: fpdf.New("P", "mm", "A4", ""), textBuffers: newTextBuffers()}
	addFonts(d.pdf)
	d.font(false, sizeBody)
	long := strings.Repeat("Supercalifragilisticexpialidocious", 4)
	for _, tc := range []struct {
		name, text string
		width      float64
		want       []string
	}{
		{"fits", "Une ligne courte", 100, []string{"Une ligne courte"}},
		{"newlines", "Un\nDeux\r\n\nTrois", 100, []string{"Un", "Deux", "", "Trois"}},
		{"no-break spaces hold", "un prix de 2\u202f100\u00a0€ par mois", 20, []string{"un prix de", "2\u202f100\u00a0€ par", "mois"}},
		{"guillemets stay with their word", "il est jugé « solide » : bien", 22, []string{"il est jugé", "« solide » :", "bien"}},
		{"a long word is broken", long, 60, nil},
		{"empty", "", 50, []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := d.wrap(tc.text, tc.width)
			for _, line := range got {
				if w := d.width(line); w > tc.width {
					t.Errorf("line %q is %.1f mm wide, more than %.1f", line, w, tc.width)
				}
			}
			if tc.want == nil {
				if strings.Join(got, "") != tc.text || len(got) < 2 {
					t.Errorf("wrap(%q) = %q", tc.text, got)
				}
				return
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrap(%q, %g) = %q, want %q", tc.text, tc.width, got, tc.want)
			}
		})
	}
	if got := d.clip(long, 30); !strings.HasSuffix(got, "…") || d.width(got) > 30 {
		t.Errorf("clip = %q (%.1f mm)", got, d.width(got))
	}
}
