package api

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/policy"
)

// visible: the calls a principal may see: an admin all, an executive their own, an
// assistant those of the executives whose pool they are in.
func visible(cfg *config.Config, who Principal, c app.LiveCall) bool {
	return Allowed(cfg, who, ResCalls, c.Executive, "", false).OK
}

// Calls is GET /v1/calls.
type Calls struct {
	Items []CallView `json:"items"`
}

// CallView is a live call as the API shows it: the app's LiveCall, with the far end's
// number also written for people (national in the home country, international
// elsewhere), so that no client needs a copy of libphonenumber.
type CallView struct {
	app.LiveCall
	CallerNumberDisplay string `json:"callerNumberDisplay,omitempty"`
}

func callView(cfg *config.Config, c app.LiveCall) CallView {
	v := CallView{LiveCall: c, CallerNumberDisplay: c.CallerNumber}
	if plan, err := cfg.DialingPlan(); err == nil {
		v.CallerNumberDisplay = plan.Display(c.CallerNumber)
	}
	return v
}

func handleCalls(s *Server, w http.ResponseWriter, r *request) error {
	cfg := s.store.Snapshot().Config
	out := Calls{Items: []CallView{}}
	for _, c := range s.app.AllCalls() {
		if visible(cfg, r.who, c) {
			out.Items = append(out.Items, callView(cfg, c))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// findCall returns the live call id if the principal may see it; otherwise 404 (no
// hint that a call exists for someone else).
func (s *Server) findCall(r *request) (app.LiveCall, error) {
	id := r.PathValue("id")
	cfg := s.store.Snapshot().Config
	for _, c := range s.app.AllCalls() {
		if c.ID == id && visible(cfg, r.who, c) {
			return c, nil
		}
	}
	return app.LiveCall{}, errorf(http.StatusNotFound, "not_found", "", "no live call %q", id)
}

// callFor finds the call of a call action and checks that the asker may do it.
func (s *Server) callFor(r *request, action Resource) (app.LiveCall, error) {
	c, err := s.findCall(r)
	if err != nil {
		return c, err
	}
	return c, s.allow(r, action, c.Executive, "", true)
}

// ActionReply says what a call action did.
type ActionReply struct {
	Call string `json:"call"`
	Done string `json:"done"`
}

// callAction makes a call action's handler: find the call the asker may see and act on
// (404 / 403 otherwise), let act do it (an error it returns is the answer; the call's
// owner refusing is 409 with its reason), and answer what was done with status.
func callAction(res Resource, status int, act func(s *Server, r *request, c app.LiveCall) (string, error)) handlerFunc {
	return func(s *Server, w http.ResponseWriter, r *request) error {
		c, err := s.callFor(r, res)
		if err != nil {
			return err
		}
		if c.Node != "" {
			return errorf(http.StatusConflict, "call_on_other_node", "", "%v", &app.OtherNodeError{Call: c.ID, Node: c.Node})
		}
		done, err := act(s, r, c)
		var ae *apiError
		var other *app.OtherNodeError
		switch {
		case errors.As(err, &ae):
			return err
		case errors.As(err, &other):
			return errorf(http.StatusConflict, "call_on_other_node", "", "%v", err)
		case err != nil:
			return errorf(http.StatusConflict, "refused", "", "%v", err)
		}
		s.log.Info().Str("who", r.who.Name).Str("call", c.ID).Str("action", string(res)).Msg("call action through the API")
		writeJSON(w, status, ActionReply{Call: c.ID, Done: done})
		return nil
	}
}

// handlePush is POST /v1/calls/{id}/push: the assistant on the call sends it to the
// executive (remote party on hold, the executive's phones ring, recall to the
// assistant on no answer), as #63 does from the assistant's phone.
var handlePush = callAction(ResCallPush, http.StatusOK, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if !r.who.Admin && c.Assistant != r.who.Name {
		return "", errorf(http.StatusConflict, "not_at_you", "", "the call is not at %s: only the assistant on the call pushes it", s.nameOf(r.who.Name))
	}
	return "Ringing " + s.nameOf(c.Executive) + "'s phone; the call comes back to you if nobody answers", s.app.Push(c.ID)
})

// nameOf is how the API names a user in what it says: "Ann Assist", else the
// extension.
func (s *Server) nameOf(ext string) string {
	if u := s.store.Snapshot().Config.User(ext); u != nil && u.Name != "" {
		return u.Name
	}
	return ext
}

// handleRetrieve is POST /v1/calls/{id}/retrieve: the executive's phones ring and,
// when one answers, take the call over from the assistant.
var handleRetrieve = callAction(ResCallRetrieve, http.StatusAccepted, func(s *Server, _ *request, c app.LiveCall) (string, error) {
	return "Ringing " + s.nameOf(c.Executive) + "'s phone: answering it takes the call", s.app.Retrieve(c.ID)
})

// handleBridge is POST /v1/calls/{id}/bridge: the asker's phones ring and, when one
// answers, join the call with the warning tone (as *15).
var handleBridge = callAction(ResCallBridge, http.StatusAccepted, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if r.who.Admin {
		return "", errorf(http.StatusConflict, "refused", "", "an admin has no phone to bridge in with")
	}
	// SPEC 3: the executive bridges into a call at an assistant (*15), an assistant
	// into the executive's own call (#64 <exec> *15); never into a colleague's call.
	if r.who.Name != c.Executive && c.State != "executive" {
		why := "an assistant bridges only into a call the executive is on"
		if c.Assistant != "" {
			why += "; this call is at " + s.nameOf(c.Assistant)
		}
		return "", errorf(http.StatusForbidden, "forbidden", "", "%s", why)
	}
	return "Ringing " + s.nameOf(r.who.Name) + "'s phone: answering it joins the call", s.app.Bridge(c.ID, r.who.Name)
})

// Me is GET /v1/me: who is signed in and what they are.
type Me struct {
	User        string   `json:"user"`
	DisplayName string   `json:"displayName,omitempty"`
	Admin       bool     `json:"admin,omitempty"`
	Executive   bool     `json:"executive,omitempty"`
	Assistant   bool     `json:"assistant,omitempty"`
	Executives  []string `json:"executives,omitempty"` // whose pool the user is in
	// Withheld lists, per executive of Executives, the permissions that executive
	// withholds from this assistant (the page hides what would be refused).
	Withheld map[string][]config.Permission `json:"withheld,omitempty"`
	// Schedules are the schedule names custom filters may use.
	Schedules []string `json:"schedules"`
	// CSRFToken is the session's, for the page after a reload (cookie sessions only).
	CSRFToken string `json:"csrfToken,omitempty"`
}

func handleMe(s *Server, w http.ResponseWriter, r *request) error {
	me := Me{User: r.who.Name, Admin: r.who.Admin, Executives: []string{}}
	if r.viaCSR {
		me.CSRFToken = s.auth.csrfOf(r.Request)
	}
	cfg := s.store.Snapshot().Config
	me.Schedules = slices.Sorted(maps.Keys(cfg.Schedules))
	if me.Schedules == nil {
		me.Schedules = []string{}
	}
	if u := cfg.User(r.who.Name); u != nil {
		me.DisplayName, me.Executive, me.Assistant = u.Name, u.Executive != nil, u.Assistant != nil
		for _, e := range cfg.Users {
			if e.Executive != nil && slices.Contains(e.Executive.Assistants, u.Extension) {
				me.Executives = append(me.Executives, e.Extension)
				for _, p := range config.AllPermissions {
					if !e.Executive.Permits(u.Extension, p) {
						if me.Withheld == nil {
							me.Withheld = map[string][]config.Permission{}
						}
						me.Withheld[e.Extension] = append(me.Withheld[e.Extension], p)
					}
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, me)
	return nil
}

// InitiateBody is POST /v1/calls/initiate: call destination as executive from the
// asker's phone (device: one of the asker's, default their first).
type InitiateBody struct {
	Executive   string `json:"executive"`
	Destination string `json:"destination"`
	Device      string `json:"device,omitempty"`
}

// handleInitiate is POST /v1/calls/initiate: the asker's phone rings; when they answer,
// the destination is called with the executive's caller ID, exactly as #64 dialled from
// that phone (same parse, same calling permissions, checked before anything rings).
func handleInitiate(s *Server, w http.ResponseWriter, r *request) error {
	var b InitiateBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.Executive == "" || b.Destination == "" {
		return errorf(http.StatusBadRequest, "invalid", "destination", "executive and destination are required")
	}
	if err := s.allow(r, ResCallInitiate, b.Executive, "", true); err != nil {
		return err
	}
	b.Destination = typedNumber(b.Destination)
	err := s.app.Initiate(r.Context(), r.who.Name, b.Device, b.Executive, b.Destination)
	var refused *app.InitiateRefused
	switch {
	case errors.As(err, &refused) && refused.Kind == policy.RefusedInvalid:
		return errorf(http.StatusBadRequest, "invalid", "destination", "%s", refused.Why)
	case errors.As(err, &refused) && refused.Kind == policy.RefusedDestination:
		return errorf(http.StatusForbidden, "destination_not_permitted", "destination", "%s", refused.Why)
	case errors.As(err, &refused):
		return errorf(http.StatusForbidden, "forbidden", "", "%s", refused.Why)
	case err != nil:
		return errorf(http.StatusBadGateway, "asterisk", "", "%v", err)
	}
	writeJSON(w, http.StatusAccepted, ActionReply{Call: "", Done: "ringing " + r.who.Name + "; on answer " + b.Destination + " is called as " + b.Executive})
	return nil
}

// IntercomBody is POST /v1/intercom.
type IntercomBody struct {
	To string `json:"to"` // the extension of the other side
}

// handleIntercom is POST /v1/intercom: as #68 <to> from the asker's phone, which is
// rung first and answers by itself; to must be an assistant of the asker's pool or an
// executive whose pool holds the asker.
func handleIntercom(s *Server, w http.ResponseWriter, r *request) error {
	var b IntercomBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if r.who.Admin {
		return errorf(http.StatusForbidden, "forbidden", "", "an admin has no phone: intercom is between an executive and their assistants")
	}
	if b.To == "" || strings.Trim(b.To, "0123456789") != "" {
		return errorf(http.StatusBadRequest, "invalid", "to", "to is the extension of the executive or assistant to call")
	}
	err := s.app.Intercom(r.Context(), r.who.Name, b.To)
	var refused *app.InitiateRefused
	switch {
	case errors.As(err, &refused):
		return errorf(http.StatusForbidden, "forbidden", "to", "%s", refused.Why)
	case err != nil:
		return errorf(http.StatusBadGateway, "asterisk", "", "%v", err)
	}
	writeJSON(w, http.StatusAccepted, ActionReply{Done: "Intercom: your phone and " + s.nameOf(b.To) + "'s answer by themselves"})
	return nil
}

// typedNumber is a number as people type it ("+1 (555) 123-4567") without the spaces,
// dashes, brackets and dots; what is left still goes through the dial gate.
func typedNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -().", r) {
			return -1
		}
		return r
	}, s)
}

// onTheCall refuses a hold or hang-up by someone who is not on the call: the assistant
// at it, the executive with it, whoever placed it as the executive (an admin may).
func (s *Server) onTheCall(r *request, c app.LiveCall) error {
	me := r.who.Name
	switch {
	case r.who.Admin, c.Assistant == me, c.PlacedBy == me,
		me == c.Executive && (c.State == "executive" || c.State == "bridged"):
		return nil
	}
	return errorf(http.StatusConflict, "not_on_the_call", "", "%s is not on this call: only someone on it holds or hangs it up", s.nameOf(me))
}

// handleHold is POST /v1/calls/{id}/hold: the far end hears music on hold.
var handleHold = callAction(ResCallControl, http.StatusOK, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if err := s.onTheCall(r, c); err != nil {
		return "", err
	}
	return "On hold", s.app.Hold(c.ID, true)
})

// handleResume is POST /v1/calls/{id}/resume: back from hold.
var handleResume = callAction(ResCallControl, http.StatusOK, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if err := s.onTheCall(r, c); err != nil {
		return "", err
	}
	return "Resumed", s.app.Hold(c.ID, false)
})

// handleHangup is POST /v1/calls/{id}/hangup: the call ends for everyone on it.
var handleHangup = callAction(ResCallControl, http.StatusOK, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if err := s.onTheCall(r, c); err != nil {
		return "", err
	}
	return "Hung up", s.app.Hangup(c.ID, r.who.Name)
})

// TransferBody is POST /v1/calls/{id}/transfer.
type TransferBody struct {
	Destination string `json:"destination"`
}

// handleTransfer is POST /v1/calls/{id}/transfer: the destination (through the dial
// gate, with the executive's calling permissions) rings showing the caller; when it
// answers it takes the asker's place in the call. Unanswered, the asker keeps the call.
var handleTransfer = callAction(ResCallControl, http.StatusAccepted, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if err := s.onTheCall(r, c); err != nil {
		return "", err
	}
	if r.who.Admin {
		return "", errorf(http.StatusConflict, "refused", "", "an admin is not on calls: the one on the call transfers it")
	}
	var b TransferBody
	if err := decode(r, &b); err != nil {
		return "", err
	}
	number := typedNumber(b.Destination)
	cfg := s.store.Snapshot().Config
	endpoint, _, err := cfg.DialOut(cfg.User(c.Executive), number)
	if err != nil {
		return "", errorf(http.StatusForbidden, "destination_not_permitted", "destination", "%v", err)
	}
	return "Ringing " + number + ": when it answers it takes your place in the call", s.app.Transfer(c.ID, r.who.Name, endpoint, number)
})

// handleAnswer is POST /v1/calls/{id}/answer: the call ringing at the asker's phone is
// answered there, the phone going off hook by itself (the auto-answer header), as if
// picked up. Only someone whose phone rings for the call may.
var handleAnswer = callAction(ResCallControl, http.StatusOK, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if c.State != "ringing" || !slices.Contains(c.Ringing, r.who.Name) {
		return "", errorf(http.StatusConflict, "not_ringing_at_you", "", "the call is not ringing at %s's phone", s.nameOf(r.who.Name))
	}
	return "Answered at your phone (on its speaker)", s.app.Answer(c.ID, r.who.Name)
})

// handleVoicemail is POST /v1/calls/{id}/voicemail: the caller goes to the executive's
// voice messaging (as Cisco's "Transfer to Voicemail"): a ringing call by anyone who
// sees it (the pool, the executive), an answered one by whoever is on it.
var handleVoicemail = callAction(ResCallControl, http.StatusOK, func(s *Server, r *request, c app.LiveCall) (string, error) {
	if c.State != "ringing" {
		if err := s.onTheCall(r, c); err != nil {
			return "", err
		}
	}
	return "Sent to " + s.nameOf(c.Executive) + "'s voicemail", s.app.Voicemail(c.ID, r.who.Name)
})
