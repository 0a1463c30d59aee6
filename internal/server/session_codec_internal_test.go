package server

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 12, 3, 17, 4, 5, 123456789, time.UTC)
	for _, values := range []map[string]any{
		{},
		{"user_id": int64(42), "lang": "fr", "flash": "scorecard.submitted_all"},
		{"user_id": int64(-1 << 62), "next": strings.Repeat("é/", 300), "": ""},
	} {
		b, err := sessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		got, gotValues, err := sessionCodec{}.Decode(b)
		if err != nil {
			t.Fatalf("%v: %v", values, err)
		}
		if !got.Equal(deadline) || !reflect.DeepEqual(gotValues, values) {
			t.Errorf("decoded %v %v, want %v %v", got, gotValues, deadline, values)
		}
	}
}

// Sessions written by gob, before this codec, still sign their user in.
func TestSessionCodecReadsGobSessions(t *testing.T) {
	deadline := time.Now().Add(time.Hour).Round(0)
	values := map[string]any{"user_id": int64(7), "lang": "en"}
	b, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	got, gotValues, err := sessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(deadline) || !reflect.DeepEqual(gotValues, values) {
		t.Errorf("decoded %v %v, want %v %v", got, gotValues, deadline, values)
	}
}

func TestSessionCodecRefusesOtherTypes(t *testing.T) {
	if _, err := (sessionCodec{}).Encode(time.Now(), map[string]any{"count": 3}); err == nil {
		t.Error("an int was encoded: it would come back as something GetInt64 does not read")
	}
}

// Every truncation and every one-byte change of a session's data decodes
// to an error or to some session, never to a panic.
func TestSessionCodecMalformed(t *testing.T) {
	b, err := sessionCodec{}.Encode(time.Now(), map[string]any{"user_id": int64(300), "lang": "fr"})
	if err != nil {
		t.Fatal(err)
	}
	for n := len(sessionMagic); n < len(b); n++ {
		if _, _, err := (sessionCodec{}).Decode(b[:n]); err == nil {
			t.Errorf("the first %d of %d bytes decoded", n, len(b))
		}
	}
	if _, _, err := (sessionCodec{}).Decode(append(b, 0)); err == nil {
		t.Error("a trailing byte was ignored")
	}
	for i := len(sessionMagic); i < len(b); i++ {
		for _, c := range []byte{0, 0x7f, 0xff} {
			changed := append([]byte(nil), b...)
			changed[i] = c
			_, _, _ = sessionCodec{}.Decode(changed)
		}
	}
}
