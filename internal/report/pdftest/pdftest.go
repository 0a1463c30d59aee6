// Package pdftest reads PDFs in tests the way a reader's tools would, with
// poppler's pdfinfo, pdffonts, pdftotext and pdftoppm. Without poppler a
// test fails in CI (.ci/run installs poppler-utils) and is skipped only on
// a developer's machine that lacks it.
package pdftest

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Font is one line of pdffonts.
type Font struct {
	Name, Type string
	Embedded   bool
}

// Info returns pdfinfo's fields ("Pages", "Title"…); it fails the test when
// pdfinfo finds the file broken.
func Info(tb testing.TB, pdf []byte) map[string]string {
	tb.Helper()
	out := run(tb, pdf, "pdfinfo", pdfFile)
	info := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// Pages returns the number of pages pdfinfo counts.
func Pages(tb testing.TB, pdf []byte) int {
	tb.Helper()
	n, err := strconv.Atoi(Info(tb, pdf)["Pages"])
	if err != nil || n < 1 {
		tb.Fatalf("pdfinfo reports no pages: %v", err)
	}
	return n
}

// Fonts lists the fonts pdffonts finds.
func Fonts(tb testing.TB, pdf []byte) []Font {
	tb.Helper()
	lines := strings.Split(strings.TrimSpace(run(tb, pdf, "pdffonts", pdfFile)), "\n")
	if len(lines) < 2 {
		tb.Fatalf("pdffonts: unexpected output %q", lines)
	}
	// The dashes under the header give the columns' widths; names may hold spaces.
	cols := strings.Fields(lines[1])
	var fonts []Font
	for _, line := range lines[2:] {
		at, fields := 0, make([]string, len(cols))
		for i, c := range cols {
			end := min(at+len(c), len(line))
			fields[i] = strings.TrimSpace(line[min(at, end):end])
			at += len(c) + 1
		}
		// name, type, encoding, emb, sub, uni, object, ID
		fonts = append(fonts, Font{Name: fields[0], Type: fields[1], Embedded: fields[3] == "yes"})
	}
	return fonts
}

// Text returns the text of the pages first to last (0 for the end), with
// every run of white space, no-break spaces included, made one space:
// sentences read the same whether or not they wrapped.
func Text(tb testing.TB, pdf []byte, first, last int) string {
	tb.Helper()
	args := []string{"-enc", "UTF-8", "-f", strconv.Itoa(first)}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	return Squeeze(run(tb, pdf, "pdftotext", append(args, pdfFile, "-")...))
}

// PageTexts returns the text of every page, squeezed as Text does.
func PageTexts(tb testing.TB, pdf []byte) []string {
	tb.Helper()
	pages := strings.Split(run(tb, pdf, "pdftotext", "-enc", "UTF-8", pdfFile, "-"), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1] // after the last page's form feed
	}
	for i := range pages {
		pages[i] = Squeeze(pages[i])
	}
	return pages
}

// Word is a word on a page and its box, in points from the top left.
type Word struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
}

// Words returns the words of the pages first to last (0 for the end) with
// their boxes (pdftotext -bbox).
func Words(tb testing.TB, pdf []byte, first, last int) [][]Word {
	tb.Helper()
	args := []string{"-bbox", "-enc", "UTF-8", "-f", strconv.Itoa(first)}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	dec := xml.NewDecoder(strings.NewReader(run(tb, pdf, "pdftotext", append(args, pdfFile, "-")...)))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var pages [][]Word
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "page":
			pages = append(pages, nil)
		case "word":
			var w struct {
				Text string  `xml:",chardata"`
				XMin float64 `xml:"xMin,attr"`
				YMin float64 `xml:"yMin,attr"`
				XMax float64 `xml:"xMax,attr"`
				YMax float64 `xml:"yMax,attr"`
			}
			if err := dec.DecodeElement(&w, &start); err != nil || len(pages) == 0 {
				tb.Fatalf("pdftotext -bbox: %v", err)
			}
			pages[len(pages)-1] = append(pages[len(pages)-1], Word{w.Text, w.XMin, w.YMin, w.XMax, w.YMax})
		}
	}
	return pages
}

// Squeeze makes every run of white space one space.
func Squeeze(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// PNG renders one page at 60 dpi into dir as name.png.
func PNG(tb testing.TB, pdf []byte, page int, dir, name string) string {
	tb.Helper()
	p := strconv.Itoa(page)
	base := filepath.Join(dir, name)
	run(tb, pdf, "pdftoppm", "-r", "60", "-f", p, "-l", p, "-png", "-singlefile", pdfFile, base)
	return base + ".png"
}

// pdfFile stands for the PDF's file among a tool's arguments.
const pdfFile = "\x00pdf"

// run runs a poppler tool on the PDF, written to a file since not all of
// them read standard input, and returns what it printed.
func run(tb testing.TB, pdf []byte, tool string, args ...string) string {
	tb.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("no %s on PATH: .ci/run installs poppler-utils", tool)
		}
		tb.Skipf("no %s on PATH (apt-get install poppler-utils)", tool)
	}
	file := filepath.Join(tb.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	args = slices.Clone(args)
	args[slices.Index(args, pdfFile)] = file
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", tool, err, stderr.String())
	}
	if stderr.Len() > 0 {
		// poppler reports damage on stderr and carries on.
		tb.Errorf("%s complains about the PDF: %s", tool, stderr.String())
	}
	return stdout.String()
}
