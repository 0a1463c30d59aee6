package password_test

import (
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/password"
)

func TestHashAndCheck(t *testing.T) {
	h := password.Hash("correct horse battery", password.Default)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=7168,t=5,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	if ok, err := password.Check("correct horse battery", h); err != nil || !ok {
		t.Errorf("right password refused: %v %v", ok, err)
	}
	if ok, err := password.Check("correct horse batterY", h); err != nil || ok {
		t.Errorf("wrong password accepted: %v %v", ok, err)
	}
	if h2 := password.Hash("correct horse battery", password.Default); h2 == h {
		t.Error("two hashes of one password share a salt")
	}
}

func TestCheckMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=1,t=1,p=1$!!$aGFzaA"} {
		if _, err := password.Check("pw", h); err == nil {
			t.Errorf("Check accepted malformed hash %q", h)
		}
	}
}

func TestGenerate(t *testing.T) {
	a, b := password.Generate(), password.Generate()
	if len(a) != 20 || a == b {
		t.Errorf("Generate() = %q, %q", a, b)
	}
}
