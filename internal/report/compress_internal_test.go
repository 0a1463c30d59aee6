package report

import (
	"bytes"
	"testing"
)

// TestCompressStreamsRefusesWhatFpdfDidNotWrite: a document without the
// cross-reference table fpdf writes is an error, and nothing is written.
func TestCompressStreamsRefusesWhatFpdfDidNotWrite(t *testing.T) {
	for _, pdf := range []string{
		"",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000099999 00000 n \ntrailer\n<<>>\nstartxref\n30\n%%EOF\n",
	} {
		var out bytes.Buffer
		if err := compressStreams(&out, []byte(pdf)); err == nil || out.Len() > 0 {
			t.Errorf("%q: %v, %d bytes written", pdf, err, out.Len())
		}
	}
}
