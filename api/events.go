package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/execassist/execassist/app/policy"
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
	Version          string   `json:"version"` // changes with any of the executive's settings
}

// summaries lists the executives whose settings the principal may read, as of one
// snapshot.
func summaries(cfg *config.Config, rt config.Runtime, who policy.Principal) []ExecutiveSummary {
	out := []ExecutiveSummary{}
	for _, u := range cfg.Users {
		if u.Executive == nil || !policy.Allowed(cfg, who, policy.ResFiltering, u.Extension, "", false).OK {
			continue
		}
		f, _ := filteringSetting.view(cfg, rt, u.Extension)
		sc, _ := screeningSetting.view(cfg, rt, u.Extension)
		pool, _ := poolSetting.view(cfg, rt, u.Extension)
		al, _ := alertSetting.view(cfg, rt, u.Extension)
		out = append(out, ExecutiveSummary{ID: u.Extension, DisplayName: u.Name, FilteringEnabled: f.Enabled, FilterType: f.FilterType,
			ScreeningEnabled: sc.Enabled, DoNotDisturb: rt.OnDND(u.Extension), Assistants: pool.Assistants,
			Version: etag([]any{f, sc, pool, al, rt.OnDND(u.Extension)})})
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
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	httpguard.KeepStreaming(w)
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	lastCalls, lastSettings := map[string]string{}, map[string]string{}
	var lastSnap *store.Snapshot // settings are compared only when the store changed, not on every call event
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		httpguard.KeepStreaming(w) // a write deadline per batch: a client that stops reading is dropped
		snap := s.store.Snapshot()
		remoteChanged := s.store.RemoteChanged() // before reading: a change after it is not missed
		calls, changed := s.app.LiveCalls()
		calls = append(calls, s.app.RemoteCalls()...)
		if snap != lastSnap {
			nowSettings := map[string]string{}
			for _, e := range summaries(snap.Config, snap.Runtime, r.who) {
				b, _ := json.Marshal(e)
				nowSettings[e.ID] = e.Version
				if lastSettings[e.ID] != e.Version {
					fmt.Fprintf(w, "event: setting\ndata: %s\n\n", b)
				}
			}
			lastSettings, lastSnap = nowSettings, snap
		}
		nowCalls := map[string]string{}
		for _, c := range calls {
			if !visible(snap.Config, r.who, c) {
				continue
			}
			b, _ := json.Marshal(c)
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
		case <-changed:
		case <-remoteChanged:
		case <-snap.Superseded():
		case <-ping.C:
			httpguard.KeepStreaming(w)
			fmt.Fprint(w, ": keep-alive\n\n")
			fl.Flush()
		}
	}
}
