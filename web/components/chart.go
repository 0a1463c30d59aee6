package components

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/bpoeval/bpoeval/internal/chart"
)

// Chart embeds a drawing as inline SVG: `@components.Chart(d)`. A nil
// drawing renders nothing.
func Chart(d *chart.Drawing) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		if d == nil {
			return nil
		}
		return d.WriteSVG(w)
	})
}
