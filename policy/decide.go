package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// Call is what the policy knows of an incoming call.
type Call struct {
	CallerNumber string
	CallerName   string
	Anonymous    bool   // presentation restricted
	Unavailable  bool   // no number at all
	Origin       string // EXECASSIST_ORIGIN: internal, external or ""
	Dialled      string // what was dialled: the executive's extension, a DID, the mobile
}

// Target is one party to alert: an assistant (all their devices at once) or a
// screening location of the executive.
type Target struct {
	Who       string   // extension, or the executive's for screening legs
	Name      string   // display name
	Location  string   // devices, divert, main, mobility, anywhere, shared-call-appearance
	Endpoints []string // validated dial strings (PJSIP/1002, Local/+1555...@ctx)
	AlertInfo string
}

// Decision is the outcome of Decide.
type Decision struct {
	Executive         string
	Filtered          bool
	Origin            string
	Reasons           []string
	Mode              string // simultaneous | sequential
	RingsPerAssistant int
	RingDuration      time.Duration
	Assistants        []Target
	Screening         []Target
	// ExecutivePhones are the executive's own phones when they ring for the filtered
	// call too: ExecutiveAlerting first (alone for ExecutiveFirstFor, then with the
	// assistants) or together (at once).
	ExecutivePhones   []Target
	ExecutiveAlerting string
	ExecutiveFirstFor time.Duration
	Rollover          config.EffectiveRollover
	RolloverEndpoint  string // forward: the validated dial string
	// RolloverTo is where a rolled-over caller goes, for the session and for explain.
	RolloverTo     RolloverTarget
	CallerIDName   string
	CallerIDNumber string
	AlertInfo      string
	// AnnouncePush: a push of this call is announced to the executive, who decides
	// with a key within AnnounceTimeout.
	AnnouncePush    bool
	AnnounceTimeout time.Duration
	// RecordName: the caller (from outside) is asked for their name before the
	// assistants are alerted; the one who answers hears it first.
	RecordName bool
	// Availability is the executive's status when the call came (available when none is
	// set or it ended).
	Availability config.Availability
	// ElsewhereAction (voicemail, forward) says the status sends the call to Elsewhere
	// at once, neither to the assistants nor to the executive.
	ElsewhereAction string
	Elsewhere       RolloverTarget
	problems        []string // see problem
}

// SIPHeader is one header added to a leg's INVITE.
type SIPHeader struct{ Name, Value string }

// Who names the caller for people: the number, or anonymous / unavailable.
func (c Call) Who() string {
	switch {
	case c.Anonymous:
		return "anonymous"
	case c.Unavailable:
		return "unavailable"
	}
	return c.CallerNumber
}

func (d *Decision) why(format string, args ...any) {
	d.Reasons = append(d.Reasons, fmt.Sprintf(format, args...))
}

// problem is a reason that is also a fault of the configuration (a number the dial
// gate refuses): Compile reports it once per settings change.
func (d *Decision) problem(format string, args ...any) {
	d.why(format, args...)
	d.problems = append(d.problems, d.Reasons[len(d.Reasons)-1])
}

// Decide is the whole call-to-an-executive policy (SPEC section 2): the plan's part for
// exec matched against the call at now.
func Decide(plan *Plan, exec string, call Call, now time.Time) Decision {
	d := Decision{Executive: exec}
	e := plan.executive(exec)
	if e.why != "" {
		d.why("%s", e.why)
		return d
	}
	u := e.user
	for _, a := range u.Executive.Assistants {
		if call.CallerNumber == a {
			d.why("the caller %s is one of the executive's assistants: never filtered", a)
			return d
		}
	}
	if !call.Anonymous && !call.Unavailable {
		for _, l := range e.bypass {
			if p, ok := onList(l.patterns, call.CallerNumber); ok {
				d.why("the caller %s is on the list %q (%s), which goes straight to the executive: never filtered", call.CallerNumber, l.name, p)
				return d
			}
		}
	}
	d.Availability = e.availability.at(now)
	act := e.availability.actions[d.Availability.Status]
	if d.Availability.Status != config.Available {
		d.why("%s is %s", u.Name, availabilityWords(d.Availability))
		switch act.action {
		case "voicemail", "forward":
			d.Elsewhere, d.ElsewhereAction = act.target, act.action
			d.why("while %s: %s", d.Availability.Status, act.target)
			return d
		case "filter-all":
			d.why("while %s every call goes to the assistants, filtering on or not", d.Availability.Status)
		}
	}
	forced := act.action == "filter-all"
	switch {
	case !e.on && !forced:
		d.why("filtering is off (%s): normal handling", e.onSource)
		return d
	case e.on:
		d.why("filtering is on (%s)", e.onSource)
	}
	origin, why := Origin(plan.cfg, call)
	d.Origin = origin
	d.why("caller is %s: %s", origin, why)
	if !forced && !filtered(plan.cfg, u, call, origin, now, &d) {
		return d
	}
	d.Mode, d.RingsPerAssistant, d.RingDuration = e.eff.AlertingMode, e.eff.RingsPerAssistant, e.ringDuration
	d.AlertInfo = e.eff.AlertInfo
	d.AnnouncePush, d.AnnounceTimeout = e.eff.AnnouncePush, e.eff.AnnounceTimeout
	if e.eff.RecordCallerName {
		d.RecordName = origin == "external"
		d.why("record_caller_name is on and the caller is %s: %s", origin, map[bool]string{true: "asked for their name first", false: "not asked (only outside callers are)"}[d.RecordName])
	}
	d.CallerIDName, d.CallerIDNumber = callerID(e.eff, u, call)
	d.Assistants = e.assistants
	d.Reasons = append(d.Reasons, e.assistantWhy...)
	if len(d.Assistants) == 0 {
		d.why("no assistant is available: the call goes to the executive")
		return d
	}
	d.Filtered = true
	names := make([]string, len(d.Assistants))
	for i, t := range d.Assistants {
		names[i] = t.Who
	}
	d.why("alerting %s: %s", d.Mode, strings.Join(names, ", "))
	away := d.Availability.Status != config.Available
	if away && len(e.executive) > 0 {
		d.why("the executive's phones would ring %s, but %s is %s: they do not", e.eff.ExecutiveAlerting, u.Name, d.Availability.Status)
	}
	if d.ExecutivePhones = e.executive; !away && len(d.ExecutivePhones) > 0 {
		d.ExecutiveAlerting, d.ExecutiveFirstFor = e.eff.ExecutiveAlerting, e.eff.ExecutiveFirstFor
		if d.ExecutiveAlerting == "first" {
			d.why("the executive's phones ring first, alone for %s; then the assistants too", d.ExecutiveFirstFor)
		} else {
			d.why("the executive's phones ring together with the assistants")
		}
	}
	if away {
		d.ExecutivePhones = nil
	}
	d.Screening = e.screening
	d.Reasons = append(d.Reasons, e.screeningWhy...)
	if away && len(d.Screening) > 0 {
		d.Screening = nil
		d.why("screening is off while %s is %s", u.Name, d.Availability.Status)
	}
	d.Rollover, d.RolloverEndpoint, d.RolloverTo = e.rollover, e.rolloverEP, e.rolloverTo
	d.Reasons = append(d.Reasons, e.rolloverWhy...)
	return d
}

// availabilityWords says a status for people: "in a meeting until 14:30 (UTC)".
func availabilityWords(a config.Availability) string {
	w := strings.ReplaceAll(a.Status, "-", " ")
	if a.Until != nil {
		w += " until " + a.Until.UTC().Format("2006-01-02 15:04 UTC")
	}
	return w
}
