package loadgen

import "testing"

func TestSavedVersion(t *testing.T) {
	for _, c := range []struct {
		body string
		want int
		ok   bool
	}{
		{`<input type="hidden" name="version" value="12" data-testid="version">`, 12, true},
		// The scorecard's version comes out of band after the form: the
		// rating's is the one marked for the tests.
		{`<input name="version" value="3" data-hx-swap-oob="true"><input name="version" value="41" data-testid="version">`, 41, true},
		{`<input name="version" value="3" data-hx-swap-oob="true">`, 0, false},
		{`<input name="version" value="x" data-testid="version">`, 0, false},
		{`name="version" value="7`, 0, false},
		{``, 0, false},
	} {
		if got, ok := savedVersion([]byte(c.body)); got != c.want || ok != c.ok {
			t.Errorf("savedVersion(%q) = %d, %v; want %d, %v", c.body, got, ok, c.want, c.ok)
		}
	}
}
