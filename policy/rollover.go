package policy

// Where a call goes when nobody answers in time.

import (
	"fmt"

	"github.com/execassist/execassist/internal/config"
)

// planRollover fills where a rolled-over caller goes: a forward through the dial gate
// (refused: voice messaging instead), voice messaging or no-answer processing.
func planRollover(cfg *config.Config, u *config.User, eff config.Effective, d *Decision) {
	d.Rollover = eff.Rollover
	switch {
	case !eff.Rollover.Enabled:
		d.why("rollover timer off; rollover (%s) still runs when no assistant is left", eff.Rollover.Action)
	default:
		d.why("rollover after %s: %s", eff.Rollover.After, eff.Rollover.Action)
	}
	if eff.Rollover.Action == "forward" {
		ep, _, err := cfg.DialOut(u, eff.Rollover.To)
		if err != nil {
			d.problem("rollover forward to %q is not dialable (%v): voice messaging instead", eff.Rollover.To, err)
			d.Rollover.Action = "voice-messaging"
		} else {
			d.RolloverEndpoint = ep
		}
	}
	d.RolloverTo = rolloverTarget(d.Rollover.Action, u, cfg.EffectiveDialing(), d.RolloverEndpoint)
}

// RolloverTarget is where rollover sends the caller. Context and Extension empty with a
// Label: the label at the caller's own place in the dialplan (after the executive's
// Dial). Endpoint set: a forward leg is dialled instead.
type RolloverTarget struct {
	Context   string
	Extension string
	Priority  int
	Label     string
	Endpoint  string
	// Mailbox is passed to the dialplan (EXECASSIST_MAILBOX) for VoiceMail, when the
	// executive has its own (users[].voicemail).
	Mailbox string
}

// String says where the caller goes, for people (explain).
func (t RolloverTarget) String() string {
	switch {
	case t.Endpoint != "":
		return "dial " + t.Endpoint + " (voice messaging if it does not answer)"
	case t.Label != "" && t.Context == "":
		return "continue at label " + t.Label + " of the caller's extension (after the executive's Dial)"
	}
	s := fmt.Sprintf("continue to %s,%s,%d", t.Context, t.Extension, t.Priority)
	if t.Mailbox != "" {
		s += " with EXECASSIST_MAILBOX=" + t.Mailbox
	}
	return s
}

func rolloverTarget(action string, u *config.User, dial config.Dialing, endpoint string) RolloverTarget {
	switch action {
	case "forward":
		return RolloverTarget{Endpoint: endpoint}
	case "no-answer-processing":
		return RolloverTarget{Label: dial.NoAnswerLabel}
	}
	return VoicemailTarget(u, dial)
}

// VoicemailTarget is the executive's voice messaging: the configured context with its
// extension, and its own mailbox when it has one. A forward that fails ends there too.
func VoicemailTarget(u *config.User, dial config.Dialing) RolloverTarget {
	return RolloverTarget{Context: dial.VoicemailContext, Extension: u.Extension, Priority: 1, Mailbox: u.Voicemail}
}
