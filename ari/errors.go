package ari

import (
	"errors"
	"fmt"
)

// Sentinel errors to test with errors.Is; an *Error matches the one of its status class.
var (
	// ErrNotFound (404, and 400 "Channel not found" on bridge calls): the resource is gone.
	ErrNotFound = errors.New("ari: not found")
	// ErrConflict (409): not in Stasis, cannot be dialled, uncontrolled device.
	ErrConflict = errors.New("ari: conflict")
	// ErrUnprocessable (422): e.g. channel not in Stasis / not in this bridge.
	ErrUnprocessable = errors.New("ari: unprocessable")
	// ErrServer (5xx): e.g. 500 "Allocation failed" for an unreachable phone.
	ErrServer = errors.New("ari: server error")
	// ErrUnauthorized (401): the ari.conf user or password is wrong.
	ErrUnauthorized = errors.New("ari: authentication failed")
)

// Error is a failed REST call. It names the operation and resource path, never the
// credentials or the full URL.
type Error struct {
	Op      string // "POST /channels/{id}/dial"
	Path    string // the request path below /ari, with IDs
	Status  int
	Message string // Asterisk's "message" or "error" text
}

// Error names the operation, path, status and Asterisk's message; never credentials.
func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("ari %s %s: status %d", e.Op, e.Path, e.Status)
	}
	return fmt.Sprintf("ari %s %s: %d %s", e.Op, e.Path, e.Status, e.Message)
}

// Is maps status codes onto the sentinels.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == 404 || (e.Status == 400 && e.Message == "Channel not found")
	case ErrConflict:
		return e.Status == 409
	case ErrUnprocessable:
		return e.Status == 422
	case ErrServer:
		return e.Status >= 500
	case ErrUnauthorized:
		return e.Status == 401
	}
	return false
}

// IsGone reports whether err means the channel or bridge has left the app (hung up, or
// no longer in Stasis): the races ARI-NOTES warns about, to be treated as "gone", not
// as failures.
func IsGone(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrUnprocessable)
}
