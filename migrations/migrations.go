// Package migrations embeds the SQL schema migrations applied by golang-migrate.
package migrations

import "embed"

// FS holds the NNNNNN_name.up.sql / .down.sql files.
//
//go:embed *.sql
var FS embed.FS
