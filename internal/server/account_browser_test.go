package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserNewAccountChangesItsPassword drives the pages as
// people would: the admin creates an account with a generated password,
// shown once; its owner signs in with it and changes it on their account
// page, which then lists their session.
func TestBrowserNewAccountChangesItsPassword(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	browserSignIn(t, ctx, a.srv.URL, a.admin.Email)
	err := chromedp.Do(ctx,
		chromedp.Click(css("[data-testid=users-link]")),
		chromedp.WaitVisible(css("[data-testid=new-user-form]")),
		chromedp.SendKeys(css("#email"), "noor@example.test"),
		chromedp.SendKeys(css("#name"), "Noor Haddad"),
		chromedp.SetValue(css("#role"), "evaluator"),
		chromedp.Submit(css("#name")),
		chromedp.WaitVisible(css("[data-testid=issued-secret]")),
	)
	if err != nil {
		t.Fatalf("create an account: %v", err)
	}
	issued, err := chromedp.Run(ctx, chromedp.AttributeValue(css("[data-testid=issued-secret]"), "value"))
	if err != nil {
		t.Fatal(err)
	}
	generated := issued.Value
	screenshot(t, ctx, "admin-users")
	if len(generated) < 12 {
		t.Fatalf("generated password %q", generated)
	}

	owner := newBrowser(t)
	err = chromedp.Do(owner,
		chromedp.Navigate(a.srv.URL+"/login"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "noor@example.test"),
		chromedp.SendKeys(css("#password"), generated),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("[data-testid=whoami]")),
		chromedp.Click(css("[data-testid=whoami]")),
		chromedp.WaitVisible(css("[data-testid=password-form]")),
		chromedp.SendKeys(css("#current"), generated),
		chromedp.SendKeys(css("#password"), newPassword),
		chromedp.SendKeys(css("#confirm"), newPassword),
		chromedp.Click(css("[data-testid=change-password]")),
		chromedp.WaitVisible(css("[data-testid=flash]")),
	)
	if err != nil {
		t.Fatalf("change the password: %v", err)
	}
	screenshot(t, owner, "account")
	if got := textOf(t, owner, "[data-testid=session-current]"); got != "This session" {
		t.Errorf("the session list marks %q", got)
	}
}
