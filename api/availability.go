package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// Availability is people/{id}/executive/availability (ours; BroadWorks' Personal
// Assistant, Imagicle's status): what the executive is doing now, until when, and what
// a call does meanwhile. status is AVAILABLE, IN_A_MEETING, OUT_OF_OFFICE or BUSY;
// until (RFC 3339, optional) ends it by itself; actions maps each status to NONE
// (screening off only), FILTER_ALL, FORWARD (forwardToPhoneNumber, through the
// executive's calling permissions) or VOICEMAIL.
type Availability struct {
	Status  string                        `json:"status"`
	Until   *time.Time                    `json:"until,omitempty"`
	Actions map[string]AvailabilityAction `json:"actions"`
}

// AvailabilityAction is one status's action.
type AvailabilityAction struct {
	Action               string `json:"action"`
	ForwardToPhoneNumber string `json:"forwardToPhoneNumber,omitempty"`
}

// maxStatusFor bounds how far ahead a status may end (a forgotten "until" of next year
// is a mistake, not a plan).
const maxStatusFor = 31 * 24 * time.Hour

var availabilitySetting = setting[Availability]{res: ResAvailability,
	viewAt: func(cfg *config.Config, rt config.Runtime, owner string, now time.Time) (Availability, error) {
		u, err := executiveOf(cfg, owner)
		if err != nil {
			return Availability{}, err
		}
		a := rt.AvailabilityAt(owner, now)
		out := Availability{Status: webexEnum(a.Status), Until: a.Until, Actions: map[string]AvailabilityAction{}}
		eff := cfg.ExecutiveSettings(u)
		for _, st := range config.Statuses {
			act := eff.AvailabilityActions[st]
			if act.Action == "" {
				act.Action = "none"
			}
			out.Actions[webexEnum(st)] = AvailabilityAction{Action: webexEnum(act.Action), ForwardToPhoneNumber: act.To}
		}
		return out, nil
	},
	changeAt: func(_ *config.Config, rt *config.Runtime, owner string, b *Availability, now time.Time) error {
		statuses := []string{"AVAILABLE"}
		for _, st := range config.Statuses {
			statuses = append(statuses, webexEnum(st))
		}
		if err := enumIn("status", b.Status, statuses...); err != nil {
			return err
		}
		if b.Until != nil && (!b.Until.After(now) || b.Until.Sub(now) > maxStatusFor) {
			return errorf(http.StatusBadRequest, "invalid", "until", "until must be in the next 31 days, not %s", b.Until.Format(time.RFC3339))
		}
		actions := map[string]config.AvailabilityAction{}
		for key, a := range b.Actions {
			st := oursEnum(key)
			if !slices.Contains(config.Statuses, st) {
				return errorf(http.StatusBadRequest, "invalid", "actions", "%q is not IN_A_MEETING, OUT_OF_OFFICE or BUSY", key)
			}
			if err := enumIn("action", a.Action, "NONE", "FILTER_ALL", "FORWARD", "VOICEMAIL"); err != nil {
				return err
			}
			if a.Action != "FORWARD" && a.ForwardToPhoneNumber != "" {
				return errorf(http.StatusBadRequest, "invalid", "forwardToPhoneNumber", "a number applies only to FORWARD")
			}
			actions[st] = config.AvailabilityAction{Action: oursEnum(a.Action), To: a.ForwardToPhoneNumber}
		}
		st := execState(rt, owner)
		status := oursEnum(b.Status)
		if status == config.Available {
			st.Availability = nil
		} else {
			st.Availability = &config.Availability{Status: status, Until: b.Until}
		}
		st.AvailabilityActions = &actions
		rt.Executives[owner] = st
		return nil
	}}
