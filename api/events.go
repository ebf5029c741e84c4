package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/httpguard"
	"github.com/execassist/execassist/store"
)

// ExecutiveSummary is the "setting" event: what the console shows per executive (the
// filtering toggle mirrors the BLF lamp). The page reloads a settings form when the
// version of its executive changes.
type ExecutiveSummary struct {
	ID               string   `json:"id"`
	DisplayName      string   `json:"displayName"`
	FilteringEnabled bool     `json:"filteringEnabled"`
	FilterType       string   `json:"filterType"`
	ScreeningEnabled bool     `json:"screeningEnabled"`
	DoNotDisturb     bool     `json:"doNotDisturb"`
	Assistants       []Person `json:"assistants"`
	// Phone is what the executive's own phones are doing, from Asterisk's endpoints:
	// idle, in-use (off hook, through execassist or not), offline; absent: not known.
	Phone string `json:"phone,omitempty"`
	// CallsTo are what a custom filter's "calls to" may name: primary, mobility and each
	// of the executive's numbers, each with how people read it.
	CallsTo []CallsToChoice `json:"callsTo"`
	// Availability is the status the executive set (in-a-meeting, out-of-office, busy)
	// and its end; the page stops showing it once until has passed.
	Availability *config.Availability `json:"availability,omitempty"`
	Version      string               `json:"version"` // changes with any of the executive's settings
}

// CallsToChoice is one value of a filter's callsToNumbers and its label.
type CallsToChoice struct {
	Value string `json:"value"` // primary, mobility or a number
	Shown string `json:"shown"` // the number it stands for, written for people
}

// callsToChoices lists the numbers a call to executive u can arrive on.
func callsToChoices(cfg *config.Config, u *config.User) []CallsToChoice {
	show := func(n string) string { return n }
	if plan, err := cfg.DialingPlan(); err == nil {
		show = plan.Display
	}
	primary := u.Extension
	if len(u.Numbers) > 0 {
		primary = u.Extension + ", " + show(u.Numbers[0])
	}
	out := []CallsToChoice{{Value: "primary", Shown: primary}}
	if u.Mobile != "" {
		out = append(out, CallsToChoice{Value: "mobility", Shown: show(u.Mobile)})
	}
	for _, n := range u.Numbers {
		out = append(out, CallsToChoice{Value: n, Shown: show(n)})
	}
	return out
}

// summaries lists the executives whose settings the principal may read, as of one
// snapshot.
func summaries(cfg *config.Config, rt config.Runtime, phones map[string]app.PhoneState, who Principal) []ExecutiveSummary {
	out := []ExecutiveSummary{}
	for _, u := range cfg.Users {
		if u.Executive == nil || !Allowed(cfg, who, ResFiltering, u.Extension, "", false).OK {
			continue
		}
		f, _ := filteringSetting.view(cfg, rt, u.Extension)
		sc, _ := screeningSetting.view(cfg, rt, u.Extension)
		pool, _ := poolSetting.view(cfg, rt, u.Extension)
		al, _ := alertSetting.view(cfg, rt, u.Extension)
		for i, a := range pool.Assistants {
			for _, p := range config.AllPermissions {
				if !u.Executive.Permits(a.ID, p) {
					pool.Assistants[i].Withheld = append(pool.Assistants[i].Withheld, p)
				}
			}
		}
		out = append(out, ExecutiveSummary{ID: u.Extension, DisplayName: u.Name, FilteringEnabled: f.Enabled, FilterType: f.FilterType,
			ScreeningEnabled: sc.Enabled, DoNotDisturb: rt.OnDND(u.Extension), Assistants: pool.Assistants, CallsTo: callsToChoices(cfg, &u),
			Phone: string(phones[u.Extension]), Availability: rt.Executives[u.Extension].Availability,
			Version: etag([]any{f, sc, pool, al, rt.OnDND(u.Extension), phones[u.Extension], rt.Executives[u.Extension].Availability})})
	}
	return out
}

// handleEvents is GET /v1/events, Server-Sent Events for the console:
//   - "call" with the call whenever one the user may see appears or changes, and
//     "call-ended" with its id when it is gone; on a cluster, other nodes' calls too
//     (with their node; actions on them are refused there);
//   - "setting" with an ExecutiveSummary whenever any setting of an executive the user
//     may see changes, whoever changed it (FAC, API, import, reload): the stream waits
//     on the store's snapshot being superseded, not on a poll.
//
// A comment every 15 s keeps proxies from closing the stream.
func handleEvents(s *Server, w http.ResponseWriter, r *request) error {
	fl, ok := w.(http.Flusher)
	if !ok {
		return errorf(http.StatusInternalServerError, "internal", "", "streaming unsupported")
	}
	release, err := s.streams.acquire(r.sess)
	if err != nil {
		return err
	}
	defer release()
	// The stream ends with its session: sign-out closes ended; expiry is checked when
	// the session would run out unused (other requests of the session push it back).
	expired := make(chan struct{}, 1)
	arm := func(d time.Duration) clock.Timer {
		return s.clock.AfterFunc(d, func() {
			select {
			case expired <- struct{}{}:
			default:
			}
		})
	}
	expiry := arm(s.auth.remaining(r.sess))
	defer func() { expiry.Stop() }()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	httpguard.KeepStreaming(w)
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	lastCalls, lastSettings := map[string]string{}, map[string]string{}
	var lastSnap *store.Snapshot // settings are compared only when the store or a phone changed, not on every call event
	var lastPhones map[string]app.PhoneState
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		httpguard.KeepStreaming(w) // a write deadline per batch: a client that stops reading is dropped
		snap := s.store.Snapshot()
		remoteChanged := s.store.RemoteChanged() // before reading: a change after it is not missed
		calls, changed := s.app.LiveCalls()
		calls = append(calls, s.app.RemoteCalls()...)
		phones, phonesChanged := s.app.Phones()
		if snap != lastSnap || !maps.Equal(phones, lastPhones) {
			nowSettings := map[string]string{}
			for _, e := range summaries(snap.Config, snap.Runtime, phones, r.who) {
				b, _ := json.Marshal(e)
				nowSettings[e.ID] = e.Version
				if lastSettings[e.ID] != e.Version {
					fmt.Fprintf(w, "event: setting\ndata: %s\n\n", b)
				}
			}
			lastSettings, lastSnap, lastPhones = nowSettings, snap, phones
		}
		nowCalls := map[string]string{}
		for _, c := range calls {
			if !visible(snap.Config, r.who, c) {
				continue
			}
			b, _ := json.Marshal(callView(snap.Config, c))
			nowCalls[c.ID] = string(b)
			if lastCalls[c.ID] != string(b) {
				fmt.Fprintf(w, "event: call\ndata: %s\n\n", b)
			}
		}
		ended := []string{}
		for id := range lastCalls {
			if _, ok := nowCalls[id]; !ok {
				ended = append(ended, id)
			}
		}
		slices.Sort(ended)
		for _, id := range ended {
			b, _ := json.Marshal(map[string]string{"id": id})
			fmt.Fprintf(w, "event: call-ended\ndata: %s\n\n", b)
		}
		fl.Flush()
		lastCalls = nowCalls
		select {
		case <-r.Context().Done():
			return nil
		case <-r.sess.ended:
			return nil
		case <-expired:
			left := s.auth.remaining(r.sess)
			if left <= 0 {
				return nil
			}
			expiry = arm(left)
		case <-changed:
		case <-phonesChanged:
		case <-remoteChanged:
		case <-snap.Superseded():
		case <-ping.C:
			httpguard.KeepStreaming(w)
			fmt.Fprint(w, ": keep-alive\n\n")
			fl.Flush()
		}
	}
}

// streamCaps bounds open event streams per session, per user and in all: each holds a
// connection and a goroutine, and ordinary users must not be able to take the page down
// by opening thousands. It owns its counts, behind its mutex.
type streamCaps struct {
	perSession, perUser, total int

	mu        sync.Mutex
	bySession map[*session]int
	byUser    map[string]int
	open      int
}

func newStreamCaps(perSession, perUser, total int) *streamCaps {
	return &streamCaps{perSession: perSession, perUser: perUser, total: total,
		bySession: map[*session]int{}, byUser: map[string]int{}}
}

// acquire takes a stream slot for sess, or says why not (429 with Retry-After).
func (c *streamCaps) acquire(sess *session) (release func(), err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	user := sess.who.Name
	var why string
	switch {
	case c.bySession[sess] >= c.perSession:
		why = fmt.Sprintf("this sign-in already has %d event streams open: close one (another tab?)", c.perSession)
	case c.byUser[user] >= c.perUser:
		why = fmt.Sprintf("%s already has %d event streams open: close one", user, c.perUser)
	case c.open >= c.total:
		why = "the server has as many event streams open as it serves: try again shortly"
	}
	if why != "" {
		e := errorf(http.StatusTooManyRequests, "too_many_streams", "", "%s", why)
		e.header = http.Header{"Retry-After": {"30"}}
		return nil, e
	}
	c.bySession[sess]++
	c.byUser[user]++
	c.open++
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.bySession[sess]--; c.bySession[sess] <= 0 {
				delete(c.bySession, sess)
			}
			if c.byUser[user]--; c.byUser[user] <= 0 {
				delete(c.byUser, user)
			}
			c.open--
		})
	}, nil
}
