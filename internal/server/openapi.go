package server

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI 3.1 description of the /api/v1 routes. It is kept
// by hand beside the handlers; a test walks the router and fails when a
// route of /api/v1 has no entry, and another lints it with a validator.
//
//go:embed openapi.json
var OpenAPI []byte

// showOpenAPI serves the description to everyone: it holds no data.
func (s *Server) showOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(OpenAPI)
}
