package scoring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// maxDepth bounds the nesting of criteria, so that a hostile input cannot
// exhaust the stack; real trees are two or three levels deep.
const maxDepth = 32

// Decode reads a model from its JSON form, strictly: unknown fields, keys in
// the wrong case, duplicate object keys, values of the wrong type, numbers too
// large for a float64, invalid UTF-8 and anything after the model are refused.
// It returns an *InputError naming every such problem by its path, or a plain
// error when r fails. It checks the form only: Evaluate (or Validate) checks
// the rules.
func Decode(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if !utf8.Valid(data) {
		return nil, &InputError{Problems: []Problem{{Message: "the input is not valid UTF-8"}}}
	}
	d := &decoder{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	m := d.model()
	if !d.broken {
		end := d.dec.InputOffset()
		if _, err := d.dec.Token(); err != io.EOF {
			rest := d.data[end:]
			start := end + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
			d.ps.add("", "unexpected data after the model at %s", d.position(start))
		}
	}
	if err := d.ps.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// decoder walks the JSON tokens along the model's schema. Walking tokens,
// rather than unmarshalling into structs, is what lets it see duplicate keys,
// match field names exactly, and name the path of every problem.
type decoder struct {
	data []byte
	dec  *json.Decoder
	ps   problems
	// broken is set on a syntax error: nothing after it can be read.
	broken bool
	// lastString: the last value str read was a string.
	lastString bool
}

// next reads a token; path is the value being read, for the message.
func (d *decoder) next(path string) (json.Token, bool) {
	if d.broken {
		return nil, false
	}
	t, err := d.dec.Token()
	if err == nil {
		return t, true
	}
	d.broken = true
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF) && len(bytes.TrimSpace(d.data)) == 0:
		d.ps.add("", "the input is empty; expected a JSON object")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		d.ps.add(path, "the input ends before the model is complete")
	case errors.As(err, &syn):
		d.ps.add(path, "invalid JSON at %s: %s", d.position(syn.Offset), syn.Error())
	default:
		d.ps.add(path, "invalid JSON: %s", err)
	}
	return nil, false
}

// position turns a byte offset into "line L, column C".
func (d *decoder) position(offset int64) string {
	before := d.data[:min(max(offset, 0), int64(len(d.data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

// skip consumes the rest of a value whose first token was t.
func (d *decoder) skip(t json.Token, path string) {
	if t != json.Delim('{') && t != json.Delim('[') {
		return
	}
	for depth := 1; depth > 0; {
		t, ok := d.next(path)
		if !ok {
			return
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// wrongType reports a value of the wrong type and consumes it.
func (d *decoder) wrongType(t json.Token, path, want string) {
	d.ps.add(path, "expected %s, got %s", want, describe(t))
	d.skip(t, path)
}

func describe(t json.Token) string {
	switch v := t.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return "the number " + v.String()
	case string:
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return "the string " + strconv.Quote(v)
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	}
	return fmt.Sprint(t)
}

// object reads an object, calling member with each key and its path; member
// must consume the value. It returns the keys seen, or nil when the value was
// null (allowed when nullable) or not an object.
func (d *decoder) object(path string, nullable bool, member func(key, path string)) map[string]bool {
	t, ok := d.next(path)
	if !ok {
		return nil
	}
	if t == nil && nullable {
		return nil
	}
	if t != json.Delim('{') {
		d.wrongType(t, path, "an object")
		return nil
	}
	seen := make(map[string]bool)
	for {
		t, ok := d.next(path)
		if !ok {
			return seen
		}
		key, isKey := t.(string)
		if !isKey { // the closing brace: Token checks the syntax
			return seen
		}
		p := field(path, key)
		if seen[key] {
			d.ps.add(p, "duplicate key %q", key)
			d.skipValue(p)
			continue
		}
		seen[key] = true
		member(key, p)
	}
}

// array reads an array, calling elem with each index and path; elem must
// consume the value. null is allowed and reads as no elements.
func (d *decoder) array(path string, elem func(i int, path string)) {
	t, ok := d.next(path)
	if !ok || t == nil {
		return
	}
	if t != json.Delim('[') {
		d.wrongType(t, path, "an array")
		return
	}
	for i := 0; !d.broken && d.dec.More(); i++ {
		elem(i, index(path, i))
	}
	d.next(path) // the closing bracket
}

func (d *decoder) skipValue(path string) {
	if t, ok := d.next(path); ok {
		d.skip(t, path)
	}
}

// unknown refuses a member the schema does not have.
func (d *decoder) unknown(path string) {
	d.ps.add(path, "unknown field")
	d.skipValue(path)
}

// number reads a number; null is refused.
func (d *decoder) number(path string) float64 {
	v := d.optNumber(path, false)
	if v == nil {
		return 0
	}
	return *v
}

// optNumber reads a number, or null (as nil) when nullable.
func (d *decoder) optNumber(path string, nullable bool) *float64 {
	t, ok := d.next(path)
	if !ok || (t == nil && nullable) {
		return nil
	}
	n, isNum := t.(json.Number)
	if !isNum {
		d.wrongType(t, path, "a number")
		return nil
	}
	v, err := strconv.ParseFloat(n.String(), 64)
	if err != nil {
		d.ps.add(path, "%s is out of range", n)
		return nil
	}
	return &v
}

// str reads a string, or null (as "") when nullable; lastString tells an
// empty string from null and from a value of another type.
func (d *decoder) str(path string, nullable bool) string {
	t, ok := d.next(path)
	_, d.lastString = t.(string)
	if !ok || (t == nil && nullable) {
		return ""
	}
	s, isStr := t.(string)
	if !isStr {
		d.wrongType(t, path, "a string")
	}
	return s
}

// require reports the members of an object that must be present.
func (d *decoder) require(seen map[string]bool, path string, keys ...string) {
	if seen == nil || d.broken {
		return // not an object, or not all read: already reported
	}
	for _, k := range keys {
		if !seen[k] {
			d.ps.add(field(path, k), "is required")
		}
	}
}

func (d *decoder) model() *Model {
	m := &Model{}
	seen := d.object("", false, func(key, path string) {
		switch key {
		case "scale":
			m.Scale = d.scale(path)
		case "criteria":
			m.Criteria = d.criteria(path, 1)
		case "vendors":
			d.array(path, func(i int, path string) {
				m.Vendors = append(m.Vendors, d.vendor(path))
			})
		case "options":
			m.Options = d.options(path)
		default:
			d.unknown(path)
		}
	})
	d.require(seen, "", "criteria")
	return m
}

func (d *decoder) scale(path string) *Scale {
	var s Scale
	seen := d.object(path, true, func(key, path string) {
		switch key {
		case "min":
			s.Min = d.number(path)
		case "max":
			s.Max = d.number(path)
		default:
			d.unknown(path)
		}
	})
	if seen == nil {
		return nil
	}
	d.require(seen, path, "min", "max")
	return &s
}

func (d *decoder) criteria(path string, depth int) []Criterion {
	if depth > maxDepth {
		d.ps.add(path, "criteria are nested more than %d levels deep", maxDepth)
		d.skipValue(path)
		return nil
	}
	var cs []Criterion
	d.array(path, func(i int, path string) {
		cs = append(cs, d.criterion(path, depth))
	})
	return cs
}

func (d *decoder) criterion(path string, depth int) Criterion {
	var c Criterion
	seen := d.object(path, false, func(key, path string) {
		switch key {
		case "key":
			c.Key = d.str(path, false)
		case "name":
			c.Name = d.str(path, true)
		case "weight":
			c.Weight = d.number(path)
		case "min_rating":
			c.MinRating = d.optNumber(path, true)
		case "metric":
			c.Metric = d.metric(path)
		case "children":
			c.Children = d.criteria(path, depth+1)
		default:
			d.unknown(path)
		}
	})
	d.require(seen, path, "key", "weight")
	return c
}

func (d *decoder) metric(path string) *Metric {
	var mt Metric
	seen := d.object(path, true, func(key, path string) {
		switch key {
		case "unit":
			mt.Unit = d.str(path, true)
		case "better":
			mt.Better = Direction(d.str(path, false))
		case "best":
			mt.Best = d.optNumber(path, true)
		case "worst":
			mt.Worst = d.optNumber(path, true)
		case "limit":
			mt.Limit = d.optNumber(path, true)
		default:
			d.unknown(path)
		}
	})
	if seen == nil {
		return nil
	}
	d.require(seen, path, "better")
	return &mt
}

func (d *decoder) vendor(path string) Vendor {
	var v Vendor
	seen := d.object(path, false, func(key, path string) {
		switch key {
		case "key":
			v.Key = d.str(path, false)
		case "name":
			v.Name = d.str(path, true)
		case "ratings":
			d.object(path, true, func(evaluator, path string) {
				rs := d.numbers(path)
				if v.Ratings == nil {
					v.Ratings = make(map[string]map[string]float64)
				}
				v.Ratings[evaluator] = rs
			})
		case "metrics":
			v.Metrics = d.numbers(path)
		case "consensus":
			v.Consensus = d.consensus(path)
		default:
			d.unknown(path)
		}
	})
	d.require(seen, path, "key")
	return v
}

// numbers reads an object of numbers; null reads as nil.
func (d *decoder) numbers(path string) map[string]float64 {
	out := make(map[string]float64)
	if d.object(path, true, func(key, path string) { out[key] = d.number(path) }) == nil {
		return nil
	}
	return out
}

func (d *decoder) options(path string) Options {
	var o Options
	d.object(path, true, func(key, path string) {
		switch key {
		case "aggregation":
			o.Aggregation = Aggregation(d.str(path, true))
		case "award_threshold":
			o.AwardThreshold = d.optNumber(path, true)
		case "close_call_margin":
			o.CloseCallMargin = d.optNumber(path, true)
		case "cost_criterion":
			if o.CostCriterion = d.str(path, true); o.CostCriterion == "" && d.lastString {
				d.ps.add(path, "must name a criterion; leave it out, or null, for none")
			}
		case "robustness":
			o.Robustness = d.robustness(path)
		default:
			d.unknown(path)
		}
	})
	return o
}
