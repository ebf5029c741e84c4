package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/store"
)

// historyLimit bounds GET /v1/calls/history.
const historyLimit = 50

// History is GET /v1/calls/history: today's calls that have ended, newest first, as
// the journal recorded them (one record per call), those the user may see only.
type History struct {
	Items []HistoryItem `json:"items"`
}

// HistoryItem is one ended call: who called whom, who answered, what happened to it
// and how it ended.
type HistoryItem struct {
	Call                string              `json:"call"`
	At                  time.Time           `json:"at"`
	Ended               time.Time           `json:"ended,omitzero"`
	Executive           string              `json:"executive"`
	Direction           string              `json:"direction"` // incoming, outgoing (placed as the executive)
	Caller              string              `json:"caller,omitempty"`
	CallerName          string              `json:"callerName,omitempty"`
	CallerNumberDisplay string              `json:"callerNumberDisplay,omitempty"`
	PlacedBy            string              `json:"placedBy,omitempty"` // outgoing: the assistant who placed it
	Outcome             string              `json:"outcome"`
	AnsweredBy          string              `json:"answeredBy,omitempty"`
	EndCause            string              `json:"endCause,omitempty"`
	Steps               []store.JournalStep `json:"steps,omitempty"`
}

func handleHistory(s *Server, w http.ResponseWriter, r *request) error {
	snap := s.store.Snapshot()
	now := s.clock.Now().Local()
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	entries, err := s.store.Journal(store.JournalFilter{Since: midnight})
	if err != nil {
		return errorf(http.StatusServiceUnavailable, "store_unavailable", "", "the call journal cannot be read: %v", err)
	}
	plan, planErr := snap.Config.DialingPlan()
	out := History{Items: []HistoryItem{}}
	for _, e := range slices.Backward(entries) {
		outgoing := e.Kind == "fac" && e.Outcome == "initiated"
		if (e.Kind != "call" && !outgoing) || e.Executive == "" ||
			!visible(snap.Config, r.who, app.LiveCall{Executive: e.Executive}) {
			continue
		}
		it := HistoryItem{Call: e.CallID, At: e.At, Ended: e.Ended, Executive: e.Executive, Direction: "incoming",
			Caller: e.Caller, CallerName: e.CallerName, Outcome: e.Outcome, AnsweredBy: e.AnsweredBy, EndCause: e.EndCause, Steps: e.Steps}
		if outgoing {
			// A #64 record's caller is the assistant's device and its answerer the
			// destination: the far end is the destination.
			it.Direction, it.Caller, it.AnsweredBy = "outgoing", e.AnsweredBy, ""
			if u := snap.Config.UserByDevice(e.Caller); u != nil {
				it.PlacedBy = u.Extension
			}
		}
		it.CallerNumberDisplay = it.Caller
		if planErr == nil {
			it.CallerNumberDisplay = plan.Display(it.Caller)
		}
		out.Items = append(out.Items, it)
		if len(out.Items) == historyLimit {
			break
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
