package policy

// The executive's availability: a status set in the runtime state (it ends by itself at
// its end time, read against the call's time) and what a call does meanwhile, resolved
// once per settings snapshot with forward numbers through the dial gate.

import (
	"time"

	"github.com/execassist/execassist/internal/config"
)

// availabilityPlan is one executive's status and the actions per status.
type availabilityPlan struct {
	set     *config.Availability
	actions map[string]availabilityDo
}

// availabilityDo is one status's action, resolved: forward has its target (a refused
// number becomes voicemail, said once as a problem).
type availabilityDo struct {
	action string
	target RolloverTarget
}

func planAvailability(cfg *config.Config, rt config.Runtime, u *config.User, eff config.Effective, d *Decision) availabilityPlan {
	p := availabilityPlan{set: rt.Executives[u.Extension].Availability, actions: map[string]availabilityDo{}}
	dial := cfg.EffectiveDialing()
	for status, a := range eff.AvailabilityActions {
		do := availabilityDo{action: a.Action}
		switch a.Action {
		case "voicemail":
			do.target = VoicemailTarget(u, dial)
		case "forward":
			ep, _, err := cfg.DialOut(u, a.To)
			if err != nil {
				d.problem("while %s, the forward to %q is not dialable (%v): voice messaging instead", status, a.To, err)
				do.action, do.target = "voicemail", VoicemailTarget(u, dial)
			} else {
				do.target = RolloverTarget{Endpoint: ep}
			}
		}
		p.actions[status] = do
	}
	return p
}

// at is the status in effect at now.
func (p availabilityPlan) at(now time.Time) config.Availability { return p.set.At(now) }
