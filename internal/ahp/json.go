package ahp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxInput bounds what Decode reads: 15 items have 105 pairs, so even a
// large group's judgments fit in far less.
const maxInput = 8 << 20

// Decode reads an input from its JSON form,
// {"items": [...], "judgments": [{"a": …, "b": …, "value": …, "by": …}]},
// strictly: unknown fields, missing a, b or value, values of the wrong type,
// numbers too large for a float64, invalid UTF-8 and anything after the
// object are refused with an *InputError naming the judgment. It checks the
// form only; Compute checks the rules.
func Decode(r io.Reader) (Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return Input{}, fmt.Errorf("read judgments: %w", err)
	}
	fail := func(path, format string, args ...any) (Input, error) {
		return Input{}, &InputError{Problems: []Problem{{Path: path, Message: fmt.Sprintf(format, args...)}}}
	}
	if len(data) > maxInput {
		return fail("input", "larger than %d bytes", maxInput)
	}
	if !utf8.Valid(data) {
		return fail("input", "not valid UTF-8")
	}
	var top map[string]json.RawMessage
	if err := strictUnmarshal(data, &top); err != nil || top == nil {
		return fail("input", "expected a JSON object with items and judgments (%s)", describe(err))
	}
	var unknown []string
	for k := range top {
		if k != "items" && k != "judgments" {
			unknown = append(unknown, quote(k))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fail("input", "unknown field %s: only \"items\" and \"judgments\" are read", strings.Join(unknown, ", "))
	}
	var in Input
	if raw, ok := top["items"]; !ok || string(raw) == "null" {
		return fail("items", "missing: list the items to compare")
	} else if err := json.Unmarshal(raw, &in.Items); err != nil {
		return fail("items", "must be a list of item names")
	}
	var raws []json.RawMessage
	if raw, ok := top["judgments"]; ok {
		if err := json.Unmarshal(raw, &raws); err != nil {
			return fail("judgments", "must be a list of judgments")
		}
	}
	in.Judgments = make([]Judgment, len(raws))
	var ps problems
	for i, raw := range raws {
		j, msg := decodeJudgment(raw)
		in.Judgments[i] = j
		switch {
		case msg == "":
		case j.A == "" && j.B == "":
			ps.add(at(judgmentPath(i)), "%s", msg)
		default:
			ps.add(judgmentRef{i, j}, "%s", msg)
		}
	}
	return in, ps.err()
}

// decodeJudgment reads one judgment, or says what is wrong with it.
func decodeJudgment(raw json.RawMessage) (Judgment, string) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return Judgment{}, "must be an object with \"a\", \"b\" and \"value\""
	}
	var j Judgment
	str := func(key string, dst *string) string {
		v, ok := fields[key]
		if !ok {
			return ""
		}
		if err := json.Unmarshal(v, dst); err != nil || !bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) {
			return fmt.Sprintf("%q must be a string", key)
		}
		return ""
	}
	for _, key := range []string{"a", "b"} {
		dst := &j.A
		if key == "b" {
			dst = &j.B
		}
		if msg := str(key, dst); msg != "" {
			return Judgment{}, msg
		}
	}
	_, okA := fields["a"]
	_, okB := fields["b"]
	if !okA || !okB {
		return Judgment{}, "needs both \"a\" and \"b\""
	}
	var unknown []string
	for k := range fields {
		if k != "a" && k != "b" && k != "value" && k != "by" {
			unknown = append(unknown, quote(k))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return j, "unknown field " + strings.Join(unknown, ", ") + `: a judgment has "a", "b", "value" and "by"`
	}
	v, ok := fields["value"]
	if !ok {
		return j, "needs a \"value\""
	}
	var num json.Number
	if err := json.Unmarshal(v, &num); err != nil || bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) {
		return j, "\"value\" must be a number"
	}
	f, err := strconv.ParseFloat(num.String(), 64)
	if err != nil {
		f = math.Inf(1) // beyond float64: Compute names it as not finite
		if strings.HasPrefix(num.String(), "-") {
			f = math.Inf(-1)
		}
	}
	j.Value = f
	if _, named := fields["by"]; named {
		if msg := str("by", &j.By); msg != "" {
			return j, msg
		}
		if j.By == "" {
			return j, "\"by\" is empty: name who judged, or leave it out"
		}
	}
	return j, ""
}

// strictUnmarshal decodes one JSON value and refuses anything after it.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

// describe turns a decoding error into words for the user.
func describe(err error) string {
	var syn *json.SyntaxError
	switch {
	case err == nil:
		return "got null"
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.Is(err, io.EOF):
		return "the input is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early"
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return "got a JSON " + typ.Value
	}
	return err.Error()
}

// MarshalJSON writes the result as DESIGN.md specifies: weights, lambda_max,
// ci, cr, consistent, completed (keyed "a|b" with a before b in the items,
// the value being how much more important a is than b) and method, with
// people when the judgments name who judged. Objects keep the order of the
// items, of the pairs and of the people's first judgments.
func (r *Result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"weights":{`)
	for i, it := range r.Items {
		member(&b, i, it, r.Weights[i])
	}
	fmt.Fprintf(&b, `},"lambda_max":%s,"ci":%s,"cr":%s,"consistent":%t,"completed":{`,
		jsonNum(r.LambdaMax), jsonNum(r.CI), jsonNum(r.CR), r.Consistent)
	for i, p := range r.Completed {
		member(&b, i, p.A+"|"+p.B, p.Value)
	}
	b.WriteString(`},"method":"` + Method + `"`)
	if len(r.People) > 0 {
		b.WriteString(`,"people":{`)
		for i, p := range r.People {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(jsonString(p.Name))
			fmt.Fprintf(&b, `:{"cr":%s,"consistent":%t}`, jsonNum(p.CR), p.Consistent)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func member(b *bytes.Buffer, i int, key string, v float64) {
	if i > 0 {
		b.WriteByte(',')
	}
	b.Write(jsonString(key))
	b.WriteByte(':')
	b.WriteString(jsonNum(v))
}

func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimRight(b.Bytes(), "\n")
}

// jsonNum formats v as encoding/json does: the shortest representation that
// reads back as the same float64.
func jsonNum(v float64) string {
	out, _ := json.Marshal(v) // finite by construction
	return string(out)
}
