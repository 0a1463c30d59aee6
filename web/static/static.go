// Package static embeds the stylesheets, scripts and images of the web
// interface and serves them under content-hashed URLs, so browsers may cache
// them for a year and still never run stale code after an upgrade.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed css/*.css js/*.js img
var files embed.FS

// Prefix is where the assets are served.
const Prefix = "/static/"

var (
	hashedOf = map[string]string{} // "css/app.css" → "css/app.3f2a9c1b.css"
	plainOf  = map[string]string{} // the reverse
)

func init() {
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		hashedOf[name], plainOf[hashed] = hashed, name
		return nil
	})
	if err != nil {
		panic(err)
	}
}

// URL returns the content-hashed URL of an embedded asset, e.g.
// URL("css/app.css") = "/static/css/app.3f2a9c1b.css". It panics on an
// unknown name: that is a programming error caught by any page test.
func URL(name string) string {
	h, ok := hashedOf[name]
	if !ok {
		panic("static: no asset " + name)
	}
	return Prefix + h
}

// Handler serves the assets by their hashed names with a long cache lifetime.
// Unhashed or unknown names are not found.
func Handler() http.Handler {
	fileServer := http.FileServerFS(files)
	return http.StripPrefix(Prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain, ok := plainOf[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r2 := r.Clone(r.Context())
		r2.URL.Path = plain
		fileServer.ServeHTTP(w, r2)
	}))
}
