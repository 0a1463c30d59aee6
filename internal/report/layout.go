package report

import (
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/bpoeval/bpoeval/internal/i18n"
)

// The page, in millimetres: A4 portrait. Text runs between top and bottom;
// the header and footer sit in the margins above and below.
const (
	pageW    = 210.0
	pageH    = 297.0
	marginX  = 20.0
	contentW = pageW - 2*marginX
	top      = 24.0
	bottom   = pageH - 20.0
)

// Type sizes in points.
const (
	sizeBody  = 9.0
	sizeSmall = 7.5
	sizeH1    = 16.0
	sizeH2    = 11.5
	sizeH3    = 9.5
)

// lineHeight is the distance between lines of a size, in millimetres.
func lineHeight(size float64) float64 { return size * 0.46 }

// Colours.
const (
	colorInk    = "#222222"
	colorMuted  = "#666666"
	colorAccent = "#0b5394"
	colorRule   = "#c8ced6"
	colorHead   = "#e8eef5"
	colorZebra  = "#f6f8fa"
	colorAlert  = "#a33a00"
	colorBox    = "#f1f6fb"
)

// doc is a report being laid out: the PDF and the vertical position where
// the next block goes. It breaks pages itself, so that tables can repeat
// their header and headings never end up alone at the foot of a page.
type doc struct {
	pdf  *fpdf.Fpdf
	lang i18n.Lang
	y    float64
	face face
	textBuffers
}

func (d *doc) t(key string, args ...any) string { return i18n.T(d.lang, key, args...) }

func (d *doc) drawColor(hex string) { d.pdf.SetDrawColor(rgb(hex)) }

// rgb reads "#rrggbb".
func rgb(hex string) (int, int, int) {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// newPage starts a page. Headers and footers are drawn once every page is
// there, since they give the number of pages.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.face.set, d.face.fillSet = false, false
	d.y = top
}

// room makes sure h millimetres fit below the cursor, starting a page if not.
func (d *doc) room(h float64) {
	if d.y+h > bottom {
		d.newPage()
	}
}

// paragraph writes wrapped text at the cursor, indented by indent, breaking
// pages between lines as needed.
func (d *doc) paragraph(s string, bold bool, size float64, color string, indent float64) {
	d.font(bold, size)
	d.textColor(color)
	lh := lineHeight(size)
	lines := d.wrap(s, contentW-indent)
	for len(lines) > 0 {
		d.room(lh)
		n := min(len(lines), max(1, int((bottom-d.y)/lh)))
		d.font(bold, size)
		d.lines(marginX+indent, d.y, lh, lines[:n])
		d.y += float64(n) * lh
		lines = lines[n:]
	}
	d.y += lh * 0.4
}

// body writes a paragraph of ordinary text.
func (d *doc) body(s string) { d.paragraph(s, false, sizeBody, colorInk, 0) }

// note writes a paragraph of small, muted text.
func (d *doc) note(s string) { d.paragraph(s, false, sizeSmall, colorMuted, 0) }

// bullets writes a list, each item wrapped under its own bullet.
func (d *doc) bullets(items []string) {
	lh := lineHeight(sizeBody)
	for _, it := range items {
		d.font(false, sizeBody)
		d.textColor(colorInk)
		d.room(lh)
		d.text(marginX+1, d.y, "•")
		d.paragraph(it, false, sizeBody, colorInk, 5)
		d.y -= lh * 0.15
	}
	if len(items) > 0 {
		d.y += lh * 0.3
	}
}

// section starts a top-level part of the report on a new page, with an
// entry in the PDF's outline.
func (d *doc) section(title string) {
	d.newPage()
	d.pdf.Bookmark(title, 0, -1)
	d.heading(title, sizeH1, colorAccent)
	d.y += 1
}

// subsection is a heading within a section, kept with the lines after it.
func (d *doc) subsection(title string) {
	d.y += 2
	d.room(lineHeight(sizeH2)*2 + 12)
	d.heading(title, sizeH2, colorAccent)
}

// minor is a small bold heading, kept with the next lines.
func (d *doc) minor(title string) {
	d.room(lineHeight(sizeH3) + 8)
	d.heading(title, sizeH3, colorInk)
}

func (d *doc) heading(title string, size float64, color string) {
	d.paragraph(title, true, size, color, 0)
}

// column is one column of a table: its title, its share of the content
// width, and whether its cells align right (figures).
type column struct {
	title string
	width float64
	right bool
}

// row is one line of a table. indent shifts the first cell (a tree level);
// strong sets the row in bold; colors overrides the colour of some cells.
type row struct {
	cells  []string
	indent float64
	strong bool
	colors map[int]string
}

// Table cell metrics.
const (
	cellPadX   = 1.5
	cellPadY   = 1.1
	tableSize  = 8.0
	headerSize = 7.5
)

// table writes rows under a header that is repeated at the top of every
// page the table runs onto. Cells wrap; a row never splits across pages.
func (d *doc) table(cols []column, rows []row) {
	widths := make([]float64, len(cols))
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	for i, c := range cols {
		widths[i] = c.width / total * contentW
	}
	d.font(true, headerSize)
	titles := make([][]string, len(cols))
	headerH := 0.0
	for i, c := range cols {
		titles[i] = d.wrap(c.title, widths[i]-2*cellPadX)
		headerH = max(headerH, float64(len(titles[i]))*lineHeight(headerSize)+2*cellPadY)
	}
	header := func() {
		d.fillColor(colorHead)
		d.pdf.Rect(marginX, d.y, contentW, headerH, "F")
		d.font(true, headerSize)
		d.textColor(colorInk)
		x := marginX
		for i := range cols {
			d.cell(x, widths[i], cols[i].right, titles[i], headerSize)
			x += widths[i]
		}
		d.y += headerH
	}
	cells := make([][]string, len(cols))
	lh := lineHeight(tableSize)
	d.room(6 * lh)
	header()
	maxLines := int((bottom - top - 20) / lh)
	for k, r := range rows {
		d.font(r.strong, tableSize)
		n := 1
		for i := range cols {
			cells[i] = nil
			if i >= len(r.cells) {
				continue
			}
			w := widths[i] - 2*cellPadX
			if i == 0 {
				w -= r.indent
			}
			cells[i] = d.wrap(r.cells[i], w)
			if len(cells[i]) > maxLines {
				// Longer than a page: cut, since a row stays on one page.
				cells[i] = append(cells[i][:maxLines-1], d.clip(cells[i][maxLines-1]+" …", w))
			}
			n = max(n, len(cells[i]))
		}
		h := float64(n)*lh + 2*cellPadY
		if d.y+h > bottom {
			d.newPage()
			header()
			d.font(r.strong, tableSize)
		}
		if k%2 == 1 {
			d.fillColor(colorZebra)
			d.pdf.Rect(marginX, d.y, contentW, h, "F")
		}
		d.drawColor(colorRule)
		d.pdf.SetLineWidth(0.15)
		d.pdf.Line(marginX, d.y+h, marginX+contentW, d.y+h)
		x := marginX
		for i := range cols {
			color := colorInk
			if c, ok := r.colors[i]; ok {
				color = c
			}
			d.textColor(color)
			indent := 0.0
			if i == 0 {
				indent = r.indent
			}
			d.cell(x+indent, widths[i]-indent, cols[i].right, cells[i], tableSize)
			x += widths[i]
		}
		d.y += h
	}
	d.y += 3
}

// cell writes a cell's lines in a column at x, w wide, from the cursor down.
func (d *doc) cell(x, w float64, right bool, lines []string, size float64) {
	if len(lines) == 0 {
		return
	}
	y := d.y + cellPadY
	if !right {
		d.lines(x+cellPadX, y, lineHeight(size), lines)
		return
	}
	for j, line := range lines {
		d.text(x+w-cellPadX-d.width(line), y+float64(j)*lineHeight(size), line)
	}
}

// box writes a shaded block: a bold title and paragraphs, kept on one page
// when they fit on one.
func (d *doc) box(title string, paras []string) {
	const pad = 3.0
	w := contentW - 2*pad - 1
	d.font(true, sizeH3)
	titleLines := d.wrap(title, w)
	d.font(false, sizeBody)
	var lines [][]string
	h := float64(len(titleLines))*lineHeight(sizeH3) + 2*pad
	for _, p := range paras {
		l := d.wrap(p, w)
		lines = append(lines, l)
		h += float64(len(l))*lineHeight(sizeBody) + 1.5
	}
	if h > bottom-top {
		// Longer than a page: written as ordinary paragraphs.
		d.heading(title, sizeH3, colorInk)
		for _, p := range paras {
			d.body(p)
		}
		return
	}
	d.room(h)
	d.fillColor(colorBox)
	d.pdf.Rect(marginX, d.y, contentW, h, "F")
	d.fillColor(colorAccent)
	d.pdf.Rect(marginX, d.y, 1.2, h, "F")
	y := d.y + pad
	d.font(true, sizeH3)
	d.textColor(colorInk)
	d.lines(marginX+pad+1, y, lineHeight(sizeH3), titleLines)
	y += float64(len(titleLines)) * lineHeight(sizeH3)
	d.font(false, sizeBody)
	for _, p := range lines {
		y += 1.5
		d.lines(marginX+pad+1, y, lineHeight(sizeBody), p)
		y += float64(len(p)) * lineHeight(sizeBody)
	}
	d.y += h + 4
}

// facts writes label–value pairs, the labels in a column of their own.
func (d *doc) facts(pairs [][2]string) {
	const labelW = 52.0
	lh, lhs := lineHeight(sizeBody), lineHeight(sizeSmall)
	for _, p := range pairs {
		d.font(true, sizeSmall)
		label := d.wrap(p[0], labelW-3)
		d.font(false, sizeBody)
		lines := d.wrap(p[1], contentW-labelW)
		d.room(max(float64(len(label))*lhs, lh))
		page, labelEnd := d.pdf.PageNo(), d.y+float64(len(label))*lhs
		d.font(true, sizeSmall)
		d.textColor(colorMuted)
		d.lines(marginX, d.y+0.4, lhs, label)
		d.font(false, sizeBody)
		d.textColor(colorInk)
		for len(lines) > 0 {
			d.room(lh) // a long value goes on over the page
			n := min(len(lines), max(1, int((bottom-d.y)/lh)))
			d.font(false, sizeBody)
			d.lines(marginX+labelW, d.y, lh, lines[:n])
			d.y += float64(n) * lh
			lines = lines[n:]
		}
		if d.pdf.PageNo() == page {
			d.y = max(d.y, labelEnd)
		}
		d.y += 1.2
	}
	d.y += 2
}
