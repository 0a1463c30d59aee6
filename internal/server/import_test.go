package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// upload posts file as the import form does.
func (c *client) upload(path, name, contentType string, data []byte) *response {
	c.a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", contentType)
	part, _ := w.CreatePart(h)
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func (a *app) vendorCount() int {
	a.t.Helper()
	var n int
	if err := a.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM vendors`).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// TestVendorImport: upload, a preview of every row with its problems in
// place, nothing saved before the confirmation, then one transaction that
// creates, updates or skips as chosen; names match whatever their case and
// accents.
func TestVendorImport(t *testing.T) {
	a := newApp(t)
	acme := a.vendor(bpo.VendorInput{Name: "Acmé BPO", Country: "FR"})
	a.vendor(bpo.VendorInput{Name: "Beta Services", Country: "FR"})
	mgr := a.signIn("importer@app.test", bpo.RoleManager)
	csv := "\ufeffname,country,contact_email,headcount,languages\r\n" +
		"Nouvelle Société,MA,contact@nouvelle.test,120,\"fr, en\"\r\n" +
		"  ACME bpo ,PT,,300,\r\n" +
		"beta SERVICES,ES,,,\r\n" +
		"Broken Ltd,ZZ,not-an-address,many,\r\n"
	before := a.vendorCount()
	res := mgr.upload("/vendors/import", "vendors.csv", "text/csv", []byte(csv))
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/vendors/import/") {
		t.Fatalf("upload: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	preview := res.Header.Get("Location")
	if a.vendorCount() != before {
		t.Fatal("the upload saved vendors before the confirmation")
	}
	d := mgr.get(preview).doc(t)
	rows := d.Find(`[data-testid="import-row"]`)
	if rows.Length() != 4 {
		t.Fatalf("%d rows in the preview", rows.Length())
	}
	broken := d.Find(`[data-line="5"] [data-testid="cell-problem"]`)
	if broken.Length() != 3 || d.Find(`[data-line="5"] [data-testid="row-refused"]`).Length() != 1 {
		t.Errorf("row 5 shows %d problems: %s", broken.Length(), broken.Text())
	}
	if d.Find(`[data-line="2"] [data-testid="row-new"]`).Length() != 1 || d.Find(`[data-testid="row-choice"]`).Length() != 2 {
		t.Errorf("new and matched rows:\n%s", rows.Text())
	}
	if other := a.signIn("other-manager@app.test", bpo.RoleManager); other.get(preview).StatusCode != http.StatusNotFound {
		t.Error("another manager reads the upload")
	}
	res = mgr.post(preview, url.Values{"update_3": {"update"}, "update_4": {"skip"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, res.body)
	}
	if n := a.vendorCount(); n != before+1 {
		t.Errorf("%d vendors after the import, want %d", n, before+1)
	}
	ctx := a.adminCtx()
	if v, err := a.vendors.FindVendorByID(ctx, acme.ID); err != nil || v.Country != "PT" || v.Name != "ACME bpo" {
		t.Errorf("Acmé after the update: %+v %v", v, err)
	}
	list, _, err := a.vendors.FindVendors(ctx, bpo.VendorFilter{Query: "Beta", Limit: 10})
	if err != nil || len(list) != 1 || list[0].Country != "FR" {
		t.Errorf("Beta was not skipped: %+v %v", list, err)
	}
	if res := mgr.post(preview, url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("a confirmed upload confirmed again: %d", res.StatusCode)
	}
}

// TestVendorImportStale: a matched vendor edited between the preview and
// the confirmation stops the whole import.
func TestVendorImportStale(t *testing.T) {
	a := newApp(t)
	v := a.vendor(bpo.VendorInput{Name: "Gamma", Country: "FR"})
	mgr := a.signIn("stale@app.test", bpo.RoleManager)
	res := mgr.upload("/vendors/import", "v.csv", "text/csv", []byte("name,country\nGamma,PT\nDelta,PT\n"))
	preview := res.Header.Get("Location")
	if _, err := a.vendors.UpdateVendor(a.adminCtx(), v.ID, v.Version, bpo.VendorInput{Name: "Gamma", Country: "ES"}); err != nil {
		t.Fatal(err)
	}
	before := a.vendorCount()
	if res := mgr.post(preview, url.Values{"update_2": {"update"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("stale confirmation: %d", res.StatusCode)
	}
	if a.vendorCount() != before {
		t.Error("a refused import saved some rows")
	}
}

// hostileFiles are the uploads the import refuses, with what each gets.
func hostileFiles(t *testing.T) []struct {
	name, file, contentType string
	data                    []byte
	status                  int
	want                    string
} {
	zipOf := func(parts map[string][]byte) []byte {
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		for name, data := range parts {
			f, _ := w.Create(name)
			_, _ = f.Write(data)
		}
		_ = w.Close()
		return b.Bytes()
	}
	book := func(edit func(f *excelize.File)) []byte {
		f := excelize.NewFile()
		_ = f.SetCellValue("Sheet1", "A1", "name")
		_ = f.SetCellValue("Sheet1", "B1", "country")
		_ = f.SetCellValue("Sheet1", "A2", "Acme")
		_ = f.SetCellValue("Sheet1", "B2", "FR")
		edit(f)
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	good := book(func(*excelize.File) {})
	var withMacro bytes.Buffer
	{
		zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
		w := zip.NewWriter(&withMacro)
		for _, f := range zr.File {
			r, _ := f.Open()
			dst, _ := w.Create(f.Name)
			_, _ = io.Copy(dst, r)
		}
		dst, _ := w.Create("xl/vbaProject.bin")
		_, _ = dst.Write([]byte("Attribute VB_Name = \"Module1\""))
		_ = w.Close()
	}
	huge := strings.Repeat("<si><t>abcdefghij</t></si>", 5<<20/26)
	rows := "name,country\n" + strings.Repeat("Acme,FR\n", 1001)
	return []struct {
		name, file, contentType string
		data                    []byte
		status                  int
		want                    string
	}{
		{"zip bomb", "bomb.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			zipOf(map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "xl/worksheets/sheet1.xml": make([]byte, 50<<20)}), 422, "unpacks to far more"},
		{"huge shared strings", "strings.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			zipOf(map[string][]byte{"xl/sharedStrings.xml": []byte("<sst>" + huge + "</sst>")}), 422, "unpacks to far more"},
		{"formula", "formula.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			book(func(f *excelize.File) { _ = f.SetCellFormula("Sheet1", "C2", "HYPERLINK(\"http://evil.example\")") }), 422, "Cell C2 holds a formula"},
		{"macros by name", "book.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", good, 415, "Workbooks with macros"},
		{"macros inside an .xlsx", "book.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", withMacro.Bytes(), 415, "Workbooks with macros"},
		{"wrong MIME type", "book.xlsx", "image/png", good, 415, "is not a spreadsheet"},
		{"wrong extension", "book.pdf", "application/pdf", good, 415, "Only .xlsx workbooks and .csv"},
		{"not a workbook", "fake.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []byte("name,country\nAcme,FR\n"), 422, "not a readable Excel workbook"},
		{"CSV not UTF-8", "latin1.csv", "text/csv", []byte("name,country\nSoci\xe9t\xe9,FR\n"), 422, "not a UTF-8 CSV"},
		{"too many rows", "rows.csv", "text/csv", []byte(rows), 422, "more than 1000 rows"},
		{"too many columns", "cols.csv", "text/csv", []byte("name" + strings.Repeat(",x", 25) + "\nAcme\n"), 422, "more than 20 columns"},
		{"no header", "noheader.csv", "text/csv", []byte("Acme,FR\nBeta,FR\n"), 422, "must name the columns"},
		{"over the body limit", "big.csv", "text/csv", []byte("name\n" + strings.Repeat("a", 2<<20)), 413, ""},
	}
}

// uploadHostileFiles uploads each hostile file to path, checks the answer
// and its message, and returns how many uploads are pending after them.
// Those named in skip are left out.
func uploadHostileFiles(t *testing.T, a *app, c *client, path string, skip ...string) (pending int) {
	t.Helper()
	for _, tc := range hostileFiles(t) {
		if slices.Contains(skip, tc.name) {
			continue
		}
		res := c.upload(path, tc.file, tc.contentType, tc.data)
		msg := strings.TrimSpace(res.doc(t).Find(`[data-testid="import-error"]`).Text())
		t.Logf("%-24s %7d bytes → %d %s", tc.name, len(tc.data), res.StatusCode, msg)
		if res.StatusCode != tc.status || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, res.StatusCode, msg, tc.status, tc.want)
		}
	}
	if err := a.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pending_imports`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	return pending
}

// TestVendorImportRefusesHostileFiles: each hostile upload gets a 4xx
// with a clear message, and nothing is stored, not even a pending upload.
func TestVendorImportRefusesHostileFiles(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("hostile@app.test", bpo.RoleManager)
	before := a.vendorCount()
	pending := uploadHostileFiles(t, a, mgr, "/vendors/import")
	if a.vendorCount() != before || pending != 0 {
		t.Errorf("refused uploads stored %d vendors, %d pending uploads", a.vendorCount()-before, pending)
	}
	if res := mgr.get("/vendors/import/template.xlsx"); res.StatusCode != http.StatusOK {
		t.Errorf("template: %d", res.StatusCode)
	} else if res := mgr.upload("/vendors/import", "template.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []byte(res.body)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the template itself is refused: %d %s", res.StatusCode, res.body)
	}
}
