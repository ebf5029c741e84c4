// Package api is the self-service REST API of `execassist serve`: Webex-shaped
// resources for executives' and assistants' own settings, live calls and call actions,
// an event stream for the console, per-user sign-in, SPEC 4's permissions, and an audit
// log. It sits above app (live calls) and store (settings); cmd wires it in.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/execassist/execassist/api/page"
	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/rs/zerolog"
)

// Options configure a Server.
type Options struct {
	App   *app.App
	Store *store.Store
	Log   zerolog.Logger
	Clock clock.Clock
	// SessionTTL is how long a sign-in lasts without use (default 8 h).
	SessionTTL time.Duration
	// Secure marks the session cookie Secure (serve sets it when it serves TLS).
	Secure bool
	// Event streams (/v1/events) open at once: per sign-in (default 4), per user
	// (default 8) and in all (default 256).
	StreamsPerSession, StreamsPerUser, Streams int
	// Hash hashes a secret an admin sets (default secret.Hash, argon2id; tests and the
	// demo pass a cheaper one).
	Hash func(string) (string, error)
}

// Server serves /v1/. Sessions are kept in the store (under the hash of their token),
// so a restart of serve signs nobody out.
type Server struct {
	hash    func(string) (string, error)
	app     *app.App
	store   *store.Store
	log     zerolog.Logger
	clock   clock.Clock
	auth    *authenticator
	streams *streamCaps
	mux     *http.ServeMux
}

// maxBody bounds a request body: the largest real one (a pool of 25, a filter list) is
// a few kilobytes.
const maxBody = 64 << 10

// New builds the API.
func New(o Options) *Server {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 8 * time.Hour
	}
	for _, d := range []struct {
		v   *int
		def int
	}{{&o.StreamsPerSession, 4}, {&o.StreamsPerUser, 8}, {&o.Streams, 256}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if o.Hash == nil {
		o.Hash = secret.Hash
	}
	s := &Server{hash: o.Hash, app: o.App, store: o.Store, log: o.Log, clock: o.Clock,
		auth:    newAuthenticator(o.Log, o.Store, o.Clock, o.SessionTTL, o.Secure),
		streams: newStreamCaps(o.StreamsPerSession, o.StreamsPerUser, o.Streams), mux: http.NewServeMux()}
	for _, rt := range routes() {
		s.mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	pg := page.Handler() // the page people use, on the same origin as the API
	s.mux.Handle("GET /{$}", pg)
	s.mux.Handle("GET /page/{file}", pg)
	s.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such resource: "+r.URL.Path, "")
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

// request is what a handler gets: who asked, the path's {id} resolved, the body.
type request struct {
	*http.Request
	who    Principal
	sess   *session // nil on public routes
	viaCSR bool     // cookie-authenticated (the page)
}

// handlerFunc answers one route; an apiError (or any error) becomes the JSON error.
type handlerFunc func(s *Server, w http.ResponseWriter, r *request) error

// route is one entry of the API: the mux pattern, what the OpenAPI document says of it,
// and who may call it (public routes need no sign-in).
type route struct {
	method, pattern string
	summary         string
	public          bool
	body, resp      any // example values: their types make the OpenAPI schemas
	handle          handlerFunc
}

func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		req := &request{Request: r}
		if !rt.public {
			sess, viaCookie, err := s.auth.authenticate(r)
			if err != nil {
				writeErr(w, err)
				return
			}
			if viaCookie && r.Method != http.MethodGet && r.Method != http.MethodHead {
				if err := s.auth.checkCSRF(r); err != nil {
					writeErr(w, err)
					return
				}
			}
			req.who, req.sess, req.viaCSR = sess.who, sess, viaCookie
		}
		if err := rt.handle(s, w, req); err != nil {
			s.logFailure(r, err)
			writeErr(w, err)
		}
	})
}

// logFailure says in the serve log why a request failed on our side (the client's own
// mistakes, apiError and validation, are its to read in the answer).
func (s *Server) logFailure(r *http.Request, err error) {
	var ae *apiError
	var ce config.Errors
	if errors.As(err, &ae) || errors.As(err, &ce) {
		return
	}
	ev := s.log.Error()
	if errors.Is(err, store.ErrUnavailable) {
		ev = s.log.Warn()
	}
	ev.Err(err).Str("method", r.Method).Str("path", r.URL.Path).Msg("request failed")
}

// apiError is an error the client can act on: an HTTP status, a code, a message and
// the field it concerns.
type apiError struct {
	status  int
	code    string
	message string
	field   string
	header  http.Header
	// permission: the assistant permission withheld (a 403 says which).
	permission config.Permission
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, code, field, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, field: field, message: fmt.Sprintf(format, args...)}
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Field   string   `json:"field,omitempty"`
	Details []string `json:"details,omitempty"`
	// Permission is the assistant permission the executive withheld, when a 403 is for
	// that: receive_filtered_calls, place_calls, change_settings, pick_up_held_calls,
	// join_calls.
	Permission config.Permission `json:"permission,omitempty"`
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, errorBody{errorDetail{Code: code, Message: msg, Field: field}})
}

// writeErr turns any error into a JSON answer: validation problems (config.Errors) are
// 400 with every problem and the first field; unknown errors are 500 without detail.
func writeErr(w http.ResponseWriter, err error) {
	var ae *apiError
	var ce config.Errors
	switch {
	case errors.As(err, &ae):
		for k, v := range ae.header {
			w.Header()[k] = v
		}
		writeJSON(w, ae.status, errorBody{errorDetail{Code: ae.code, Message: ae.message, Field: ae.field, Permission: ae.permission}})
	case errors.As(err, &ce):
		d := errorDetail{Code: "invalid", Message: "the change is not valid"}
		for i, e := range ce {
			if i == 0 {
				d.Field = jsonField(e.Path)
				d.Message = e.Msg
			}
			d.Details = append(d.Details, jsonField(e.Path)+": "+e.Msg)
		}
		writeJSON(w, http.StatusBadRequest, errorBody{d})
	case errors.Is(err, store.ErrDamaged):
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusServiceUnavailable, "store_damaged",
			"the store file is damaged, so nothing was changed; calls go on with the last settings. An administrator must run `execassist store check` (and `execassist store restore`)", "")
	case errors.Is(err, syscall.ENOSPC):
		writeError(w, http.StatusInsufficientStorage, "disk_full", "the disk that holds the store is full, so nothing was changed", "")
	case errors.Is(err, store.ErrUnavailable):
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, "store_unavailable",
			"the shared settings store (etcd) cannot be reached, so nothing was changed; calls go on with the last settings. Try again in a moment", "")
	default:
		writeError(w, http.StatusInternalServerError, "internal", "internal error; see the serve log", "")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body strictly: one object; unknown fields, fields in the wrong
// case, duplicate fields, wrong types, trailing data, invalid UTF-8 and an oversized
// body are 4xx with the field named (encoding/json would take "Enabled" for "enabled"
// and the last of two "enabled"; a client must not be able to smuggle a value past a
// proxy or a log that reads the first).
func decode(r *request, into any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "", "send application/json")
	}
	raw, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return errorf(http.StatusRequestEntityTooLarge, "too_large", "", "the body is larger than %d bytes", maxBody)
	case err != nil:
		return errorf(http.StatusBadRequest, "malformed", "", "the body could not be read")
	}
	switch body := bytes.TrimLeft(raw, " \t\r\n"); {
	case len(body) == 0:
		return errorf(http.StatusBadRequest, "malformed", "", "a JSON body is required")
	case body[0] != '{':
		return errorf(http.StatusBadRequest, "malformed", "", "the body must be one JSON object ({...})")
	}
	err = jsonv2.Unmarshal(raw, into, jsonv2.RejectUnknownMembers(true))
	if err == nil {
		return nil
	}
	var se *jsonv2.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.Is(err, jsontext.ErrDuplicateName):
		f := ""
		if errors.As(err, &syn) {
			f = pointerField(syn.JSONPointer)
		}
		return errorf(http.StatusBadRequest, "duplicate_field", f, "field %q is given twice", f)
	case errors.As(err, &se) && errors.Is(se.Err, jsonv2.ErrUnknownName):
		f := pointerField(se.JSONPointer)
		return errorf(http.StatusBadRequest, "unknown_field", f, "unknown field %q (field names are case-sensitive)", f)
	case errors.As(err, &se) && se.GoType != nil:
		f := pointerField(se.JSONPointer)
		return errorf(http.StatusBadRequest, "wrong_type", f, "%s must be %s", f, jsonKind(se.GoType.Kind().String()))
	case errors.As(err, &syn):
		return errorf(http.StatusBadRequest, "malformed", "", "malformed JSON at byte %d", syn.ByteOffset)
	}
	return errorf(http.StatusBadRequest, "malformed", "", "malformed JSON")
}

// pointerField names a JSON Pointer (/criteria/0/filterName) as the API's fields do
// (criteria[0].filterName).
func pointerField(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func jsonKind(k string) string {
	switch k {
	case "bool":
		return "true or false"
	case "int", "int64", "uint", "uint64":
		return "a whole number"
	case "string":
		return "a string"
	case "slice":
		return "a list"
	}
	return "a " + k
}

// yamlToJSON names the validator's YAML paths (users[0].executive.alerting.mode) by the
// API's field names, so an error points at the field the client sent.
var yamlToJSON = []struct{ suffix, field string }{
	{"].name", "filterName"}, // filtering.filters[1].name: a criterion's fields
	{"].when", "scheduleName"},
	{"].holidays", "holidayScheduleName"},
	{"].calls_from.numbers", "phoneNumbers"},
	{"].calls_from.lists", "numberLists"},
	{"].calls_to", "callsToNumbers"},
	{"].action", "filterEnabled"},
	{"alerting.mode", "alertingMode"},
	{"alerting.rings_per_assistant", "nextAssistantNumberOfRings"},
	{"alerting.rollover.to", "rolloverForwardToPhoneNumber"},
	{"divert.to", "forwardToPhoneNumber"},
	{"alerting.rollover.after", "rolloverWaitTimeInSecs"},
	{"alerting.rollover.action", "rolloverAction"},
	{"alerting.rollover", "rolloverAction"},
	{"caller_id.custom_name", "customCLIDName"},
	{"caller_id.custom_number", "customCLIDPhoneNumber"},
	{"caller_id.name", "clidNameMode"},
	{"caller_id.number", "clidPhoneNumberMode"},
	{"executive.assistants", "assistantIds"},
	{"screening.locations", "alertLocations"},
	{"screening.alert", "alertType"},
	{"filtering.mode", "filterType"},
	{"filtering.filters", "criteria"},
	{"alerting.executive_for", "executiveFirstInSecs"},
	{"alerting.executive", "executiveAlerting"},
	{"executive.lists", "lists"},
	{"executive.bypass", "lists"},
	{"assistant_permissions", "assistants"},
	{"availability_actions", "forwardToPhoneNumber"}, // the API checks the rest of an action itself
}

func jsonField(path string) string {
	p := path
	if i := strings.IndexByte(p, '['); i >= 0 { // users[0].executive.assistants[2]
		if j := strings.IndexByte(p[i:], '.'); j >= 0 {
			p = p[i+j+1:]
		}
	}
	for _, m := range yamlToJSON {
		if strings.Contains(p, m.suffix) {
			return m.field
		}
	}
	return path
}
