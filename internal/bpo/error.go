package bpo

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to one status.
const (
	ECONFLICT     = "conflict"     // a stale edit: someone else saved first (409)
	EFORBIDDEN    = "forbidden"    // signed in, but not allowed (403)
	EINTERNAL     = "internal"     // a fault: logged, shown as "Internal error." (500)
	EINVALID      = "invalid"      // bad input, with per-field messages (422)
	ENOTFOUND     = "not_found"    // no such object, or not visible to the caller (404)
	ETHROTTLED    = "throttled"    // too many attempts (429)
	EUNAUTHORIZED = "unauthorized" // not signed in, or wrong credentials (401)
)

// Message is a user-facing text as an i18n catalog key with its arguments,
// so the domain stays free of any language.
type Message struct {
	Key  string
	Args []any
}

// FieldError is a problem with one form field.
type FieldError struct {
	Field string
	Message
}

// Error is the one error type services return for anything the user can act
// on. Other errors are internal faults.
type Error struct {
	Code    string
	Message Message
	Fields  []FieldError
}

func (e *Error) Error() string {
	if e.Message.Key != "" {
		return fmt.Sprintf("%s: %s", e.Code, e.Message.Key)
	}
	return e.Code
}

// Errorf returns an *Error with code and a message key.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Message: Message{Key: key, Args: args}}
}

// ErrorCode returns the code of an *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of an *Error in err's chain.
func ErrorMessage(err error) Message {
	var e *Error
	if errors.As(err, &e) && e.Message.Key != "" {
		return e.Message
	}
	return Message{Key: "error.internal"}
}

// Problems collects per-field problems while validating a form.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, key string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: Message{Key: key, Args: args}})
}

// Has reports whether field already has a problem.
func (p Problems) Has(field string) bool {
	for _, fe := range p {
		if fe.Field == field {
			return true
		}
	}
	return false
}

// Err returns an EINVALID *Error holding the problems, or nil when there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: Message{Key: "error.invalid"}, Fields: p}
}
