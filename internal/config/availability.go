package config

import "time"

// The executive's availability (BroadWorks' Personal Assistant, Imagicle's status):
// a status the executive or an assistant sets, until an optional end, and what a call
// to the executive does meanwhile.

// Availability statuses, a closed set; Available is also what an unset or ended
// status reads as.
const (
	Available   = "available"
	InAMeeting  = "in-a-meeting"
	OutOfOffice = "out-of-office"
	Busy        = "busy"
)

// Statuses lists the statuses other than available, in the order people read them.
var Statuses = []string{InAMeeting, OutOfOffice, Busy}

// Availability is a status set in the runtime state, with its end (nil: until cleared).
type Availability struct {
	Status string     `json:"status"`
	Until  *time.Time `json:"until,omitempty"`
}

// AvailabilityAction is what a call does while the executive has a status: none (the
// call is handled as always, only screening is off), filter-all (every call goes to the
// assistants, filtering on or not), forward (to To, through the executive's calling
// permissions) or voicemail.
type AvailabilityAction struct {
	Action string `yaml:"action" json:"action"`
	To     string `yaml:"to,omitempty" json:"to,omitempty"`
}

// AvailabilityAt is the executive's status at now: Available when none is set or its
// end has passed (a status ends by itself, whoever looks).
func (rt Runtime) AvailabilityAt(exec string, now time.Time) Availability {
	return rt.Executives[exec].Availability.At(now)
}

// At is a set status as it reads at now (a nil one reads as Available).
func (a *Availability) At(now time.Time) Availability {
	if a == nil || a.Status == "" || a.Status == Available || (a.Until != nil && !now.Before(*a.Until)) {
		return Availability{Status: Available}
	}
	return *a
}
