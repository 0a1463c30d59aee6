package evalmodel

import (
	"reflect"
	"time"
	"unsafe"
)

// sizeOf estimates the heap bytes v holds: every struct, slice backing
// array (its capacity), string and map reachable from it, each counted
// once however many pointers share it. Maps are counted with the slack of
// Go's tables. The allocator's rounding of each object to its size class
// is not counted: on a large detail the heap it keeps alive is about a
// tenth more than the estimate (see TestSizeOfIsHonest).
func sizeOf(v any) int64 {
	s := sizer{seen: map[uintptr]bool{}}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return 0
	}
	return int64(rv.Type().Size()) + s.deep(rv)
}

type sizer struct {
	seen map[uintptr]bool // addresses already counted
}

var timeType = reflect.TypeFor[time.Time]()

// deep is the bytes v refers to beyond its own inline size.
func (s *sizer) deep(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || !s.first(v.Pointer()) {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + s.deep(e)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		if e.Kind() == reflect.Pointer { // the pointer itself sits in the interface
			return s.deep(e)
		}
		return int64(e.Type().Size()) + s.deep(e)
	case reflect.String:
		if v.Len() == 0 || !s.first(uintptr(unsafe.Pointer(unsafe.StringData(v.String())))) {
			return 0
		}
		return int64(v.Len())
	case reflect.Slice:
		if v.IsNil() || v.Cap() == 0 || !s.first(v.Pointer()) {
			return 0
		}
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		for i := range v.Len() {
			n += s.deep(v.Index(i))
		}
		return n
	case reflect.Array:
		var n int64
		for i := range v.Len() {
			n += s.deep(v.Index(i))
		}
		return n
	case reflect.Struct:
		if v.Type() == timeType { // its location is shared by every time
			return 0
		}
		var n int64
		for i := range v.NumField() {
			n += s.deep(v.Field(i))
		}
		return n
	case reflect.Map:
		if v.IsNil() || !s.first(v.Pointer()) {
			return 0
		}
		t := v.Type()
		slot := int64(t.Key().Size()+t.Elem().Size()) + 1 // a control byte per slot
		// Tables are kept at most 7/8 full; 48 bytes of map header.
		n := 48 + int64(v.Len())*slot*8/7
		it := v.MapRange()
		for it.Next() {
			n += s.deep(it.Key()) + s.deep(it.Value())
		}
		return n
	default: // numbers, booleans; functions and channels are not followed
		return 0
	}
}

// first reports whether p is met for the first time.
func (s *sizer) first(p uintptr) bool {
	if s.seen[p] {
		return false
	}
	s.seen[p] = true
	return true
}
