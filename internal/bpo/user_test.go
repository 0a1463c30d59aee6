package bpo_test

import (
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestPasswordLength holds passwords to 12 characters, counted as people
// count them (runes, not bytes), so that six accented letters do not pass
// for twelve.
func TestPasswordLength(t *testing.T) {
	for name, tc := range map[string]struct {
		password string
		ok       bool
	}{
		"Empty":              {"", false},
		"Eleven":             {strings.Repeat("a", 11), false},
		"Twelve":             {strings.Repeat("a", 12), true},
		"SixTwoByteLetters":  {strings.Repeat("é", 6), false},
		"TwelveAccented":     {strings.Repeat("é", 12), true},
		"ElevenAndAnInvalid": {strings.Repeat("a", 10) + "\xff", false},
	} {
		t.Run(name, func(t *testing.T) {
			n := bpo.NewUser{Email: "ana@example.test", Name: "Ana", Role: bpo.RoleManager, Password: tc.password}
			err := n.Validate()
			var short bool
			if e, ok := err.(*bpo.Error); ok {
				for _, fe := range e.Fields {
					short = short || fe.Field == "password"
				}
			}
			if short == tc.ok {
				t.Errorf("Validate(%q) = %v, want accepted %v", tc.password, err, tc.ok)
			}
		})
	}
}
