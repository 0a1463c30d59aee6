// Package components holds the templ components shared by every page: the
// layout, navigation, form fields, badges and progress bars.
package components

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

type ctxKey int

const langKey ctxKey = iota

// WithLang returns ctx carrying the language pages render in.
func WithLang(ctx context.Context, lang i18n.Lang) context.Context {
	return context.WithValue(ctx, langKey, lang)
}

// Lang returns the page language carried by ctx, English by default.
func Lang(ctx context.Context) i18n.Lang {
	if l, ok := ctx.Value(langKey).(i18n.Lang); ok {
		return l
	}
	return i18n.EN
}

// T translates key into the page language.
func T(ctx context.Context, key string, args ...any) string {
	return i18n.T(Lang(ctx), key, args...)
}

// N translates a count-dependent message into the page language.
func N(ctx context.Context, key string, n int, args ...any) string {
	return i18n.N(Lang(ctx), key, n, args...)
}

// Msg translates a domain message into the page language.
func Msg(ctx context.Context, m bpo.Message) string {
	return i18n.T(Lang(ctx), m.Key, m.Args...)
}

// CurrentUser returns the signed-in user, or nil.
func CurrentUser(ctx context.Context) *bpo.User { return bpo.UserFromContext(ctx) }

// Page is what the layout needs besides the page body.
type Page struct {
	Title string // already translated
	Nav   string // which top-level section is current: "dashboard", "vendors", …
	Flash string // a one-time notice, translated, or ""
	// Address is the page's own address, when it answers at the step's
	// address a refused step that kept no typed input (opening scoring
	// without vendors, a stale deletion…): forms.js puts it in the address
	// bar, so that a refresh shows the page again instead of sending the
	// step once more. Form re-renders leave it empty: their refresh
	// re-sends what was typed, which writes nothing more than the refusal
	// did and keeps the input.
	Address templ.SafeURL
}

// addressAttrs marks the main element with the page's own address, if any.
func (p Page) addressAttrs() templ.Attributes {
	if p.Address == "" {
		return nil
	}
	return templ.Attributes{"data-address": string(p.Address)}
}

// Rendered is markup rendered earlier, by a component of this package's
// pages, written as it is: never text from elsewhere, which must go through
// templ's escaping.
func Rendered(markup []byte) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := w.Write(markup)
		return err
	})
}
