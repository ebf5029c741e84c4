package config

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Builtin are the BroadWorks / Webex defaults, beneath the organisation defaults.
var Builtin = struct {
	Dialing  Dialing
	Codes    Codes
	Prompts  Prompts
	Settings Effective
}{
	Prompts: Prompts{FilteringOn: "sound:activated", FilteringOff: "sound:de-activated", Confirm: "sound:beep",
		NotAllowed: "sound:feature-not-avail-line", Invalid: "sound:pbx-invalid",
		NotInPool: "sound:im-sorry,sound:feature-not-avail-line", NoCall: "sound:im-sorry",
		DestinationNotPermitted: "sound:cannot-complete-as-dialed",
		Unavailable:             "sound:an-error-has-occured,sound:pls-try-again",
		OtherNode:               "sound:im-sorry,sound:feature-not-avail-line,characters:{node}",
		EnterExecutive:          "sound:please-enter-the,sound:extension", EnterNumber: "sound:please-enter-the,sound:number",
		WarningTone: "tone:stutter", WarningToneDuration: Duration(1500 * time.Millisecond), DigitTimeout: Duration(10 * time.Second), InterDigitTimeout: Duration(5 * time.Second),
		PushAnnouncement: "sound:vm-from,digits:{caller},sound:beep", SayYourName: "sound:vm-rec-name"},
	Dialing: Dialing{
		InternalPattern:     `^[1-9][0-9]{2,5}$`,
		Outbound:            "Local/{number}@execassist-outbound",
		VoicemailContext:    "execassist-voicemail",
		NoAnswerLabel:       "execassist-noanswer",
		HomeCountry:         "1",
		RingDuration:        Duration(6 * time.Second),
		SilentAlertInfo:     "<http://127.0.0.1/silent>;info=alert-silent",
		RingSplashAlertInfo: "<http://127.0.0.1/Bellcore-dr5>;info=ring-splash",
		AutoAnswer:          "Call-Info: <sip:127.0.0.1>;answer-after=0",
	},
	Codes: Codes{FilteringOn: "#61", FilteringOff: "#62", Push: "#63", Initiate: "#64",
		OptIn: "#65", OptOut: "#66", Retrieve: "*11", Bridge: "*15", E164: "*14", Voicemail: "#67", Intercom: "#68", Availability: "#69"},
	Settings: Effective{
		AlertingMode:      "simultaneous",
		ExecutiveAlerting: "no",
		ExecutiveFirstFor: 10 * time.Second,
		RingsPerAssistant: 3,
		Rollover:          EffectiveRollover{Enabled: true, After: 30 * time.Second, Action: "voice-messaging"},
		CallerIDName:      "executive-originator",
		CallerIDNumber:    "originator",
		ScreeningAlert:    "silent",
		Permissions:       EffectivePermissions{Internal: true, National: true},
		BridgeWarningTone: "barge-in",
		PushRecallRings:   4,
		AnnounceTimeout:   8 * time.Second,
	},
}

// Effective is an executive's settings after applying user, organisation and built-in
// values, field by field: what the policy core reads.
type Effective struct {
	AlertingMode       string
	ExecutiveAlerting  string        // no | first | together
	ExecutiveFirstFor  time.Duration // first: how long the executive rings alone
	RingsPerAssistant  int
	Rollover           EffectiveRollover
	CallerIDName       string
	CallerIDNumber     string
	CustomName         string
	CustomNumber       string
	AlertInfo          string
	ScreeningEnabled   bool
	ScreeningAlert     string
	ScreeningLocations []string
	Permissions        EffectivePermissions
	BridgeWarningTone  string
	PushRecallRings    int
	AnnouncePush       bool
	RecordCallerName   bool
	AnnounceTimeout    time.Duration
	Bypass             []string // number lists whose callers go straight to the executive
	// AvailabilityActions by status (in-a-meeting, out-of-office, busy).
	AvailabilityActions map[string]AvailabilityAction
}

// EffectiveRollover is the resolved rollover.
type EffectiveRollover struct {
	Enabled bool
	After   time.Duration
	Action  string
	To      string
}

// EffectivePermissions is the resolved calling permissions.
type EffectivePermissions struct {
	Internal, National, International, Premium bool
}

// EffectiveDialing returns dialing settings with built-in values where unset.
func (c *Config) EffectiveDialing() Dialing {
	d := c.Dialing
	fillUnset(&d, Builtin.Dialing)
	return d
}

// ScreeningAlertInfo is the Alert-Info for a screening alert type.
func (d Dialing) ScreeningAlertInfo(alert string) string {
	if alert == "ring-splash" {
		return d.RingSplashAlertInfo
	}
	return d.SilentAlertInfo
}

// AutoAnswerFor is the header that makes device answer by itself: its entry in
// AutoAnswerDevices, else AutoAnswer (ok false for none, or "none").
func (d Dialing) AutoAnswerFor(device string) (name, value string, ok bool) {
	if h, set := d.AutoAnswerDevices[device]; set {
		return parseHeader(h)
	}
	return parseHeader(d.AutoAnswer)
}

// parseHeader splits "Name: value" (ok false when it is not one, with a header name of
// letters, digits and dashes and a value on one line).
func parseHeader(h string) (name, value string, ok bool) {
	name, value, found := strings.Cut(h, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !found || !headerNameRE.MatchString(name) || value == "" || strings.ContainsAny(value, "\r\n") {
		return "", "", false
	}
	return name, value, true
}

var headerNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,63}$`)

// EffectiveCodes returns the FACs with built-in codes where unset.
func (c *Config) EffectiveCodes() Codes {
	k := c.Codes
	fillUnset(&k, Builtin.Codes)
	return k
}

// EffectivePrompts returns the prompts with built-in media and timeouts where unset.
func (c *Config) EffectivePrompts() Prompts {
	p := c.Prompts
	fillUnset(&p, Builtin.Prompts)
	return p
}

// fillUnset copies each field of builtin into *dst where *dst's field is the zero value:
// "not set in the YAML" means "the BroadWorks default".
func fillUnset[T any](dst *T, builtin T) {
	d, b := reflect.ValueOf(dst).Elem(), reflect.ValueOf(builtin)
	for i := 0; i < d.NumField(); i++ {
		if f := d.Field(i); f.CanSet() && f.IsZero() {
			f.Set(b.Field(i))
		}
	}
}

// Resolve applies layers (lowest first: organisation defaults, then the user's own) on
// top of the built-in settings.
func Resolve(layers ...*Settings) Effective {
	e := Builtin.Settings
	for _, s := range layers {
		if s == nil {
			continue
		}
		if a := s.Alerting; a != nil {
			setIf(&e.AlertingMode, a.Mode)
			setIf(&e.ExecutiveAlerting, a.Executive)
			if a.ExecutiveFor != nil {
				e.ExecutiveFirstFor = a.ExecutiveFor.D()
			}
			if a.RingsPerAssistant != nil {
				e.RingsPerAssistant = *a.RingsPerAssistant
			}
			if r := a.Rollover; r != nil {
				if r.Enabled != nil {
					e.Rollover.Enabled = *r.Enabled
				}
				if r.After != nil {
					e.Rollover.After = r.After.D()
				}
				setIf(&e.Rollover.Action, r.Action)
				setIf(&e.Rollover.To, r.To)
			}
			if c := a.CallerID; c != nil {
				setIf(&e.CallerIDName, c.Name)
				setIf(&e.CallerIDNumber, c.Number)
				setIf(&e.CustomName, c.CustomName)
				setIf(&e.CustomNumber, c.CustomNumber)
			}
			if a.AlertInfo != nil {
				e.AlertInfo = *a.AlertInfo
			}
		}
		if sc := s.Screening; sc != nil {
			if sc.Enabled != nil {
				e.ScreeningEnabled = *sc.Enabled
			}
			setIf(&e.ScreeningAlert, sc.Alert)
			if sc.Locations != nil {
				e.ScreeningLocations = append([]string(nil), sc.Locations...)
			}
		}
		if p := s.CallingPermissions; p != nil {
			e.Permissions = p.apply(e.Permissions)
		}
		setIf(&e.BridgeWarningTone, s.BridgeWarningTone)
		if s.PushRecallRings != nil {
			e.PushRecallRings = *s.PushRecallRings
		}
		if s.RecordCallerName != nil {
			e.RecordCallerName = *s.RecordCallerName
		}
		if s.Bypass != nil {
			e.Bypass = slices.Clone(s.Bypass)
		}
		for status, a := range s.AvailabilityActions {
			if e.AvailabilityActions == nil { // a fresh map: the built-in settings are shared
				e.AvailabilityActions = map[string]AvailabilityAction{}
			}
			e.AvailabilityActions[status] = a
		}
		if a := s.AnnouncePush; a != nil {
			if a.Enabled != nil {
				e.AnnouncePush = *a.Enabled
			}
			if a.Timeout != nil {
				e.AnnounceTimeout = a.Timeout.D()
			}
		}
	}
	return e
}

func (p *Permissions) apply(e EffectivePermissions) EffectivePermissions {
	for _, f := range []struct {
		v *bool
		d *bool
	}{{p.Internal, &e.Internal}, {p.National, &e.National}, {p.International, &e.International}, {p.Premium, &e.Premium}} {
		if f.v != nil {
			*f.d = *f.v
		}
	}
	return e
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// ExecutiveSettings resolves the settings of executive u under cfg's defaults.
func (c *Config) ExecutiveSettings(u *User) Effective {
	var own *Settings
	if u.Executive != nil {
		own = &u.Executive.Settings
	}
	e := Resolve(&c.Defaults, own)
	if u.CallingPerms != nil {
		e.Permissions = u.CallingPerms.apply(e.Permissions)
	}
	return e
}

// User finds a user by extension. A config read from the store is shared and never
// modified, so the index is built once; a changed list falls back to a scan.
func (c *Config) User(ext string) *User {
	c.indexOnce.Do(func() {
		c.index = make(map[string]int, len(c.Users))
		for i := range c.Users {
			c.index[c.Users[i].Extension] = i
		}
	})
	if i, ok := c.index[ext]; ok && i < len(c.Users) && c.Users[i].Extension == ext {
		return &c.Users[i]
	}
	for i := range c.Users {
		if c.Users[i].Extension == ext {
			return &c.Users[i]
		}
	}
	return nil
}

// UserByDevice is the user whose devices include device (the last one listed wins, as
// a FAC's caller is found); nil for none.
func (c *Config) UserByDevice(device string) *User {
	var u *User
	for i := range c.Users {
		if slices.Contains(c.Users[i].Devices, device) {
			u = &c.Users[i]
		}
	}
	return u
}
