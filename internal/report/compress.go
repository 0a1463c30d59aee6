package report

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
)

// fpdf writes the pages uncompressed (see newReport) and compressStreams
// deflates them afterwards: fpdf's own compression builds a new zlib writer
// of about 1 MB for every page, which made a report of two hundred pages
// several times slower to write and left a quarter of a gigabyte of
// garbage. A large report shrinks from 2.4 MB to 0.7 MB.

// output writes the finished document to w, its pages compressed.
func (d *doc) output(w io.Writer) error {
	c := &compressingWriter{w: w}
	if err := d.pdf.Output(c); err != nil {
		return err
	}
	return c.flush()
}

// compressingWriter is where fpdf writes the finished document: in one piece
// (from its buffer, by bytes.Buffer.WriteTo), which compressStreams then
// reads in place instead of from a copy. Should fpdf write it in several,
// they are gathered first.
type compressingWriter struct {
	w       io.Writer
	pending []byte
	done    bool
}

func (c *compressingWriter) Write(p []byte) (int, error) {
	if c.done {
		return 0, errors.New("write after the end of the PDF")
	}
	if len(c.pending) == 0 && bytes.HasSuffix(p, []byte("%%EOF\n")) {
		c.done = true
		return len(p), compressStreams(c.w, p)
	}
	c.pending = append(c.pending, p...)
	return len(p), nil
}

// flush compresses the document if it came in several pieces.
func (c *compressingWriter) flush() error {
	if c.done {
		return nil
	}
	c.done = true
	return compressStreams(c.w, c.pending)
}

// plainStream is how fpdf begins an object that is an unfiltered stream:
// "<n> 0 obj\n<</Length <bytes>>>\nstream\n".
var (
	plainStreamDict = []byte(" 0 obj\n<</Length ")
	streamStart     = []byte(">>\nstream\n")
	streamEnd       = []byte("\nendstream\nendobj\n")
)

// compressStreams writes to w the PDF fpdf produced in pdf, with every
// unfiltered stream deflated and the cross-reference table rewritten for
// the new offsets. Objects in any other form are copied as they are.
func compressStreams(w io.Writer, pdf []byte) error {
	offsets, xref, err := crossReferences(pdf)
	if err != nil {
		return err
	}
	// fpdf writes the pages before objects 1 and 2, which list them: in the
	// file, objects follow each other in the order of their offsets.
	order := make([]int, len(offsets))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return offsets[a] - offsets[b] })
	contents := make([][]byte, len(offsets))
	for k, i := range order {
		contents[i], _ = plainStream(pdf[offsets[i]:objectEnd(offsets, order, k, xref)])
	}
	deflated, err := deflateAll(contents)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.Grow(len(pdf) / 4)
	out.Write(pdf[:offsets[order[0]]])
	newOffsets := make([]int, len(offsets))
	for k, i := range order {
		newOffsets[i] = out.Len()
		if deflated[i] == nil {
			out.Write(pdf[offsets[i]:objectEnd(offsets, order, k, xref)])
			continue
		}
		fmt.Fprintf(&out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", i+1, len(deflated[i]))
		out.Write(deflated[i])
		out.Write(streamEnd)
	}
	newXref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range newOffsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	trailer := pdf[xref:]
	t := bytes.Index(trailer, []byte("trailer\n"))
	s := bytes.LastIndex(trailer, []byte("startxref\n"))
	if t < 0 || s < t {
		return errors.New("the PDF has no trailer")
	}
	out.Write(trailer[t:s])
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", newXref)
	_, err = w.Write(out.Bytes())
	return err
}

// objectEnd is where the k-th object of the file ends: where the next one
// starts, or the cross-reference table after the last.
func objectEnd(offsets, order []int, k, xref int) int {
	if k+1 < len(order) {
		return offsets[order[k+1]]
	}
	return xref
}

// deflateAll compresses each non-nil content, on every core at once: the
// pages are independent, and compressing them is a quarter of the time a
// large report takes to write. The result is nil where the content is.
func deflateAll(contents [][]byte) ([][]byte, error) {
	out := make([][]byte, len(contents))
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(contents)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(contents) {
					return
				}
				if contents[i] == nil {
					continue
				}
				var err error
				if out[i], err = deflate(contents[i]); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, fmt.Errorf("compressing a stream: %w", err))
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return out, firstErr
}

// deflate returns content as the zlib stream /FlateDecode reads (RFC 1950):
// a two-byte header (deflate, 32 KB window, fastest), the deflated data,
// and the Adler-32 checksum of content. klauspost's stateless deflate needs
// no compressor to set up or keep, and on streams the size of a page is
// almost twice as fast as its fastest level, whose Huffman tables are most
// of the cost there.
func deflate(content []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(content) / 3)
	b.Write([]byte{0x78, 0x01})
	if err := flate.StatelessDeflate(&b, content, true, nil); err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint32(b.Bytes(), adler32.Checksum(content)), nil
}

// plainStream returns the content of obj when it is an unfiltered stream
// as fpdf writes them: a dictionary with nothing but its length.
func plainStream(obj []byte) ([]byte, bool) {
	i := bytes.Index(obj, plainStreamDict)
	if i < 0 || bytes.IndexByte(obj[:i], '\n') >= 0 {
		return nil, false
	}
	rest := obj[i+len(plainStreamDict):]
	j := bytes.Index(rest, streamStart)
	if j < 0 {
		return nil, false
	}
	n, err := strconv.Atoi(string(rest[:j]))
	rest = rest[j+len(streamStart):]
	if err != nil || n < 0 || n != len(rest)-len(streamEnd) || !bytes.HasSuffix(rest, streamEnd) {
		return nil, false
	}
	return rest[:n], true
}

// crossReferences reads the offsets of objects 1…n, and of the
// cross-reference table itself, from the end of a PDF fpdf wrote: one table,
// for objects 1…n, all of them in use.
func crossReferences(pdf []byte) (offsets []int, xref int, err error) {
	bad := errors.New("the PDF's cross-reference table is not as fpdf writes it")
	s := bytes.LastIndex(pdf, []byte("startxref\n"))
	if s < 0 {
		return nil, 0, bad
	}
	rest := pdf[s+len("startxref\n"):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return nil, 0, bad
	}
	if xref, err = strconv.Atoi(string(rest[:nl])); err != nil || xref <= 0 || xref >= s {
		return nil, 0, bad
	}
	table := pdf[xref:s]
	var count int
	if _, err := fmt.Sscanf(string(table[:min(len(table), 32)]), "xref\n0 %d\n", &count); err != nil || count < 2 {
		return nil, 0, bad
	}
	head := len(fmt.Sprintf("xref\n0 %d\n", count))
	const entry = len("0000000000 65535 f \n")
	if len(table) < head+count*entry {
		return nil, 0, bad
	}
	offsets = make([]int, count-1)
	for k := range offsets {
		e := table[head+(k+1)*entry:][:entry]
		o, err := strconv.Atoi(string(e[:10]))
		if err != nil || o <= 0 || o >= xref {
			return nil, 0, bad
		}
		offsets[k] = o
	}
	return offsets, xref, nil
}
