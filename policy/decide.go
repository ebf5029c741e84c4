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
	Rollover          config.EffectiveRollover
	RolloverEndpoint  string // forward: the validated dial string
	// RolloverTo is where a rolled-over caller goes, for the session and for explain.
	RolloverTo     RolloverTarget
	CallerIDName   string
	CallerIDNumber string
	AlertInfo      string
	problems       []string // see problem
}

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
	if !e.on {
		d.why("filtering is off (%s): normal handling", e.onSource)
		return d
	}
	d.why("filtering is on (%s)", e.onSource)
	for _, a := range u.Executive.Assistants {
		if call.CallerNumber == a {
			d.why("the caller %s is one of the executive's assistants: never filtered", a)
			return d
		}
	}
	origin, why := Origin(plan.cfg, call)
	d.Origin = origin
	d.why("caller is %s: %s", origin, why)
	if !filtered(plan.cfg, u, call, origin, now, &d) {
		return d
	}
	d.Mode, d.RingsPerAssistant, d.RingDuration = e.eff.AlertingMode, e.eff.RingsPerAssistant, e.ringDuration
	d.AlertInfo = e.eff.AlertInfo
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
	d.Screening = e.screening
	d.Reasons = append(d.Reasons, e.screeningWhy...)
	d.Rollover, d.RolloverEndpoint, d.RolloverTo = e.rollover, e.rolloverEP, e.rolloverTo
	d.Reasons = append(d.Reasons, e.rolloverWhy...)
	return d
}

// availableAssistants lists the pool's assistants to alert, in order: opted-out (where
// allowed) and do-not-disturb ones skipped, a divert reached through the dial gate as
// the executive u (a refused divert skips the assistant).
func availableAssistants(cfg *config.Config, rt config.Runtime, u *config.User, eff config.Effective, d *Decision) []Target {
	var out []Target
	e, exec := u.Executive, u.Extension
	for _, ext := range e.Assistants {
		a := cfg.User(ext)
		if a == nil || a.Assistant == nil {
			continue
		}
		ast := rt.Assistants[ext]
		if in, set := ast.OptedIn[exec]; set && !in {
			if e.OptInOutAllowed() {
				d.why("assistant %s (%s) opted out", ext, a.Name)
				continue
			}
			d.why("assistant %s (%s) opted out, but %s does not allow opting out: alerted", ext, a.Name, exec)
		}
		if rt.OnDND(ext) {
			d.why("assistant %s (%s) is on do not disturb: skipped", ext, a.Name)
			continue
		}
		t := Target{Who: ext, Name: a.Name, Location: "devices", AlertInfo: eff.AlertInfo}
		divert := a.Assistant.Divert
		if ast.Divert != nil {
			divert = ast.Divert
		}
		if divert != nil && divert.Enabled {
			ep, _, err := cfg.DialOut(u, divert.To)
			if err != nil {
				d.problem("assistant %s divert to %q skipped: %v", ext, divert.To, err)
				continue
			}
			t.Location, t.Endpoints = "divert", []string{ep}
			d.why("assistant %s (%s) diverts to %s", ext, a.Name, divert.To)
		} else {
			t.Endpoints = a.Devices
		}
		if len(t.Endpoints) == 0 {
			d.why("assistant %s has no device", ext)
			continue
		}
		out = append(out, t)
	}
	return out
}

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

// filtered applies the filtering mode and, for custom, the rules.
func filtered(cfg *config.Config, u *config.User, call Call, origin string, now time.Time, d *Decision) bool {
	f := u.Executive.Filtering
	mode := f.Mode
	if mode == "" {
		mode = "all"
	}
	switch mode {
	case "all":
		d.why("mode all: every call is filtered")
		return true
	case "internal", "external":
		if origin == mode {
			d.why("mode %s: filtered", mode)
			return true
		}
		d.why("mode %s: an %s call is not filtered", mode, origin)
		return false
	}
	matchedFilter, matchedDont := "", ""
	for _, fl := range f.Filters {
		if fl.Active != nil && !*fl.Active {
			d.why("filter %q is deactivated", fl.Name)
			continue
		}
		ok, why := ruleMatches(cfg, u, fl, call, origin, now)
		if !ok {
			d.why("filter %q does not match: %s", fl.Name, why)
			continue
		}
		d.why("filter %q (%s) matches: %s", fl.Name, fl.Action, why)
		if fl.Action == "dont-filter" && matchedDont == "" {
			matchedDont = fl.Name
		}
		if fl.Action == "filter" && matchedFilter == "" {
			matchedFilter = fl.Name
		}
	}
	switch {
	case matchedDont != "":
		d.why("don't-filter rule %q wins: not filtered", matchedDont)
		return false
	case matchedFilter != "":
		d.why("filtered by rule %q", matchedFilter)
		return true
	}
	d.why("no filter rule matches: not filtered")
	return false
}

func ruleMatches(cfg *config.Config, u *config.User, fl config.Filter, call Call, origin string, now time.Time) (bool, string) {
	var why []string
	if fl.When != "" {
		in, w := InSchedule(cfg.Schedules[fl.When], now)
		if !in {
			return false, fmt.Sprintf("schedule %s: %s", fl.When, w)
		}
		why = append(why, fmt.Sprintf("schedule %s: %s", fl.When, w))
	}
	if fl.Holidays != "" {
		if in, w := InSchedule(cfg.Schedules[fl.Holidays], now); in {
			return false, fmt.Sprintf("holiday schedule %s: %s", fl.Holidays, w)
		}
	}
	if len(fl.CallsTo) > 0 {
		ok, w := callsTo(u, fl.CallsTo, call.Dialled)
		if !ok {
			return false, w
		}
		why = append(why, w)
	}
	if cf := fl.CallsFrom; !cf.AnyCaller() {
		ok, w := callsFrom(cf, call, origin)
		if !ok {
			return false, w
		}
		why = append(why, w)
	} else {
		why = append(why, "calls from anyone")
	}
	return true, strings.Join(why, "; ")
}

func callsFrom(cf *config.CallsFrom, call Call, origin string) (bool, string) {
	switch {
	case call.Anonymous && cf.Anonymous:
		return true, "an anonymous caller"
	case call.Unavailable && cf.Unavailable:
		return true, "a caller whose number is unavailable"
	case cf.Internal && origin == "internal":
		return true, "an internal caller"
	case cf.External && origin == "external" && !call.Anonymous && !call.Unavailable:
		return true, "an external caller"
	}
	if !call.Anonymous && !call.Unavailable {
		for _, p := range cf.Numbers {
			if MatchNumber(p, call.CallerNumber) {
				return true, fmt.Sprintf("caller %s matches %s", call.CallerNumber, p)
			}
		}
	}
	return false, fmt.Sprintf("caller %s (%s) is not among calls from", call.Who(), origin)
}

func callsTo(u *config.User, to []string, dialled string) (bool, string) {
	for _, t := range to {
		switch {
		case t == "primary" && (dialled == u.Extension || (len(u.Numbers) > 0 && dialled == u.Numbers[0])):
			return true, "the primary number was dialled"
		case t == "mobility" && dialled != "" && dialled == u.Mobile:
			return true, "the mobility number was dialled"
		case t == dialled:
			return true, fmt.Sprintf("%s was dialled", dialled)
		}
	}
	return false, fmt.Sprintf("%q was dialled, not one of %s", dialled, strings.Join(to, ", "))
}

// callerID is what assistants' phones show (SPEC 2.4: five name and three number modes).
func callerID(eff config.Effective, u *config.User, call Call) (string, string) {
	execName, execNum := u.Name, u.Extension
	if len(u.Numbers) > 0 {
		execNum = u.Numbers[0]
	}
	origName, origNum := call.CallerName, call.CallerNumber
	if origName == "" {
		origName = origNum
	}
	if call.Anonymous {
		origName, origNum = "Anonymous", "anonymous"
	} else if call.Unavailable {
		origName, origNum = "Unavailable", ""
	}
	var name string
	switch eff.CallerIDName {
	case "executive":
		name = execName
	case "executive-originator":
		name = execName + " - " + origName
	case "originator-executive":
		name = origName + " - " + execName
	case "originator":
		name = origName
	case "custom":
		name = eff.CustomName
	}
	var num string
	switch eff.CallerIDNumber {
	case "executive":
		num = execNum
	case "originator":
		num = origNum
	case "custom":
		num = eff.CustomNumber
	}
	if r := []rune(name); len(r) > config.MaxCustomName {
		name = string(r[:config.MaxCustomName])
	}
	return name, num
}

// screening lists the executive's own locations to alert with the screening Alert-Info.
func screening(cfg *config.Config, u *config.User, eff config.Effective, dial config.Dialing, d *Decision) []Target {
	alert := dial.ScreeningAlertInfo(eff.ScreeningAlert)
	out := []Target{{Who: u.Extension, Name: u.Name, Location: "main", Endpoints: u.Devices, AlertInfo: alert}}
	for _, loc := range eff.ScreeningLocations {
		var eps []string
		switch loc {
		case "mobility":
			if u.Mobile != "" {
				eps = screeningNumbers(cfg, u, loc, []string{u.Mobile}, d)
			}
		case "anywhere":
			eps = screeningNumbers(cfg, u, loc, u.Anywhere, d)
		case "shared-call-appearance":
			eps = append(eps, u.SharedAppearances...)
		}
		if len(eps) > 0 {
			out = append(out, Target{Who: u.Extension, Name: u.Name, Location: loc, Endpoints: eps, AlertInfo: alert})
		}
	}
	locs := make([]string, len(out))
	for i, t := range out {
		locs[i] = t.Location
	}
	d.why("screening (%s): the executive's %s ring too", eff.ScreeningAlert, strings.Join(locs, ", "))
	return out
}

// screeningNumbers are the dial strings of an executive's own outside numbers (mobility,
// anywhere), each through the dial gate; a refused one is left out and explain says why.
func screeningNumbers(cfg *config.Config, u *config.User, loc string, numbers []string, d *Decision) []string {
	var eps []string
	for _, n := range numbers {
		ep, _, err := cfg.DialOut(u, n)
		if err != nil {
			d.problem("screening location %s %q skipped: %v", loc, n, err)
			continue
		}
		eps = append(eps, ep)
	}
	return eps
}
