package ari

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ChannelCreateRequest is POST /channels/create: the way to make a leg that enters
// Stasis at once, so its variables and connected line can be set before dial.
type ChannelCreateRequest struct {
	Endpoint       string
	App            string // defaults to the client's application
	AppArgs        string
	ChannelID      string // our own id, so StasisStart can be matched before the response
	OtherChannelID string
	Originator     string // links the leg to the caller (linkedid, CDRs)
	Formats        string
	// Variables are set at create time: CONNECTEDLINE(name), PJSIP_HEADER(add,Alert-Info)...
	Variables map[string]string
}

// OriginateRequest is POST /channels: a channel that enters Stasis only on answer.
type OriginateRequest struct {
	Endpoint       string
	App            string
	AppArgs        string
	Extension      string
	Context        string
	Priority       int64
	Label          string
	CallerID       string
	Timeout        int // seconds
	ChannelID      string
	OtherChannelID string
	Originator     string
	Variables      map[string]string
}

// ContinueTarget is where continueInDialplan sends a channel. Empty fields mean "the
// next priority", as in Asterisk.
type ContinueTarget struct {
	Context   string
	Extension string
	Priority  int
	Label     string
}

// Channel is the channels resource, after CyCoreSystems' ari.Channel.
type Channel interface {
	// Get returns a handle without asking Asterisk: the channel may be gone already.
	Get(key *Key) *ChannelHandle
	// List is GET /channels: every channel of the PBX, ours or not (resync uses it to
	// find callers left in Stasis).
	List(ctx context.Context) ([]ChannelData, error)
	// Data is GET /channels/{id}: ErrNotFound once the channel has hung up, which is how
	// a session learns what happened while the events socket was down.
	Data(ctx context.Context, key *Key) (*ChannelData, error)
	// Create is POST /channels/create: a leg that enters Stasis at once, unrung, so its
	// variables are set before Dial.
	Create(ctx context.Context, req ChannelCreateRequest) (*ChannelHandle, error)
	// Originate is POST /channels: a channel rung at once that enters Stasis (or the
	// dialplan) only when answered.
	Originate(ctx context.Context, req OriginateRequest) (*ChannelHandle, error)
	// Dial rings a created channel; caller (optional) is the caller's channel id, a
	// timeout of 0 means none.
	Dial(ctx context.Context, key *Key, caller string, timeout time.Duration) error
	// Answer answers a channel in Stasis (the caller, before it is bridged).
	Answer(ctx context.Context, key *Key) error
	// Ring sends ringback to an unanswered caller while its legs ring.
	Ring(ctx context.Context, key *Key) error
	// StopRing stops the ringback Ring started.
	StopRing(ctx context.Context, key *Key) error
	// Hangup ends the channel; reason is one of ARI's (normal, busy, answered_elsewhere...).
	Hangup(ctx context.Context, key *Key, reason string) error
	// Continue takes the channel out of Stasis into the dialplan: empty target fields
	// mean the next priority. This is how a caller fails open.
	Continue(ctx context.Context, key *Key, to ContinueTarget) error
	// Redirect sends an unanswered channel to another endpoint (SIP 302 on PJSIP).
	Redirect(ctx context.Context, key *Key, endpoint string) error
	// Hold tells the channel's far end that it is held (Asterisk's hold indication).
	Hold(ctx context.Context, key *Key) error
	// StopHold ends Hold.
	StopHold(ctx context.Context, key *Key) error
	// MOH plays music on hold of class ("" = the channel's default) to the channel.
	MOH(ctx context.Context, key *Key, class string) error
	// StopMOH stops MOH.
	StopMOH(ctx context.Context, key *Key) error
	// Play plays media (sound:, tone:, digits: URIs, in order) to the channel; the
	// returned playback's PlaybackFinished says when it is over. playbackID may be "".
	Play(ctx context.Context, key *Key, playbackID string, media ...string) (*PlaybackHandle, error)
	// Record records the channel's audio into a stored recording named r.Name:
	// RecordingStarted at once, RecordingFinished when it ends (at MaxDuration, after
	// MaxSilence, or when the channel hangs up: the file is kept; delete it).
	Record(ctx context.Context, key *Key, r RecordRequest) (*LiveRecordingData, error)
	// GetVariable reads a channel variable or function (EXECASSIST_ORIGIN when ari.conf
	// has no channelvars).
	GetVariable(ctx context.Context, key *Key, name string) (string, error)
	// SetVariable sets a channel variable or function.
	SetVariable(ctx context.Context, key *Key, name, value string) error
}

type channels struct{ c *RESTClient }

func chPath(key *Key, suffix string) string { return "/channels/" + esc(key.ID) + suffix }

func (s channels) Get(key *Key) *ChannelHandle { return &ChannelHandle{key: key, c: s} }

func (s channels) List(ctx context.Context) ([]ChannelData, error) {
	var out []ChannelData
	err := s.c.do(ctx, request{method: "GET", op: "/channels", path: "/channels"}, &out)
	return out, err
}

func (s channels) Data(ctx context.Context, key *Key) (*ChannelData, error) {
	var out ChannelData
	if err := s.c.do(ctx, request{method: "GET", op: "/channels/{id}", path: chPath(key, "")}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func varsBody(v map[string]string) any {
	if len(v) == 0 {
		return nil
	}
	return map[string]any{"variables": v}
}

func (s channels) Create(ctx context.Context, req ChannelCreateRequest) (*ChannelHandle, error) {
	q := url.Values{}
	q.Set("endpoint", req.Endpoint)
	app := req.App
	if app == "" {
		app = s.c.app
	}
	q.Set("app", app)
	setIf(q, "appArgs", req.AppArgs)
	setIf(q, "channelId", req.ChannelID)
	setIf(q, "otherChannelId", req.OtherChannelID)
	setIf(q, "originator", req.Originator)
	setIf(q, "formats", req.Formats)
	var out ChannelData
	if err := s.c.do(ctx, request{method: "POST", op: "/channels/create", path: "/channels/create", query: q, body: varsBody(req.Variables)}, &out); err != nil {
		return nil, err
	}
	return &ChannelHandle{key: out.Key(), c: s, data: &out}, nil
}

func (s channels) Originate(ctx context.Context, req OriginateRequest) (*ChannelHandle, error) {
	q := url.Values{}
	q.Set("endpoint", req.Endpoint)
	setIf(q, "app", req.App)
	if req.App == "" && req.Extension == "" {
		q.Set("app", s.c.app)
	}
	setIf(q, "appArgs", req.AppArgs)
	setIf(q, "extension", req.Extension)
	setIf(q, "context", req.Context)
	if req.Priority != 0 {
		q.Set("priority", strconv.FormatInt(req.Priority, 10))
	}
	setIf(q, "label", req.Label)
	setIf(q, "callerId", req.CallerID)
	if req.Timeout != 0 {
		q.Set("timeout", strconv.Itoa(req.Timeout))
	}
	setIf(q, "channelId", req.ChannelID)
	setIf(q, "otherChannelId", req.OtherChannelID)
	setIf(q, "originator", req.Originator)
	var out ChannelData
	if err := s.c.do(ctx, request{method: "POST", op: "/channels", path: "/channels", query: q, body: varsBody(req.Variables)}, &out); err != nil {
		return nil, err
	}
	return &ChannelHandle{key: out.Key(), c: s, data: &out}, nil
}

func (s channels) post(ctx context.Context, key *Key, suffix string, q url.Values) error {
	return s.c.do(ctx, request{method: "POST", op: "/channels/{id}" + suffix, path: chPath(key, suffix), query: q}, nil)
}

func (s channels) del(ctx context.Context, key *Key, suffix string, q url.Values) error {
	return s.c.do(ctx, request{method: "DELETE", op: "/channels/{id}" + suffix, path: chPath(key, suffix), query: q}, nil)
}

func (s channels) Dial(ctx context.Context, key *Key, caller string, timeout time.Duration) error {
	q := url.Values{}
	setIf(q, "caller", caller)
	if timeout > 0 {
		secs := int((timeout + time.Second - 1) / time.Second)
		q.Set("timeout", strconv.Itoa(secs))
	}
	return s.post(ctx, key, "/dial", q)
}

func (s channels) Answer(ctx context.Context, key *Key) error {
	return s.post(ctx, key, "/answer", nil)
}
func (s channels) Ring(ctx context.Context, key *Key) error     { return s.post(ctx, key, "/ring", nil) }
func (s channels) StopRing(ctx context.Context, key *Key) error { return s.del(ctx, key, "/ring", nil) }
func (s channels) Hold(ctx context.Context, key *Key) error     { return s.post(ctx, key, "/hold", nil) }
func (s channels) StopHold(ctx context.Context, key *Key) error { return s.del(ctx, key, "/hold", nil) }
func (s channels) StopMOH(ctx context.Context, key *Key) error  { return s.del(ctx, key, "/moh", nil) }

func (s channels) MOH(ctx context.Context, key *Key, class string) error {
	q := url.Values{}
	setIf(q, "mohClass", class)
	return s.post(ctx, key, "/moh", q)
}

func (s channels) Hangup(ctx context.Context, key *Key, reason string) error {
	q := url.Values{}
	setIf(q, "reason", reason)
	return s.del(ctx, key, "", q)
}

func (s channels) Continue(ctx context.Context, key *Key, to ContinueTarget) error {
	q := url.Values{}
	setIf(q, "context", to.Context)
	setIf(q, "extension", to.Extension)
	if to.Priority != 0 {
		q.Set("priority", strconv.Itoa(to.Priority))
	}
	setIf(q, "label", to.Label)
	return s.post(ctx, key, "/continue", q)
}

func (s channels) Redirect(ctx context.Context, key *Key, endpoint string) error {
	return s.post(ctx, key, "/redirect", url.Values{"endpoint": {endpoint}})
}

func (s channels) Play(ctx context.Context, key *Key, playbackID string, media ...string) (*PlaybackHandle, error) {
	q := url.Values{"media": {strings.Join(media, ",")}}
	suffix := "/play"
	if playbackID != "" {
		suffix += "/" + esc(playbackID)
	}
	var out PlaybackData
	err := s.c.do(ctx, request{method: "POST", op: "/channels/{id}/play", path: chPath(key, suffix), query: q}, &out)
	if err != nil {
		return nil, err
	}
	return &PlaybackHandle{key: NewKey(PlaybackKey, out.ID), c: playbacks(s), data: &out}, nil
}

// RecordRequest is POST /channels/{id}/record.
type RecordRequest struct {
	Name, Format           string
	MaxDuration, MaxSilent int // seconds; 0: none
	Beep                   bool
	IfExists               string // fail, overwrite, append
}

func (s channels) Record(ctx context.Context, key *Key, r RecordRequest) (*LiveRecordingData, error) {
	q := url.Values{"name": {r.Name}, "format": {r.Format}, "beep": {strconv.FormatBool(r.Beep)}, "terminateOn": {"none"}}
	if r.MaxDuration > 0 {
		q.Set("maxDurationSeconds", strconv.Itoa(r.MaxDuration))
	}
	if r.MaxSilent > 0 {
		q.Set("maxSilenceSeconds", strconv.Itoa(r.MaxSilent))
	}
	if r.IfExists != "" {
		q.Set("ifExists", r.IfExists)
	}
	var out LiveRecordingData
	if err := s.c.do(ctx, request{method: "POST", op: "/channels/{id}/record", path: chPath(key, "/record"), query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (s channels) GetVariable(ctx context.Context, key *Key, name string) (string, error) {
	var out struct {
		Value string `json:"value"`
	}
	err := s.c.do(ctx, request{method: "GET", op: "/channels/{id}/variable", path: chPath(key, "/variable"), query: url.Values{"variable": {name}}}, &out)
	return out.Value, err
}

func (s channels) SetVariable(ctx context.Context, key *Key, name, value string) error {
	return s.post(ctx, key, "/variable", url.Values{"variable": {name}, "value": {value}})
}

// ChannelHandle binds a channel key to the client, as CyCoreSystems' ChannelHandle.
type ChannelHandle struct {
	key  *Key
	c    Channel
	data *ChannelData
}

// NewChannelHandle wraps a key, for callers that hold only an id.
func NewChannelHandle(key *Key, c Channel) *ChannelHandle { return &ChannelHandle{key: key, c: c} }

// Key returns the channel key.
func (h *ChannelHandle) Key() *Key { return h.key }

// ID returns the channel id.
func (h *ChannelHandle) ID() string { return h.key.ID }

// Created returns the snapshot from the create/originate response, if any.
func (h *ChannelHandle) Created() *ChannelData { return h.data }

// Data fetches the current snapshot.
func (h *ChannelHandle) Data(ctx context.Context) (*ChannelData, error) { return h.c.Data(ctx, h.key) }

// Dial rings the channel.
func (h *ChannelHandle) Dial(ctx context.Context, caller string, timeout time.Duration) error {
	return h.c.Dial(ctx, h.key, caller, timeout)
}

// Answer answers the channel.
func (h *ChannelHandle) Answer(ctx context.Context) error { return h.c.Answer(ctx, h.key) }

// Ring plays ringing to the channel.
func (h *ChannelHandle) Ring(ctx context.Context) error { return h.c.Ring(ctx, h.key) }

// Hangup hangs the channel up with reason.
func (h *ChannelHandle) Hangup(ctx context.Context, reason string) error {
	return h.c.Hangup(ctx, h.key, reason)
}

// Continue sends the channel back to the dialplan.
func (h *ChannelHandle) Continue(ctx context.Context, to ContinueTarget) error {
	return h.c.Continue(ctx, h.key, to)
}

// Play plays media on the channel.
func (h *ChannelHandle) Play(ctx context.Context, playbackID string, media ...string) (*PlaybackHandle, error) {
	return h.c.Play(ctx, h.key, playbackID, media...)
}
