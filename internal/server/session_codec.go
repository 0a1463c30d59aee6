package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes session data in a small binary form of its own:
// every request decodes its session, and gob, scs's default, builds a new
// decoder with its type descriptions each time, which cost about a tenth of
// an autosave's server time. A session holds only strings and int64s (the
// user id); Encode refuses anything else, so a new kind of value is noticed
// by the tests, not lost.
//
// The form: sessionMagic, the deadline in Unix nanoseconds, the number of
// values, then each value as its key, a type byte and the value; strings
// and keys are length-prefixed, numbers are varints. Data that does not
// start with sessionMagic is a session written before this codec, by gob:
// it is still read, and rewritten in this form at its next change.
type sessionCodec struct{}

const sessionMagic = "\x00bpo1"

const (
	sessionString byte = 's'
	sessionInt64  byte = 'i'
)

var errSessionData = errors.New("session data: malformed")

// Encode implements scs.Codec.
func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, sessionMagic...)
	var nanos int64 // a zero deadline (never set by scs) stays zero
	if !deadline.IsZero() {
		nanos = deadline.UnixNano()
	}
	b = binary.AppendVarint(b, nanos)
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendSessionString(b, k)
		switch v := v.(type) {
		case string:
			b = appendSessionString(append(b, sessionString), v)
		case int64:
			b = binary.AppendVarint(append(b, sessionInt64), v)
		default:
			return nil, fmt.Errorf("session value %q: a %T cannot be stored; use a string or an int64", k, v)
		}
	}
	return b, nil
}

// Decode implements scs.Codec.
func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) < len(sessionMagic) || string(b[:len(sessionMagic)]) != sessionMagic {
		return scs.GobCodec{}.Decode(b)
	}
	d := sessionDecoder{b: b[len(sessionMagic):]}
	var deadline time.Time
	if nanos := d.varint(); nanos != 0 {
		deadline = time.Unix(0, nanos)
	}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) { // every value takes at least a byte
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := d.string()
		switch d.byte() {
		case sessionString:
			values[k] = d.string()
		case sessionInt64:
			values[k] = d.varint()
		default:
			d.err = errSessionData
		}
		if d.err != nil {
			return time.Time{}, nil, d.err
		}
	}
	if len(d.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

func appendSessionString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// sessionDecoder reads sessionCodec's form; its first problem sticks in err
// and makes every later read return a zero value.
type sessionDecoder struct {
	b   []byte
	err error
}

func (d *sessionDecoder) fail() {
	d.err, d.b = errSessionData, nil
}

// varint reads what binary.AppendVarint wrote: a zig-zag uvarint.
func (d *sessionDecoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *sessionDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionDecoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *sessionDecoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
