package server_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// TestBrowserContractToWarning runs the life after the award in a browser:
// the award recorded, a contract started from the evaluation's page, two
// periods' figures entered, the standing read, and the vendor's warning
// shown and acknowledged when it is added to a new evaluation.
func TestBrowserContractToWarning(t *testing.T) {
	a := newApp(t)
	ctx0 := a.adminCtx()
	e := a.newEvaluator("browser-contract@eval.test")
	f := a.openEvaluation("Browser contract", 2, e)
	_, err := a.participants.SetStage(ctx0, f.ev.ID, f.vendors[0].ID, 1, bpo.StageShortlisted, "")
	if err == nil {
		f.ev, err = a.evaluations.FindEvaluationByID(ctx0, f.ev.ID)
	}
	if err == nil {
		_, err = a.evaluations.SetEvaluationStatus(ctx0, f.ev.ID, f.ev.Version, bpo.StatusClosed)
	}
	if err != nil {
		t.Fatal(err)
	}
	next, err := a.evaluations.CreateEvaluation(ctx0, func() bpo.EvaluationInput {
		in := bpo.NewEvaluationInput()
		in.Title = "Browser next round"
		return in
	}())
	if err != nil {
		t.Fatal(err)
	}
	a.user("contracts@example.test", bpo.RoleManager)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, "contracts@example.test")
	vendor := f.vendors[0]
	vid := strconv.FormatInt(vendor.ID, 10)

	// The award.
	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+f.path("")),
		chromedp.WaitVisible(css("[data-testid=decision-form]")),
		chromedp.Click(css("[data-testid=decision-form] input[value='"+vid+"']")),
		chromedp.SendKeys(css("#rationale"), "Best value for the helpdesk."),
		chromedp.SendKeys(css("#departure_reason"), "No scorecard was submitted: chosen on the site visit."),
		chromedp.Click(css("[data-testid=decision-review]")),
		chromedp.WaitVisible(css("[data-testid=decision-confirm]")),
		chromedp.Click(css("[data-testid=confirm]")),
		chromedp.WaitVisible(css("[data-testid=start-contract]")),
	)
	if err != nil {
		t.Fatalf("award: %v", err)
	}
	// The contract, started three months ago: two months have ended.
	start := monthsAgo(2)
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=start-contract]")),
		chromedp.WaitVisible(css("[data-testid=contract-form]")),
		chromedp.SetValue(css("#start"), start.Format(time.DateOnly)),
		chromedp.Submit(css("#start")),
		chromedp.WaitVisible(css("[data-testid=contract-vendor]")),
	)
	if err != nil {
		t.Fatalf("start the contract: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=standing]"); got != "No standing yet" {
		t.Errorf("standing before any figures: %q", got)
	}
	contracts := postgres.NewContractService(a.db)
	list, err := contracts.FindContracts(ctx0, bpo.ContractFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("contracts: %v, %v", list, err)
	}
	c := list[0]
	// Two periods, the vendor far off the template's CSAT and QA targets
	// (85 and 90; nothing was measured, so there are no other KPIs): scores
	// (40/85 + 45/90)/2 = 48.5 and (34/85 + 36/90)/2 = 40, a Poor standing.
	for i, figures := range [][]string{{"40", "45"}, {"34", "36"}} {
		period := bpo.PeriodStart(c.Start, c.Length, i).Format(time.DateOnly)
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.srv.URL + "/contracts/" + strconv.FormatInt(c.ID, 10) + "/periods/" + period),
			chromedp.WaitVisible(css("[data-testid=figures-form]")),
		}
		for k, kpi := range c.KPIs {
			id := strconv.FormatInt(kpi.ID, 10)
			actions = append(actions, chromedp.SendKeys(css("#actual_"+id), figures[k]))
		}
		actions = append(actions, chromedp.SendKeys(css("#comment_"+strconv.FormatInt(c.KPIs[0].ID, 10)), "Understaffed"),
			chromedp.Submit(css("#actual_"+strconv.FormatInt(c.KPIs[0].ID, 10))),
			chromedp.WaitVisible(css("[data-testid=contract-vendor]")))
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("figures for period %d: %v", i, err)
		}
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(css("[data-testid=standing]"), "data-band"))
	if band := attr.Value; err != nil || (band != "poor" && band != "very_poor") {
		t.Errorf("standing band %q (%v), want poor or very poor", attr.Value, err)
	}
	if dir := os.Getenv("BPOEVAL_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			_ = os.WriteFile(filepath.Join(dir, "contract.png"), png, 0o644)
		}
	}
	screenshot(t, ctx, "contract")

	// The warning on the next evaluation.
	err = chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/evaluations/"+strconv.FormatInt(next.ID, 10)),
		chromedp.WaitVisible(css("[data-testid=add-vendor]")),
		chromedp.SetValue(css("[data-testid=add-vendor] select[name=vendor]"), vid),
		chromedp.Submit(css("[data-testid=add-vendor] select[name=vendor]")),
		chromedp.WaitVisible(css("[data-testid=warning]")),
	)
	if err != nil {
		t.Fatalf("add the warned vendor: %v", err)
	}
	if got := textOf(t, ctx, "[data-testid=warning]"); !strings.Contains(got, vendor.Name) || !strings.Contains(got, "Poor") {
		t.Errorf("warning %q", got)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=warning-form] input[name=acknowledge]")),
		chromedp.Submit(css("[data-testid=warning-form] input[name=acknowledge]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("acknowledge: %v", err)
	}
	parts, err := a.participants.FindParticipants(ctx0, next.ID)
	if err != nil || len(parts) != 1 || parts[0].VendorID != vendor.ID {
		t.Errorf("participants after the acknowledgement: %v, %v", parts, err)
	}
	events, _, err := postgres.NewAuditService(a.db).FindEvaluationHistory(ctx0, next.ID, bpo.AuditFilter{Entity: bpo.EntityParticipant})
	if err != nil || len(events) != 2 || events[1].Action != bpo.ActionAcknowledgeWarning {
		t.Errorf("history: %+v, %v; want the acknowledgement, then the vendor added", events, err)
	}
}
