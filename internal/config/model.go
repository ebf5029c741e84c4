// Package config is the admin's YAML: its model, a strict decoder that reports file, line
// and field path, semantic validation (SPEC sections 1-3) and the resolution of
// organisation defaults with user-level overrides.
//
// Pointer fields mean "not set here": a user's block overrides the organisation
// defaults field by field, and the defaults override the BroadWorks ones (Builtin).
package config

import (
	"slices"
	"sync"
	"time"

	"github.com/execassist/execassist/internal/numbering"
)

// Config is one execassist.yaml.
type Config struct {
	ARI       ARI                 `yaml:"ari,omitempty"`
	Store     Store               `yaml:"store,omitempty"`
	Listen    string              `yaml:"listen,omitempty"` // serve's /metrics, /healthz and /v1/ address
	TLS       TLS                 `yaml:"tls,omitempty"`    // the listener's certificate, if it serves TLS
	Log       Log                 `yaml:"log,omitempty"`
	Dialing   Dialing             `yaml:"dialing,omitempty"`
	Codes     Codes               `yaml:"codes,omitempty"`
	Prompts   Prompts             `yaml:"prompts,omitempty"`
	Schedules map[string]Schedule `yaml:"schedules,omitempty"`
	// Lists are the organisation's named number lists (VIPs, the board): custom filters
	// name them in calls_from.lists, and bypass sends their callers straight to the
	// executive. Numbers are patterns as in calls_from.numbers.
	Lists    map[string][]string `yaml:"lists,omitempty"`
	Defaults Settings            `yaml:"defaults,omitempty"`
	Users    []User              `yaml:"users,omitempty"`
	// Admins sign in to the self-service API with every right (SPEC 4's admin row).
	Admins []Admin `yaml:"admins,omitempty"`

	indexOnce sync.Once
	index     map[string]int
	planOnce  sync.Once
	plan      *numbering.Plan
	planErr   error
}

// ARI is how serve reaches Asterisk. It is operational, not provisioning: it is never
// written to the store, and the password may come from the environment.
type ARI struct {
	URL      string `yaml:"url,omitempty"`
	Username string `yaml:"username,omitempty"`
	Password string `yaml:"password,omitempty"`
	App      string `yaml:"app,omitempty"`
}

// Store says where settings, runtime state and the journal live. In YAML it is either
// a path (the bbolt file) or a mapping. Operational, like ari: never stored.
type Store struct {
	Backend string `yaml:"backend,omitempty"` // bbolt (default) or etcd
	// Path is the bbolt file; with etcd, the local snapshot a node starts from when
	// etcd is down at start.
	Path string `yaml:"path,omitempty"`
	// Node names this execassist among the others (default: the host name).
	Node      string   `yaml:"node,omitempty"`
	Endpoints []string `yaml:"endpoints,omitempty"` // etcd client URLs
	Prefix    string   `yaml:"prefix,omitempty"`    // etcd key prefix (default /execassist)
	Username  string   `yaml:"username,omitempty"`  // etcd authentication, when enabled
	Password  string   `yaml:"password,omitempty"`  // ${ENV} recommended
	TLS       EtcdTLS  `yaml:"tls,omitempty"`
	// MaxTxnOps is the cluster's --max-txn-ops: imports larger than it are refused with
	// advice (0: let etcd refuse them).
	MaxTxnOps int `yaml:"max_txn_ops,omitempty"`
}

// EtcdTLS are the PEM files a node reaches etcd with over TLS.
type EtcdTLS struct {
	CA   string `yaml:"ca,omitempty"`
	Cert string `yaml:"cert,omitempty"`
	Key  string `yaml:"key,omitempty"`
}

// TLS is the listener's certificate and key (PEM files).
type TLS struct {
	Cert string `yaml:"cert,omitempty"`
	Key  string `yaml:"key,omitempty"`
}

// Log selects zerolog's level and output format.
type Log struct {
	Level  string `yaml:"level,omitempty"`  // debug, info, warn, error
	Format string `yaml:"format,omitempty"` // json, console
}

// Dialing says how numbers reach Asterisk and how the dialplan is laid out.
type Dialing struct {
	// InternalPattern is a regular expression: callers whose number matches are internal.
	InternalPattern string `yaml:"internal_pattern,omitempty"`
	// Outbound is a dial-string template with {number}, e.g. Local/{number}@execassist-outbound.
	Outbound string `yaml:"outbound,omitempty"`
	// VoicemailContext is where rollover to voice messaging continues (extension = executive).
	VoicemailContext string `yaml:"voicemail_context,omitempty"`
	// NoAnswerLabel is the priority label after the executive's Dial in the dialplan.
	NoAnswerLabel string `yaml:"no_answer_label,omitempty"`
	// HomeCountry is where the PBX is: a country calling code ("1", "44") or an ISO
	// region ("US", "GB"). Numbers dialled without a + are read in its numbering plan.
	HomeCountry string `yaml:"home_country,omitempty"`
	// NationalRegions are further regions whose numbers count as national (a US PBX
	// may add CA); the home region always does. Other +1 regions (Caribbean) do not.
	NationalRegions []string `yaml:"national_regions,omitempty,flow"`
	// InternationalPrefix is what users dial before a country code (011, 00); unset:
	// the home country's.
	InternationalPrefix string `yaml:"international_prefix,omitempty"`
	// NationalPrefix is the trunk prefix before an area code (1, 0); unset: the home
	// country's.
	NationalPrefix string `yaml:"national_prefix,omitempty"`
	// Premium lists number prefixes (with a trailing *) that are premium-rate, on top of
	// the ranges libphonenumber knows.
	Premium []string `yaml:"premium,omitempty"`
	// RingDuration is one ring, for "N rings" settings (BroadWorks: 6 s).
	RingDuration Duration `yaml:"ring_duration,omitempty"`
	// SilentAlertInfo and RingSplashAlertInfo are the Alert-Info values of screening legs
	// (the executive's phone rings silently or with a short splash).
	SilentAlertInfo     string `yaml:"silent_alert_info,omitempty"`
	RingSplashAlertInfo string `yaml:"ring_splash_alert_info,omitempty"`
	// AutoAnswer is the SIP header, "Name: value", that makes a phone answer by itself
	// (speakerphone): an assistant answering from the console a call that rings at
	// their phone. Most phones take Call-Info with answer-after=0; Polycoms may want
	// "Alert-Info: info=alert-autoanswer".
	AutoAnswer string `yaml:"auto_answer,omitempty"`
	// AutoAnswerDevices overrides it per device (a phone model that wants another
	// header), "none" for a device that must never be made to answer by itself.
	AutoAnswerDevices map[string]string `yaml:"auto_answer_devices,omitempty"`
}

// Codes are the feature access codes.
type Codes struct {
	FilteringOn  string `yaml:"filtering_on,omitempty"`
	FilteringOff string `yaml:"filtering_off,omitempty"`
	Push         string `yaml:"push,omitempty"`
	Initiate     string `yaml:"initiate,omitempty"`
	OptIn        string `yaml:"opt_in,omitempty"`
	OptOut       string `yaml:"opt_out,omitempty"`
	Retrieve     string `yaml:"retrieve,omitempty"`
	Bridge       string `yaml:"bridge,omitempty"`
	E164         string `yaml:"e164,omitempty"`
	// Voicemail (#67) sends the call answered at this phone, else the one ringing at
	// it, to the executive's voicemail (Cisco's "Transfer to Voicemail").
	Voicemail string `yaml:"voicemail,omitempty"`
	// Intercom (#68 <ext>) calls the other side (an executive their assistant, an
	// assistant their executive) with the auto-answer header: two-way audio at once.
	Intercom string `yaml:"intercom,omitempty"`
	// Availability (#69 <status>[minutes]) sets the executive's status from their phone:
	// 1 in a meeting, 2 out of office, 3 busy, optionally for so many minutes; #69 alone
	// (or #690) clears it.
	Availability string `yaml:"availability,omitempty"`
}

// Prompts are the media (Asterisk sound names, tones) FAC calls hear.
type Prompts struct {
	FilteringOn  string `yaml:"filtering_on,omitempty"`  // #61 confirmed
	FilteringOff string `yaml:"filtering_off,omitempty"` // #62 confirmed
	Confirm      string `yaml:"confirm,omitempty"`       // other FACs confirmed
	NotAllowed   string `yaml:"not_allowed,omitempty"`   // refused: not permitted for this user
	Invalid      string `yaml:"invalid,omitempty"`       // refused: unknown code or bad digits
	// NotInPool: the assistant is not in that executive's pool. NoCall: nothing to push,
	// retrieve or bridge. DestinationNotPermitted: #64 to a class of number the
	// executive's calling permissions exclude.
	NotInPool               string `yaml:"not_in_pool,omitempty"`
	NoCall                  string `yaml:"no_call,omitempty"`
	DestinationNotPermitted string `yaml:"destination_not_permitted,omitempty"`
	// Unavailable: the change could not be saved (the shared store is unreachable).
	// OtherNode: the call is on another node ({node} becomes its name, e.g. spelled
	// with characters:{node}).
	Unavailable string `yaml:"unavailable,omitempty"`
	OtherNode   string `yaml:"other_node,omitempty"`
	// EnterExecutive and EnterNumber ask for digits a FAC is missing (# ends).
	EnterExecutive string `yaml:"enter_executive,omitempty"`
	EnterNumber    string `yaml:"enter_number,omitempty"`
	// WarningTone is played into a call the executive bridges into (*15), for at most
	// WarningToneDuration: a tone playback runs until it is stopped (the US stutter tone
	// ends in a continuous one), so it is always stopped.
	WarningTone         string   `yaml:"warning_tone,omitempty"`
	WarningToneDuration Duration `yaml:"warning_tone_duration,omitempty"`
	// DigitTimeout waits for the first digit of a prompted entry, InterDigitTimeout for
	// each next one (a pause ends the entry like #).
	DigitTimeout      Duration `yaml:"digit_timeout,omitempty"`
	InterDigitTimeout Duration `yaml:"inter_digit_timeout,omitempty"`
	// PushAnnouncement is what the executive hears on answering an announced push:
	// {caller} becomes the caller's digits, {assistant} the assistant's extension.
	PushAnnouncement string `yaml:"push_announcement,omitempty"`
	// SayYourName asks an outside caller for their name (record_caller_name).
	SayYourName string `yaml:"say_your_name,omitempty"`
}

// Schedule is a named set of weekly windows and/or holiday dates in one time zone.
type Schedule struct {
	Timezone string   `yaml:"timezone,omitempty"`
	Weekly   []Window `yaml:"weekly,omitempty"`
	// Dates are YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (inclusive).
	Dates []string `yaml:"dates,omitempty"`
}

// Window is a weekly time window, e.g. mon-fri 09:00-17:30.
type Window struct {
	Days []string `yaml:"days,omitempty,flow"`
	From string   `yaml:"from,omitempty"`
	To   string   `yaml:"to,omitempty"`
}

// Settings are the executive settings that organisation defaults and users share.
type Settings struct {
	Alerting           *Alerting    `yaml:"alerting,omitempty"`
	Screening          *Screening   `yaml:"screening,omitempty"`
	CallingPermissions *Permissions `yaml:"calling_permissions,omitempty"`
	// BridgeWarningTone is none, barge-in or barge-in-repeat (every 30 s).
	BridgeWarningTone string `yaml:"bridge_warning_tone,omitempty"`
	// PushRecallRings is how long a pushed call rings the executive (2-20 rings).
	PushRecallRings *int `yaml:"push_recall_rings,omitempty"`
	// AnnouncePush: when an assistant pushes a call, the executive answers and first
	// hears who it is (prompts.push_announcement) and presses 1 to take it, 2 to send it
	// back to the assistant, 3 to send it to voicemail; no key within Timeout takes it.
	AnnouncePush *AnnouncePush `yaml:"announce_push,omitempty"`
	// RecordCallerName: an outside caller of a filtered call is asked to say their
	// name (prompts.say_your_name, at most 3 s after a beep); the assistant who answers
	// hears it before being connected. Off by default; the recording is deleted when
	// the call ends.
	RecordCallerName *bool `yaml:"record_caller_name,omitempty"`
	// Bypass names the number lists whose callers always go straight to the executive,
	// filtering or not (in defaults: for every executive, unless one sets their own).
	Bypass []string `yaml:"bypass,omitempty,flow"`
	// AvailabilityActions: what a call does while the executive is in-a-meeting,
	// out-of-office or busy (by status; in an executive's settings, per status over the
	// defaults'). A status without an action only turns screening off.
	AvailabilityActions map[string]AvailabilityAction `yaml:"availability_actions,omitempty"`
}

// AnnouncePush is the announced hand-off of a push.
type AnnouncePush struct {
	Enabled *bool     `yaml:"enabled,omitempty"`
	Timeout *Duration `yaml:"timeout,omitempty"` // 2s-30s, default 8s
}

// Alerting is how a filtered call reaches the assistants.
type Alerting struct {
	Mode              string    `yaml:"mode,omitempty"` // simultaneous | sequential
	RingsPerAssistant *int      `yaml:"rings_per_assistant,omitempty"`
	Rollover          *Rollover `yaml:"rollover,omitempty"`
	CallerID          *CallerID `yaml:"caller_id,omitempty"`
	AlertInfo         *string   `yaml:"alert_info,omitempty"`
	// Executive is whether the executive's own phones ring for a filtered call too
	// (Wazo's boss-secretary strategies): no (the default: the assistants only), first
	// (the executive alone for ExecutiveFor, then the assistants as Mode says, the
	// executive still ringing) or together (executive and assistants at once). The
	// rollover counts from the call's arrival either way.
	Executive    string    `yaml:"executive,omitempty"`
	ExecutiveFor *Duration `yaml:"executive_for,omitempty"` // first: 2s-60s, default 10s
}

// Rollover ends the alerting of a filtered call.
type Rollover struct {
	Enabled *bool     `yaml:"enabled,omitempty"`
	After   *Duration `yaml:"after,omitempty"`
	Action  string    `yaml:"action,omitempty"` // voice-messaging | forward | no-answer-processing
	To      string    `yaml:"to,omitempty"`     // for forward
}

// CallerID is what assistants' phones show for a filtered call.
type CallerID struct {
	Name         string `yaml:"name,omitempty"`   // executive | executive-originator | originator-executive | originator | custom
	Number       string `yaml:"number,omitempty"` // executive | originator | custom
	CustomName   string `yaml:"custom_name,omitempty"`
	CustomNumber string `yaml:"custom_number,omitempty"`
}

// Screening alerts the executive too while assistants ring.
type Screening struct {
	Enabled   *bool    `yaml:"enabled,omitempty"`
	Alert     string   `yaml:"alert,omitempty"` // silent | ring-splash
	Locations []string `yaml:"locations,omitempty,flow"`
}

// Permissions say which destinations an assistant may call as the executive.
type Permissions struct {
	Internal      *bool `yaml:"internal,omitempty"`
	National      *bool `yaml:"national,omitempty"`
	International *bool `yaml:"international,omitempty"`
	Premium       *bool `yaml:"premium,omitempty"`
}

// User is a person on the PBX; Executive and Assistant are the two services.
type User struct {
	Extension         string       `yaml:"extension"`
	Name              string       `yaml:"name,omitempty"`
	Group             string       `yaml:"group,omitempty"`
	Devices           []string     `yaml:"devices,omitempty,flow"`
	Numbers           []string     `yaml:"numbers,omitempty,flow"`
	Mobile            string       `yaml:"mobile,omitempty"`
	Anywhere          []string     `yaml:"anywhere,omitempty,flow"`
	SharedAppearances []string     `yaml:"shared_appearances,omitempty,flow"`
	Voicemail         string       `yaml:"voicemail,omitempty"`
	Executive         *Executive   `yaml:"executive,omitempty"`
	Assistant         *Assistant   `yaml:"assistant,omitempty"`
	CallingPerms      *Permissions `yaml:"calling_permissions,omitempty"`
	// SecretHash is the argon2id hash (PHC string) of the secret the user signs in
	// with; `execassist user passwd` sets one in the store instead. Never exported.
	SecretHash string `yaml:"secret_hash,omitempty" json:",omitempty"`
}

// Admin is an administrator of the self-service API: a name and an argon2id hash.
type Admin struct {
	Name       string `yaml:"name"`
	SecretHash string `yaml:"secret_hash"`
}

// Executive is the Executive service on a user.
type Executive struct {
	Assistants    []string `yaml:"assistants,omitempty,flow"` // extensions, in alerting order
	AllowOptInOut *bool    `yaml:"allow_opt_in_out,omitempty"`
	// AssistantPermissions narrows what one assistant of the pool may do for this
	// executive (by extension); an assistant not listed, or a permission not set, is
	// allowed: the pool behaves as it always has.
	AssistantPermissions map[string]AssistantPermissions `yaml:"assistant_permissions,omitempty"`
	// Lists are this executive's own named number lists, beside the organisation's
	// (a name is either the organisation's or the executive's, not both).
	Lists     map[string][]string `yaml:"lists,omitempty"`
	Filtering Filtering           `yaml:"filtering,omitempty"`
	Settings  `yaml:",inline"`
}

// OptInOutAllowed: assistants may opt in and out only where the executive allows it
// (SPEC 4: unset means not allowed). Where it is not allowed, earlier opt-outs do not
// count: every pool member is alerted.
func (e *Executive) OptInOutAllowed() bool { return e.AllowOptInOut != nil && *e.AllowOptInOut }

// Filtering decides which calls go to the assistants.
type Filtering struct {
	Enabled *bool    `yaml:"enabled,omitempty"`
	Mode    string   `yaml:"mode,omitempty"` // all | internal | external | custom
	Filters []Filter `yaml:"filters,omitempty"`
}

// Filter is one custom filtering rule.
type Filter struct {
	Name      string     `yaml:"name"`
	When      string     `yaml:"when,omitempty"`     // a schedule name; empty = always
	Holidays  string     `yaml:"holidays,omitempty"` // a schedule name
	CallsFrom *CallsFrom `yaml:"calls_from,omitempty"`
	CallsTo   []string   `yaml:"calls_to,omitempty,flow"` // primary, mobility, or one of the numbers
	Action    string     `yaml:"action"`                  // filter | dont-filter
	Active    *bool      `yaml:"active,omitempty"`
}

// AnyCaller reports whether the selection takes every caller: any, or no field set
// (calls_from: {}).
func (c *CallsFrom) AnyCaller() bool {
	return c == nil || c.Any || (!c.Internal && !c.External && len(c.Numbers) == 0 && len(c.Lists) == 0 && !c.Anonymous && !c.Unavailable)
}

// CallsFrom selects callers; no field set means any caller.
type CallsFrom struct {
	Any         bool     `yaml:"any,omitempty"`
	Internal    bool     `yaml:"internal,omitempty"`
	External    bool     `yaml:"external,omitempty"`
	Numbers     []string `yaml:"numbers,omitempty,flow"` // digits, ? = one digit, trailing * = any
	Lists       []string `yaml:"lists,omitempty,flow"`   // named number lists (the organisation's or the executive's)
	Anonymous   bool     `yaml:"anonymous,omitempty"`
	Unavailable bool     `yaml:"unavailable,omitempty"`
}

// Assistant is the Executive-Assistant service on a user.
type Assistant struct {
	Divert *Divert `yaml:"divert,omitempty"`
}

// Divert sends an assistant's filtered calls elsewhere.
type Divert struct {
	Enabled bool   `yaml:"enabled"`
	To      string `yaml:"to,omitempty"`
}

// Duration is a time.Duration written "30s" or "2m" (or a number of seconds).
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalYAML writes the short form ("30s").
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Provisioning is the part of a config that is stored and exported: everything but the
// operational ari, store, listen and log sections (and so never a password).
func (c *Config) Provisioning() *Config {
	return &Config{Dialing: c.Dialing, Codes: c.Codes, Prompts: c.Prompts, Schedules: c.Schedules, Lists: c.Lists,
		Defaults: c.Defaults, Users: c.Users, Admins: c.Admins}
}

// WithoutSecrets is a copy fit to print or export: no password hashes.
func (c *Config) WithoutSecrets() *Config {
	out := &Config{ARI: c.ARI, Store: c.Store, Listen: c.Listen, Log: c.Log, Dialing: c.Dialing, Codes: c.Codes,
		Prompts: c.Prompts, Schedules: c.Schedules, Lists: c.Lists, Defaults: c.Defaults, Users: slices.Clone(c.Users)}
	out.ARI.Password = ""
	out.Store.Password = ""
	for i := range out.Users {
		out.Users[i].SecretHash = ""
	}
	return out
}
