// Package pages holds every page of the application: a typed view model
// shaped like the screen, and the templ component that renders it.
//
// # One translation rule
//
// A view model carries text already translated for the reader (names,
// messages, refusals, notices, formatted numbers and dates) and codes
// (a status, a stage, a kind, a state) that the page uses to style and to
// phrase. A view-model string never holds a catalog key.
//
// Pages call the catalog (components.T) only with keys they spell out
// themselves: their own fixed wording, or a fixed prefix joined to a code
// of the view model, as in components.T(ctx, "status."+v.Status). Anything
// the server decides to say (a refusal, a notice, a recommendation's
// reasons) is translated in internal/server before it reaches the page.
package pages
