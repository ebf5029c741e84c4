package config

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // schedules name IANA zones; do not depend on the host's tzdata

	"github.com/execassist/execassist/internal/dialstring"
	"github.com/execassist/execassist/internal/numbering"
	"github.com/execassist/execassist/internal/safetext"
	"github.com/execassist/execassist/internal/secret"
)

// Limits from SPEC: pool size, rings, rollover timer, caller-ID text.
const (
	MaxAssistants       = 25
	MinRings, MaxRings  = 1, 20
	MaxRollover         = 7200 * time.Second
	MaxCustomName       = 80
	MaxCustomNumber     = 23
	MinRecall, MaxRecal = 2, 20
	MaxAlertInfo        = 256
	// MaxFilters bounds an executive's custom filters, and MaxFilterNumbers the numbers
	// (calls from, calls to) of one filter: every call is matched against all of them,
	// and every change is journalled and audited.
	MaxFilters       = 64
	MaxFilterNumbers = 12
	MaxLists         = 20  // named number lists per level (organisation, executive)
	MaxListNumbers   = 500 // numbers per list
)

var (
	extensionRE = regexp.MustCompile(`^[0-9]{1,15}$`)
	codeRE      = regexp.MustCompile(`^[*#][0-9*#]{1,7}$`)
	nameRE      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	appRE       = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	listNameRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$`)
	patternRE   = regexp.MustCompile(`^\+?[0-9#?]*[0-9#?*]$|^\*$`)
	premiumRE   = regexp.MustCompile(`^\+[0-9]+\*?$`)
	prefixRE    = regexp.MustCompile(`^[0-9]{1,6}$`)
	hhmmRE      = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)
	dayNames    = map[string]bool{"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true}
	voicemailRE = regexp.MustCompile(`^[0-9A-Za-z_-]+(@[A-Za-z0-9_-]+)?$`)
)

type oneOf []string

func (o oneOf) has(v string) bool {
	for _, x := range o {
		if x == v {
			return true
		}
	}
	return false
}

var (
	alertingModes = oneOf{"simultaneous", "sequential"}
	// executiveAlerting: whether the executive's own phones ring for a filtered call.
	executiveAlerting = oneOf{"no", "first", "together"}
	// availabilityActions: what a call does while the executive has a status.
	availabilityActions = oneOf{"none", "filter-all", "forward", "voicemail"}
	rolloverAction      = oneOf{"voice-messaging", "forward", "no-answer-processing"}
	clidNames           = oneOf{"executive", "executive-originator", "originator-executive", "originator", "custom"}
	clidNumbers         = oneOf{"executive", "originator", "custom"}
	screenAlerts        = oneOf{"silent", "ring-splash"}
	screenLocs          = oneOf{"mobility", "anywhere", "shared-call-appearance"}
	filterModes         = oneOf{"all", "internal", "external", "custom"}
	filterActions       = oneOf{"filter", "dont-filter"}
	warningTones        = oneOf{"none", "barge-in", "barge-in-repeat"}
	logLevels           = oneOf{"debug", "info", "warn", "error"}
	logFormats          = oneOf{"json", "console"}
)

type validator struct {
	src  *Source
	errs errorList
	cfg  *Config
	// plan is the dialing plan of the configuration being checked (nil when its dialing
	// section is broken: that is reported there, and numbers get the digits check only).
	plan *numbering.Plan
}

func (v *validator) add(path, format string, args ...any) {
	v.errs.add(FieldError{File: v.src.fileName(), Line: v.src.Line(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (s *Source) fileName() string {
	if s == nil {
		return ""
	}
	return s.File
}

func (v *validator) enum(path, val string, allowed oneOf) {
	if val != "" && !allowed.has(val) {
		v.add(path, "%q is not one of %s", val, strings.Join(allowed, ", "))
	}
}

func (v *validator) number(path, val string) {
	if val == "" {
		return
	}
	if err := dialstring.Number(val); err != nil {
		v.add(path, "%v", err)
	}
}

// text refuses, in a name a user sets, characters that forge what is shown where the
// name appears (a console row, a phone's display, a log line): control characters,
// line breaks and bidi overrides.
func (v *validator) text(path, val string) {
	if safetext.Unsafe(val) {
		v.add(path, "may not contain control characters (such as NUL, escape or line breaks), bidirectional overrides or invalid UTF-8")
	}
}

// gated runs a dial-gate check on a number set at path; what names the setting in
// words. Without a dialing plan (its section is broken, and reported there) numbers get
// the digits check only.
func (v *validator) gated(path, what, val string, check func(plan *numbering.Plan) error) {
	switch {
	case val == "":
	case v.plan == nil:
		v.number(path, val)
	default:
		if err := check(v.plan); err != nil {
			v.add(path, "%s: %v", what, err)
		}
	}
}

// dialled checks a number execassist dials as identity (nil: with the organisation's
// permissions).
func (v *validator) dialled(path, what string, identity *User, val string) {
	v.gated(path, what, val, func(plan *numbering.Plan) error { _, err := v.cfg.gate(plan, identity, val); return err })
}

// shown checks a number shown to callees but never dialled (a custom caller ID).
func (v *validator) shown(path, what, val string) {
	v.gated(path, what, val, func(plan *numbering.Plan) error { _, err := checkNumber(plan, val); return err })
}

// divert checks an assistant's divert number as each executive it serves would dial it.
func (v *validator) divert(path, assistant, val string) {
	v.gated(path, "divert number", val, func(plan *numbering.Plan) error { return v.cfg.gateDivert(plan, assistant, val) })
}

// Validate checks values and cross-references. src may be nil (no line numbers), e.g.
// for a config read back from the store.
func Validate(c *Config, src *Source) Errors {
	v := &validator{src: src, errs: errorList{file: src.fileName()}, cfg: c}
	v.ari(c)
	before := len(v.errs.errs)
	v.dialing(c)
	if len(v.errs.errs) == before {
		v.plan, _ = c.buildPlan()
	}
	v.codes(c)
	v.prompts(c)
	v.digitTimeouts(c)
	for name, s := range c.Schedules {
		v.schedule("schedules."+name, name, s)
	}
	v.numberLists("lists", c.Lists, nil)
	v.settings("defaults", &c.Defaults, nil)
	if r := Resolve(&c.Defaults).Rollover; r.Action == "forward" && r.To == "" {
		v.add("defaults.alerting.rollover.to", "is required: rollover action is forward")
	}
	v.users(c)
	v.admins(c)
	return v.errs.result()
}

// ValidateRuntime checks what users set for themselves that Validate does not see in
// the effective configuration: assistants' own divert numbers, as each executive they
// serve would dial them (c is the configuration with the runtime laid over it). Only
// what changed from before is checked: a number an older version let through is refused
// when it is dialled, and must not block everybody else's writes.
func ValidateRuntime(c *Config, before, rt Runtime) Errors {
	v := &validator{errs: errorList{}, cfg: c}
	v.plan, _ = c.buildPlan()
	for _, ext := range slices.Sorted(maps.Keys(rt.Assistants)) {
		d := rt.Assistants[ext].Divert
		if d == nil {
			continue
		}
		if old := before.Assistants[ext].Divert; old != nil && *old == *d {
			continue
		}
		p := "assistants." + ext + ".divert.to"
		if d.Enabled && d.To == "" {
			v.add(p, "is required when divert is enabled")
		}
		v.divert(p, ext, d.To)
	}
	return v.errs.result()
}

// admins: a name that is not an extension (sign-in tells them apart) and a usable hash.
func (v *validator) admins(c *Config) {
	seen := map[string]bool{}
	for i, a := range c.Admins {
		p := fmt.Sprintf("admins[%d]", i)
		switch {
		case !nameRE.MatchString(a.Name) || extensionRE.MatchString(a.Name):
			v.add(p+".name", "%q: 1-64 letters, digits, - and _, not all digits (extensions sign in as users)", a.Name)
		case seen[a.Name]:
			v.add(p+".name", "%q is listed twice", a.Name)
		}
		seen[a.Name] = true
		if err := secret.Valid(a.SecretHash); err != nil {
			v.add(p+".secret_hash", "%v (make one with: execassist user hash)", err)
		}
	}
}

func (v *validator) ari(c *Config) {
	if c.ARI.URL != "" {
		u, err := url.Parse(c.ARI.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add("ari.url", "%q is not an http(s) URL such as http://127.0.0.1:8088/ari", safetext.URL(c.ARI.URL))
		}
	}
	if c.ARI.App != "" && !appRE.MatchString(c.ARI.App) {
		v.add("ari.app", "%q: letters, digits, - and _ only", c.ARI.App)
	}
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			v.add("listen", "%q is not host:port (e.g. 127.0.0.1:9180)", c.Listen)
		}
	}
	v.store(c.Store)
	v.enum("log.level", c.Log.Level, logLevels)
	v.enum("log.format", c.Log.Format, logFormats)
}

func (v *validator) dialing(c *Config) {
	d := c.Dialing
	if d.InternalPattern != "" {
		if _, err := regexp.Compile(d.InternalPattern); err != nil {
			v.add("dialing.internal_pattern", "not a regular expression: %v", err)
		}
	}
	if d.Outbound != "" {
		if err := dialstring.Template(d.Outbound); err != nil {
			v.add("dialing.outbound", "%v", err)
		}
	}
	if d.VoicemailContext != "" && !nameRE.MatchString(d.VoicemailContext) {
		v.add("dialing.voicemail_context", "%q is not a dialplan context name", d.VoicemailContext)
	}
	if d.NoAnswerLabel != "" && !nameRE.MatchString(d.NoAnswerLabel) {
		v.add("dialing.no_answer_label", "%q is not a dialplan label", d.NoAnswerLabel)
	}
	if d.HomeCountry != "" {
		if _, _, err := numbering.HomeRegion(d.HomeCountry); err != nil {
			v.add("dialing.home_country", "%v", err)
		}
	}
	for i, r := range d.NationalRegions {
		if !numbering.ValidRegion(r) {
			v.add(fmt.Sprintf("dialing.national_regions[%d]", i), "%q is not a region such as US or CA", r)
		}
	}
	for key, val := range map[string]string{"international_prefix": d.InternationalPrefix, "national_prefix": d.NationalPrefix} {
		if val != "" && !prefixRE.MatchString(val) {
			v.add("dialing."+key, "%q must be 1-6 digits", val)
		}
	}
	for i, p := range d.Premium {
		if !premiumRE.MatchString(p) {
			v.add(fmt.Sprintf("dialing.premium[%d]", i), "%q must be +digits with an optional trailing *", p)
		}
	}
	for key, val := range map[string]string{"silent_alert_info": d.SilentAlertInfo, "ring_splash_alert_info": d.RingSplashAlertInfo} {
		if len(val) > MaxAlertInfo || strings.ContainsAny(val, "\r\n") {
			v.add("dialing."+key, "must be one line of at most %d characters", MaxAlertInfo)
		}
	}
	if d.AutoAnswer != "" {
		if _, _, ok := parseHeader(d.AutoAnswer); !ok || len(d.AutoAnswer) > MaxAlertInfo {
			v.add("dialing.auto_answer", "%q must be one SIP header such as \"Call-Info: <sip:127.0.0.1>;answer-after=0\"", d.AutoAnswer)
		}
	}
	for _, dev := range slices.Sorted(maps.Keys(d.AutoAnswerDevices)) {
		h := d.AutoAnswerDevices[dev]
		if _, _, ok := parseHeader(h); (!ok && h != "none") || len(h) > MaxAlertInfo || dialstring.Device(dev) != nil {
			v.add("dialing.auto_answer_devices."+dev, "%q must be a device such as PJSIP/1002 with one SIP header, or none", h)
		}
	}
	if d.RingDuration != 0 && (d.RingDuration.D() < time.Second || d.RingDuration.D() > 30*time.Second) {
		v.add("dialing.ring_duration", "%s is outside 1s-30s", d.RingDuration.D())
	}
}

func (v *validator) codes(c *Config) {
	k := c.EffectiveCodes()
	seen := map[string]string{}
	for _, f := range []struct{ key, val string }{
		{"filtering_on", k.FilteringOn}, {"filtering_off", k.FilteringOff}, {"push", k.Push},
		{"initiate", k.Initiate}, {"opt_in", k.OptIn}, {"opt_out", k.OptOut},
		{"retrieve", k.Retrieve}, {"bridge", k.Bridge}, {"e164", k.E164}, {"voicemail", k.Voicemail}, {"intercom", k.Intercom},
		{"availability", k.Availability},
	} {
		path := "codes." + f.key
		if !codeRE.MatchString(f.val) {
			v.add(path, "%q must start with * or # followed by 1-7 of 0-9 * #", f.val)
			continue
		}
		if other, dup := seen[f.val]; dup && f.key != "e164" && other != "e164" {
			v.add(path, "%q is already the code for %s", f.val, other)
		}
		seen[f.val] = f.key
	}
}

var mediaRE = regexp.MustCompile(`^(sound|tone|recording|digits|number|characters):[A-Za-z0-9_./:;=|-]{1,200}$`)

func (v *validator) prompts(c *Config) {
	p := c.Prompts
	for key, val := range map[string]string{"filtering_on": p.FilteringOn, "filtering_off": p.FilteringOff,
		"confirm": p.Confirm, "not_allowed": p.NotAllowed, "invalid": p.Invalid,
		"enter_executive": p.EnterExecutive, "enter_number": p.EnterNumber, "warning_tone": p.WarningTone,
		"not_in_pool": p.NotInPool, "no_call": p.NoCall, "destination_not_permitted": p.DestinationNotPermitted,
		"unavailable": p.Unavailable, "other_node": strings.ReplaceAll(p.OtherNode, "{node}", "node")} {
		for _, m := range strings.Split(val, ",") {
			if val != "" && !mediaRE.MatchString(m) {
				v.add("prompts."+key, "%q is not ARI media such as sound:beep or tone:ring (several: comma-separated)", m)
			}
		}
	}
}

func (v *validator) digitTimeouts(c *Config) {
	if d := c.Prompts.WarningToneDuration; d != 0 && (d.D() < 200*time.Millisecond || d.D() > 10*time.Second) {
		v.add("prompts.warning_tone_duration", "%s is outside 200ms-10s", d.D())
	}
	for key, d := range map[string]Duration{"digit_timeout": c.Prompts.DigitTimeout, "inter_digit_timeout": c.Prompts.InterDigitTimeout} {
		if d != 0 && (d.D() < time.Second || d.D() > time.Minute) {
			v.add("prompts."+key, "%s is outside 1s-60s", d.D())
		}
	}
}

func (v *validator) schedule(path, name string, s Schedule) {
	if !nameRE.MatchString(name) {
		v.add(path, "schedule name %q: letters, digits, - and _ only", name)
	}
	if s.Timezone == "" {
		v.add(path+".timezone", "is required (an IANA zone such as America/New_York)")
	} else if _, err := time.LoadLocation(s.Timezone); err != nil {
		v.add(path+".timezone", "%q is not an IANA time zone", s.Timezone)
	}
	if len(s.Weekly) == 0 && len(s.Dates) == 0 {
		v.add(path, "needs weekly windows or dates")
	}
	for i, w := range s.Weekly {
		wp := fmt.Sprintf("%s.weekly[%d]", path, i)
		if len(w.Days) == 0 {
			v.add(wp+".days", "is required (mon, tue, wed, thu, fri, sat, sun)")
		}
		for j, d := range w.Days {
			if !dayNames[d] {
				v.add(fmt.Sprintf("%s.days[%d]", wp, j), "%q is not one of mon, tue, wed, thu, fri, sat, sun", d)
			}
		}
		okFrom, okTo := hhmmRE.MatchString(w.From), hhmmRE.MatchString(w.To)
		if !okFrom {
			v.add(wp+".from", "%q is not a time HH:MM", w.From)
		}
		if !okTo {
			v.add(wp+".to", "%q is not a time HH:MM", w.To)
		}
		if okFrom && okTo && w.From >= w.To {
			v.add(wp, "from %s is not before to %s", w.From, w.To)
		}
	}
	for i, d := range s.Dates {
		dp := fmt.Sprintf("%s.dates[%d]", path, i)
		a, b, isRange := strings.Cut(d, "..")
		if !isRange {
			b = a
		}
		ta, ea := time.Parse(time.DateOnly, a)
		tb, eb := time.Parse(time.DateOnly, b)
		switch {
		case ea != nil || eb != nil:
			v.add(dp, "%q is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD", d)
		case tb.Before(ta):
			v.add(dp, "range %q ends before it starts", d)
		}
	}
}

// settings checks one settings block; identity is the executive it belongs to (nil:
// the organisation's defaults).
func (v *validator) settings(path string, s *Settings, identity *User) {
	for _, status := range slices.Sorted(maps.Keys(s.AvailabilityActions)) {
		a, ap := s.AvailabilityActions[status], path+".availability_actions."+status
		v.enum(ap, status, oneOf(Statuses))
		if a.Action == "" {
			v.add(ap+".action", "is required (none, filter-all, forward or voicemail)")
		}
		v.enum(ap+".action", a.Action, availabilityActions)
		switch {
		case a.Action == "forward" && a.To == "":
			v.add(ap+".to", "is required: the action is forward")
		case a.Action != "forward" && a.To != "":
			v.add(ap+".to", "applies only to the forward action")
		case a.To != "":
			v.dialled(ap+".to", "availability forward number", identity, a.To)
		}
	}
	for i, name := range s.Bypass {
		if _, ok := v.cfg.NumberList(identity, name); !ok {
			v.add(fmt.Sprintf("%s.bypass[%d]", path, i), "no number list named %q", name)
		}
	}
	if a := s.Alerting; a != nil {
		ap := path + ".alerting"
		v.enum(ap+".mode", a.Mode, alertingModes)
		v.enum(ap+".executive", a.Executive, executiveAlerting)
		if a.ExecutiveFor != nil && (a.ExecutiveFor.D() < 2*time.Second || a.ExecutiveFor.D() > 60*time.Second) {
			v.add(ap+".executive_for", "%s is outside 2s-60s", a.ExecutiveFor.D())
		}
		if a.RingsPerAssistant != nil && (*a.RingsPerAssistant < MinRings || *a.RingsPerAssistant > MaxRings) {
			v.add(ap+".rings_per_assistant", "%d is outside %d-%d", *a.RingsPerAssistant, MinRings, MaxRings)
		}
		if r := a.Rollover; r != nil {
			rp := ap + ".rollover"
			if r.After != nil && (r.After.D() < 0 || r.After.D() > MaxRollover) {
				v.add(rp+".after", "%s is outside 0s-7200s", r.After.D())
			}
			v.enum(rp+".action", r.Action, rolloverAction)
			v.dialled(rp+".to", "rollover forward number", identity, r.To)
		}
		if c := a.CallerID; c != nil {
			cp := ap + ".caller_id"
			v.enum(cp+".name", c.Name, clidNames)
			v.enum(cp+".number", c.Number, clidNumbers)
			if len([]rune(c.CustomName)) > MaxCustomName {
				v.add(cp+".custom_name", "is %d characters; at most %d", len([]rune(c.CustomName)), MaxCustomName)
			}
			if strings.ContainsAny(c.CustomName, "\"<>\r\n\\") {
				v.add(cp+".custom_name", "may not contain quotes, <, >, backslashes or line breaks")
			} else {
				v.text(cp+".custom_name", c.CustomName)
			}
			if len(c.CustomNumber) > MaxCustomNumber {
				v.add(cp+".custom_number", "is %d characters; at most %d", len(c.CustomNumber), MaxCustomNumber)
			} else {
				v.shown(cp+".custom_number", "custom caller ID number", c.CustomNumber)
			}
			if c.Name == "custom" && c.CustomName == "" {
				v.add(cp+".custom_name", "is required when name is custom")
			}
			if c.Number == "custom" && c.CustomNumber == "" {
				v.add(cp+".custom_number", "is required when number is custom")
			}
		}
		if a.AlertInfo != nil {
			switch {
			case len(*a.AlertInfo) > MaxAlertInfo:
				v.add(ap+".alert_info", "is %d characters; at most %d", len(*a.AlertInfo), MaxAlertInfo)
			case strings.ContainsAny(*a.AlertInfo, "\r\n"):
				v.add(ap+".alert_info", "may not contain line breaks")
			}
		}
	}
	if sc := s.Screening; sc != nil {
		sp := path + ".screening"
		v.enum(sp+".alert", sc.Alert, screenAlerts)
		for i, l := range sc.Locations {
			v.enum(fmt.Sprintf("%s.locations[%d]", sp, i), l, screenLocs)
		}
	}
	v.enum(path+".bridge_warning_tone", s.BridgeWarningTone, warningTones)
	if r := s.PushRecallRings; r != nil && (*r < MinRecall || *r > MaxRecal) {
		v.add(path+".push_recall_rings", "%d is outside %d-%d", *r, MinRecall, MaxRecal)
	}
	if a := s.AnnouncePush; a != nil && a.Timeout != nil && (a.Timeout.D() < 2*time.Second || a.Timeout.D() > 30*time.Second) {
		v.add(path+".announce_push.timeout", "%s is outside 2s-30s", a.Timeout.D())
	}
}

func (v *validator) users(c *Config) {
	byExt := map[string]int{}
	numbers := map[string]string{}
	devices := map[string]int{}
	for i, u := range c.Users {
		p := fmt.Sprintf("users[%d]", i)
		switch {
		case u.Extension == "":
			v.add(p+".extension", "is required")
		case !extensionRE.MatchString(u.Extension):
			v.add(p+".extension", "%q must be 1-15 digits", u.Extension)
		default:
			if j, dup := byExt[u.Extension]; dup {
				v.add(p+".extension", "%q is also users[%d]", u.Extension, j)
			} else {
				byExt[u.Extension] = i
			}
		}
		if u.SecretHash != "" {
			if err := secret.Valid(u.SecretHash); err != nil {
				v.add(p+".secret_hash", "%v (make one with: execassist user hash)", err)
			}
		}
		if len([]rune(u.Name)) > MaxCustomName || strings.ContainsAny(u.Name, "\"<>\r\n\\") {
			v.add(p+".name", "at most %d characters, without quotes, <, >, backslashes or line breaks", MaxCustomName)
		} else {
			v.text(p+".name", u.Name)
		}
		if u.Group != "" && !nameRE.MatchString(u.Group) {
			v.add(p+".group", "%q: letters, digits, - and _ only", u.Group)
		}
		if len(u.Devices) == 0 {
			v.add(p+".devices", "needs at least one device (alerting rings it; FACs know the user by it)")
		}
		for j, d := range u.Devices {
			dp := fmt.Sprintf("%s.devices[%d]", p, j)
			if err := dialstring.Device(d); err != nil {
				v.add(dp, "%v", err)
			}
			if other, dup := devices[d]; dup && other != i {
				v.add(dp, "%q is also a device of users[%d]: its FACs would act as the wrong user", d, other)
			} else {
				devices[d] = i
			}
		}
		for j, d := range u.SharedAppearances {
			if err := dialstring.Device(d); err != nil {
				v.add(fmt.Sprintf("%s.shared_appearances[%d]", p, j), "%v", err)
			}
		}
		for j, n := range u.Numbers {
			np := fmt.Sprintf("%s.numbers[%d]", p, j)
			v.number(np, n)
			if other, dup := numbers[n]; dup {
				v.add(np, "%q is also a number of %s", n, other)
			}
			numbers[n] = p
		}
		// The mobility and anywhere numbers ring as screening locations of an executive,
		// with the executive's identity; other users' are never dialled by execassist.
		if u.Executive != nil {
			v.dialled(p+".mobile", "mobile number", &c.Users[i], u.Mobile)
			for j, n := range u.Anywhere {
				v.dialled(fmt.Sprintf("%s.anywhere[%d]", p, j), "anywhere number", &c.Users[i], n)
			}
		} else {
			v.shown(p+".mobile", "mobile number", u.Mobile)
			for j, n := range u.Anywhere {
				v.shown(fmt.Sprintf("%s.anywhere[%d]", p, j), "anywhere number", n)
			}
		}
		if u.Voicemail != "" && !voicemailRE.MatchString(u.Voicemail) {
			v.add(p+".voicemail", "%q is not a mailbox such as 1001@default", u.Voicemail)
		}
		if u.Assistant != nil && u.Assistant.Divert != nil {
			d := u.Assistant.Divert
			if d.Enabled && d.To == "" {
				v.add(p+".assistant.divert.to", "is required when divert is enabled")
			}
			v.divert(p+".assistant.divert.to", u.Extension, d.To)
		}
		if u.CallingPerms != nil && u.Executive == nil {
			v.add(p+".calling_permissions", "applies only to users with the executive service (it limits #64 calls placed as them)")
		}
	}
	for i := range c.Users {
		if c.Users[i].Executive != nil {
			v.executive(c, fmt.Sprintf("users[%d].executive", i), &c.Users[i])
		}
	}
}

func groupOf(u *User) string {
	if u.Group == "" {
		return "default"
	}
	return u.Group
}

func (v *validator) executive(c *Config, p string, u *User) {
	e := u.Executive
	if len(e.Assistants) > MaxAssistants {
		v.add(p+".assistants", "has %d assistants; at most %d", len(e.Assistants), MaxAssistants)
	}
	seen := map[string]bool{}
	for i, ext := range e.Assistants {
		ap := fmt.Sprintf("%s.assistants[%d]", p, i)
		a := c.User(ext)
		switch {
		case ext == u.Extension:
			v.add(ap, "%q is the executive itself", ext)
		case seen[ext]:
			v.add(ap, "%q is listed twice", ext)
		case a == nil:
			v.add(ap, "%q is not a user in this file", ext)
		case a.Assistant == nil:
			who := fmt.Sprintf("%q", ext)
			if a.Name != "" {
				who += " (" + a.Name + ")"
			}
			v.add(ap, "%s does not have the assistant service (add `assistant: {}` to that user)", who)
		case groupOf(a) != groupOf(u):
			v.add(ap, "%q is in group %q, the executive in %q", ext, groupOf(a), groupOf(u))
		}
		seen[ext] = true
	}
	v.numberLists(p+".lists", e.Lists, c.Lists)
	for _, ext := range slices.Sorted(maps.Keys(e.AssistantPermissions)) {
		if !seen[ext] {
			v.add(p+".assistant_permissions."+ext, "%q is not in the pool (assistants): permissions are for assistants of this executive", ext)
		}
	}
	f := e.Filtering
	v.enum(p+".filtering.mode", f.Mode, filterModes)
	if f.Mode == "custom" && len(f.Filters) == 0 {
		v.add(p+".filtering.filters", "custom mode needs at least one filter")
	}
	// Filters are kept in the other modes (unused there), as Webex keeps criteria whatever
	// the filter type: an executive can prepare them and then switch to custom.
	if len(f.Filters) > MaxFilters {
		v.add(p+".filtering.filters", "has %d filters; at most %d per executive", len(f.Filters), MaxFilters)
	}
	names := map[string]bool{}
	for i, fl := range f.Filters {
		fp := fmt.Sprintf("%s.filtering.filters[%d]", p, i)
		if cf := fl.CallsFrom; cf != nil && len(cf.Numbers) > MaxFilterNumbers {
			v.add(fp+".calls_from.numbers", "has %d numbers; at most %d per filter", len(cf.Numbers), MaxFilterNumbers)
		}
		if len(fl.CallsTo) > MaxFilterNumbers {
			v.add(fp+".calls_to", "has %d numbers; at most %d per filter", len(fl.CallsTo), MaxFilterNumbers)
		}
		if fl.Name == "" {
			v.add(fp+".name", "is required")
		} else if names[fl.Name] {
			v.add(fp+".name", "%q is used by another filter", fl.Name)
		}
		names[fl.Name] = true
		if len([]rune(fl.Name)) > MaxCustomName {
			v.add(fp+".name", "at most %d characters", MaxCustomName)
		}
		v.text(fp+".name", fl.Name)
		if fl.When != "" {
			if _, ok := c.Schedules[fl.When]; !ok {
				v.add(fp+".when", "no schedule named %q", fl.When)
			}
		}
		if fl.Holidays != "" {
			if _, ok := c.Schedules[fl.Holidays]; !ok {
				v.add(fp+".holidays", "no schedule named %q", fl.Holidays)
			}
		}
		if fl.Action == "" {
			v.add(fp+".action", "is required (filter or dont-filter)")
		}
		v.enum(fp+".action", fl.Action, filterActions)
		if cf := fl.CallsFrom; cf != nil {
			for j, name := range cf.Lists {
				if _, ok := c.NumberList(u, name); !ok {
					v.add(fmt.Sprintf("%s.calls_from.lists[%d]", fp, j), "no number list named %q (lists: the organisation's, or the executive's own)", name)
				}
			}
			for j, n := range cf.Numbers {
				if !patternRE.MatchString(n) || len(n) > dialstring.MaxDigits {
					v.add(fmt.Sprintf("%s.calls_from.numbers[%d]", fp, j), "%q: digits, # and ? (one digit), + first, * last (any rest)", n)
				}
			}
		}
		for j, to := range fl.CallsTo {
			if to != "primary" && to != "mobility" && !contains(u.Numbers, to) {
				v.add(fmt.Sprintf("%s.calls_to[%d]", fp, j), "%q is not primary, mobility or one of the executive's numbers", to)
			}
		}
	}
	v.settings(p, &e.Settings, u)
	eff := c.ExecutiveSettings(u)
	if eff.Rollover.Action == "forward" && eff.Rollover.To == "" {
		v.add(p+".alerting.rollover.to", "is required: rollover action is forward")
	}
	if own := e.Alerting; (own == nil || own.Rollover == nil || own.Rollover.To == "") && eff.Rollover.To != "" {
		v.dialled(p+".alerting.rollover.to", "rollover forward number (from defaults)", u, eff.Rollover.To)
	}
	for _, l := range eff.ScreeningLocations {
		switch {
		case l == "mobility" && u.Mobile == "":
			v.add(p+".screening.locations", "mobility is chosen but the user has no mobile number")
		case l == "anywhere" && len(u.Anywhere) == 0:
			v.add(p+".screening.locations", "anywhere is chosen but the user has no anywhere numbers")
		case l == "shared-call-appearance" && len(u.SharedAppearances) == 0:
			v.add(p+".screening.locations", "shared-call-appearance is chosen but the user has no shared_appearances")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	nodeRE       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
	etcdPrefixRE = regexp.MustCompile(`^(/[A-Za-z0-9._-]+)+$`)
)

func (v *validator) store(s Store) {
	switch s.Backend {
	case "", "bbolt":
		if len(s.Endpoints) > 0 {
			v.add("store.endpoints", "only the etcd backend has endpoints (set backend: etcd)")
		}
	case "etcd":
		if len(s.Endpoints) == 0 {
			v.add("store.endpoints", "the etcd backend needs at least one endpoint, e.g. http://10.0.0.5:2379")
		}
		for i, e := range s.Endpoints {
			u, err := url.Parse(e)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
				v.add(fmt.Sprintf("store.endpoints[%d]", i), "%q is not an etcd client URL such as https://10.0.0.5:2379", safetext.URL(e))
			}
		}
	default:
		v.add("store.backend", "%q is not bbolt or etcd", s.Backend)
	}
	if s.Node != "" && !nodeRE.MatchString(s.Node) {
		v.add("store.node", "%q: up to 63 letters, digits, '.', '-' and '_'", s.Node)
	}
	if s.Prefix != "" && !etcdPrefixRE.MatchString(s.Prefix) {
		v.add("store.prefix", "%q is not a key prefix such as /execassist", s.Prefix)
	}
	if (s.TLS.Cert == "") != (s.TLS.Key == "") {
		v.add("store.tls", "cert and key go together")
	}
	if s.MaxTxnOps < 0 {
		v.add("store.max_txn_ops", "must not be negative")
	}
}

// numberLists checks one level's named number lists: names, patterns, bounds; an
// executive's list may not take an organisation list's name (org: the organisation's,
// nil when checking those).
func (v *validator) numberLists(path string, lists map[string][]string, org map[string][]string) {
	if len(lists) > MaxLists {
		v.add(path, "has %d lists; at most %d", len(lists), MaxLists)
	}
	for _, name := range slices.Sorted(maps.Keys(lists)) {
		lp := path + "." + name
		switch _, taken := org[name]; {
		case !listNameRE.MatchString(name):
			v.add(lp, "%q: a list name is 1-40 letters, digits, spaces, . _ -, starting with a letter or digit", name)
		case taken:
			v.add(lp, "%q is an organisation list already: give the executive's list another name", name)
		}
		nums := lists[name]
		if len(nums) > MaxListNumbers {
			v.add(lp, "has %d numbers; at most %d per list", len(nums), MaxListNumbers)
			continue
		}
		for j, n := range nums {
			if !patternRE.MatchString(n) || len(n) > dialstring.MaxDigits {
				v.add(fmt.Sprintf("%s[%d]", lp, j), "%q: digits, # and ? (one digit), + first, * last (any rest)", n)
			}
		}
	}
}
