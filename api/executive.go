package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
)

// webexEnum turns one of our YAML words (voice-messaging) into Webex's (VOICE_MESSAGING)
// and back; the allowed lists are per field.
func webexEnum(ours string) string { return strings.ToUpper(strings.ReplaceAll(ours, "-", "_")) }
func oursEnum(webex string) string { return strings.ToLower(strings.ReplaceAll(webex, "_", "-")) }

var filterTypes = map[string]string{"all": "ALL_CALLS", "internal": "ALL_INTERNAL_CALLS", "external": "ALL_EXTERNAL_CALLS", "custom": "CUSTOM_CALL_FILTERS"}

func enumIn(field, v string, allowed ...string) error {
	if !slices.Contains(allowed, v) {
		return errorf(http.StatusBadRequest, "invalid", field, "%s must be one of %s", field, strings.Join(allowed, ", "))
	}
	return nil
}

// owner resolves {id}: an extension, or "me".
func (r *request) owner() string {
	id := r.PathValue("id")
	if id == "me" || id == "" { // Webex's people/me/settings/... paths have no {id}
		return r.who.Name
	}
	return id
}

// allow asks SPEC 4's table; a refusal is 403 with the reason, an unknown user 404.
func (s *Server) allow(r *request, res Resource, owner, exec string, write bool) error {
	cfg := s.store.Snapshot().Config
	if cfg.User(owner) == nil {
		return errorf(http.StatusNotFound, "not_found", "", "no user %q", owner)
	}
	if a := Allowed(cfg, r.who, res, owner, exec, write); !a.OK {
		e := errorf(http.StatusForbidden, "forbidden", "", "%s", a.Why)
		e.permission = a.Permission
		return e
	}
	return nil
}

// etag is a strong validator of a representation.
func etag(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// setting is one Webex-shaped resource over the runtime overlay: view renders it from
// the effective configuration; change applies a decoded body to the runtime state.
type setting[T any] struct {
	res  Resource
	view func(cfg *config.Config, rt config.Runtime, owner string) (T, error)
	// viewAt, when set instead of view, is a view that depends on the time (a status
	// that ends by itself): it is given the server's clock.
	viewAt func(cfg *config.Config, rt config.Runtime, owner string, now time.Time) (T, error)
	change func(cfg *config.Config, rt *config.Runtime, owner string, body *T) error
	// changeAt, when set instead of change, is given the server's clock too.
	changeAt func(cfg *config.Config, rt *config.Runtime, owner string, body *T, now time.Time) error
}

// show is the resource as of now.
func (st setting[T]) show(s *Server, cfg *config.Config, rt config.Runtime, owner string) (T, error) {
	if st.viewAt != nil {
		return st.viewAt(cfg, rt, owner, s.clock.Now())
	}
	return st.view(cfg, rt, owner)
}

func (st setting[T]) get(s *Server, w http.ResponseWriter, r *request) error {
	owner := r.owner()
	if err := s.allow(r, st.res, owner, "", false); err != nil {
		return err
	}
	snap := s.store.Snapshot()
	v, err := st.show(s, snap.Config, snap.Runtime, owner)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(v))
	writeJSON(w, http.StatusOK, v)
	return nil
}

// put decodes a partial body (absent fields keep their value), checks If-Match against
// the current representation, applies and validates the change and records the audit,
// all in one store transaction.
func (st setting[T]) put(s *Server, w http.ResponseWriter, r *request) error {
	owner := r.owner()
	if err := s.allow(r, st.res, owner, "", true); err != nil {
		return err
	}
	ifMatch := r.Header.Get("If-Match")
	audit := &store.AuditEntry{Who: r.who.Name, Role: role(r.who), From: r.RemoteAddr, Resource: r.URL.Path}
	var after T
	err := s.store.ChangeRuntime(audit, func(prov *config.Config, rt *config.Runtime) error {
		cur := config.WithRuntime(prov, *rt)
		before, err := st.show(s, cur, *rt, owner)
		if err != nil {
			return err
		}
		if ifMatch != "" && ifMatch != "*" && ifMatch != etag(before) {
			return errorf(http.StatusPreconditionFailed, "conflict", "", "changed by someone else since you read it: reload and try again")
		}
		body := before // absent fields keep their value
		if err := decode(r, &body); err != nil {
			return err
		}
		change := st.change
		if st.changeAt != nil {
			change = func(cfg *config.Config, rt *config.Runtime, owner string, body *T) error {
				return st.changeAt(cfg, rt, owner, body, s.clock.Now())
			}
		}
		if err := change(cur, rt, owner, &body); err != nil {
			return err
		}
		after, err = st.show(s, config.WithRuntime(prov, *rt), *rt, owner)
		if err != nil {
			return err
		}
		audit.Before, _ = json.Marshal(before)
		audit.After, _ = json.Marshal(after)
		return nil
	})
	if err != nil {
		return err
	}
	s.log.Info().Str("who", r.who.Name).Str("resource", r.URL.Path).Msg("setting changed")
	w.Header().Set("ETag", etag(after))
	writeJSON(w, http.StatusOK, after)
	return nil
}

func role(p Principal) string {
	if p.Admin {
		return "admin"
	}
	return "user"
}

// ofExecutive makes the view of an executive's resource: a user without the executive
// service is a 404 before the view runs.
func ofExecutive[T any](view func(cfg *config.Config, rt config.Runtime, u *config.User) T) func(*config.Config, config.Runtime, string) (T, error) {
	return func(cfg *config.Config, rt config.Runtime, owner string) (T, error) {
		u, err := executiveOf(cfg, owner)
		if err != nil {
			var zero T
			return zero, err
		}
		return view(cfg, rt, u), nil
	}
}

func executiveOf(cfg *config.Config, owner string) (*config.User, error) {
	u := cfg.User(owner)
	if u == nil || u.Executive == nil {
		return nil, errorf(http.StatusNotFound, "not_found", "", "%s does not have the executive service", owner)
	}
	return u, nil
}

func execState(rt *config.Runtime, owner string) config.ExecutiveState {
	if rt.Executives == nil {
		rt.Executives = map[string]config.ExecutiveState{}
	}
	return rt.Executives[owner]
}

// Alert is people/{id}/executive/alert (Webex field names).
type Alert struct {
	AlertingMode                 string `json:"alertingMode"`
	NextAssistantNumberOfRings   int    `json:"nextAssistantNumberOfRings"`
	RolloverEnabled              bool   `json:"rolloverEnabled"`
	RolloverAction               string `json:"rolloverAction"`
	RolloverForwardToPhoneNumber string `json:"rolloverForwardToPhoneNumber"`
	RolloverWaitTimeInSecs       int    `json:"rolloverWaitTimeInSecs"`
	ClidNameMode                 string `json:"clidNameMode"`
	CustomCLIDName               string `json:"customCLIDName"`
	// CustomCLIDNameInUnicode is Webex's newer name for customCLIDName (either may be
	// written; the one that changed wins).
	CustomCLIDNameInUnicode string `json:"customCLIDNameInUnicode"`
	ClidPhoneNumberMode     string `json:"clidPhoneNumberMode"`
	CustomCLIDPhoneNumber   string `json:"customCLIDPhoneNumber"`
	// ExecutiveAlerting (ours, not Webex's): whether the executive's own phones ring
	// too: NO, FIRST (alone for executiveFirstInSecs, then with the assistants) or
	// TOGETHER.
	ExecutiveAlerting    string `json:"executiveAlerting"`
	ExecutiveFirstInSecs int    `json:"executiveFirstInSecs"`
}

var alertSetting = setting[Alert]{res: ResAlerting,
	view: ofExecutive(func(cfg *config.Config, _ config.Runtime, u *config.User) Alert {
		e := cfg.ExecutiveSettings(u)
		return Alert{AlertingMode: webexEnum(e.AlertingMode), NextAssistantNumberOfRings: e.RingsPerAssistant,
			RolloverEnabled: e.Rollover.Enabled, RolloverAction: webexEnum(e.Rollover.Action),
			RolloverForwardToPhoneNumber: e.Rollover.To, RolloverWaitTimeInSecs: int(e.Rollover.After / time.Second),
			ClidNameMode: webexEnum(e.CallerIDName), CustomCLIDName: e.CustomName, CustomCLIDNameInUnicode: e.CustomName,
			ClidPhoneNumberMode: webexEnum(e.CallerIDNumber), CustomCLIDPhoneNumber: e.CustomNumber,
			ExecutiveAlerting: webexEnum(e.ExecutiveAlerting), ExecutiveFirstInSecs: int(e.ExecutiveFirstFor / time.Second)}
	}),
	change: func(cfg *config.Config, rt *config.Runtime, owner string, a *Alert) error {
		for _, c := range []error{
			enumIn("alertingMode", a.AlertingMode, "SIMULTANEOUS", "SEQUENTIAL"),
			enumIn("rolloverAction", a.RolloverAction, "VOICE_MESSAGING", "FORWARD", "NO_ANSWER_PROCESSING"),
			enumIn("clidNameMode", a.ClidNameMode, "EXECUTIVE", "EXECUTIVE_ORIGINATOR", "ORIGINATOR_EXECUTIVE", "ORIGINATOR", "CUSTOM"),
			enumIn("clidPhoneNumberMode", a.ClidPhoneNumberMode, "EXECUTIVE", "ORIGINATOR", "CUSTOM"),
			enumIn("executiveAlerting", a.ExecutiveAlerting, "NO", "FIRST", "TOGETHER"),
		} {
			if c != nil {
				return c
			}
		}
		if maxWait := int(config.MaxRollover / time.Second); a.RolloverWaitTimeInSecs < 0 || a.RolloverWaitTimeInSecs > maxWait {
			return errorf(http.StatusBadRequest, "invalid", "rolloverWaitTimeInSecs", "rolloverWaitTimeInSecs must be 0-%d (the YAML's range)", maxWait)
		}
		if a.ExecutiveFirstInSecs < 2 || a.ExecutiveFirstInSecs > 60 {
			return errorf(http.StatusBadRequest, "invalid", "executiveFirstInSecs", "the executive rings alone for 2-60 seconds, not %d", a.ExecutiveFirstInSecs)
		}
		first := config.Duration(time.Duration(a.ExecutiveFirstInSecs) * time.Second)
		if u := cfg.User(owner); u != nil && a.CustomCLIDNameInUnicode != cfg.ExecutiveSettings(u).CustomName {
			a.CustomCLIDName = a.CustomCLIDNameInUnicode
		}
		rings, after := a.NextAssistantNumberOfRings, config.Duration(time.Duration(a.RolloverWaitTimeInSecs)*time.Second)
		enabled := a.RolloverEnabled
		st := execState(rt, owner)
		st.Alerting = &config.Alerting{Mode: oursEnum(a.AlertingMode), RingsPerAssistant: &rings,
			Rollover: &config.Rollover{Enabled: &enabled, After: &after, Action: oursEnum(a.RolloverAction), To: a.RolloverForwardToPhoneNumber},
			CallerID: &config.CallerID{Name: oursEnum(a.ClidNameMode), Number: oursEnum(a.ClidPhoneNumberMode),
				CustomName: a.CustomCLIDName, CustomNumber: a.CustomCLIDPhoneNumber},
			Executive: oursEnum(a.ExecutiveAlerting), ExecutiveFor: &first}
		if u := cfg.User(owner); u != nil && u.Executive.Alerting != nil {
			st.Alerting.AlertInfo = u.Executive.Alerting.AlertInfo // not a Webex field: kept
		}
		rt.Executives[owner] = st
		return nil
	}}

// Person is a user as the API lists them.
type Person struct {
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	OptInEnabled *bool  `json:"optInEnabled,omitempty"`
	// FirstName, LastName, Extension and DirectNumber are Webex's fields for a person.
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Extension    string `json:"extension,omitempty"`
	DirectNumber string `json:"directNumber,omitempty"`
	// Withheld (the event stream's summaries only): the permissions the executive
	// withholds from this assistant, so that the console offers only what is allowed.
	Withheld []config.Permission `json:"withheld,omitempty"`
}

// AssignedAssistants is people/{id}/executive/assignedAssistants. A write sets
// assistantIds (the pool, in alerting order) and allowOptInOutEnabled.
type AssignedAssistants struct {
	AllowOptInOutEnabled bool     `json:"allowOptInOutEnabled"`
	AssistantIDs         []string `json:"assistantIds"`
	Assistants           []Person `json:"assistants"`
}

var poolSetting = setting[AssignedAssistants]{res: ResPool,
	view: ofExecutive(func(cfg *config.Config, rt config.Runtime, u *config.User) AssignedAssistants {
		out := AssignedAssistants{AllowOptInOutEnabled: u.Executive.OptInOutAllowed(), AssistantIDs: slices.Clone(u.Executive.Assistants), Assistants: []Person{}}
		if out.AssistantIDs == nil {
			out.AssistantIDs = []string{}
		}
		for _, ext := range u.Executive.Assistants {
			in := true
			if v, set := rt.Assistants[ext].OptedIn[u.Extension]; set && out.AllowOptInOutEnabled {
				in = v
			}
			p := Person{ID: ext, OptInEnabled: &in, Extension: ext}
			if a := cfg.User(ext); a != nil {
				p.DisplayName = a.Name
				p.FirstName, p.LastName, p.DirectNumber = webexName(a)
			}
			out.Assistants = append(out.Assistants, p)
		}
		return out
	}),
	change: func(cfg *config.Config, rt *config.Runtime, owner string, b *AssignedAssistants) error {
		st := execState(rt, owner)
		ids := slices.Clone(b.AssistantIDs)
		if ids == nil {
			ids = []string{}
		}
		allow := b.AllowOptInOutEnabled
		st.Assistants, st.AllowOptInOut = &ids, &allow
		// An assistant who leaves the pool loses their narrowed permissions: back in it,
		// they start with every permission, as a newcomer does.
		perms := map[string]config.AssistantPermissions{}
		if u := cfg.User(owner); u != nil && u.Executive != nil {
			for ext, p := range u.Executive.AssistantPermissions {
				if slices.Contains(ids, ext) {
					perms[ext] = p
				}
			}
		}
		st.AssistantPermissions = &perms
		rt.Executives[owner] = st
		return nil
	}}

// Available is people/{id}/executive/availableAssistants: users with the assistant
// service who are not in the pool yet.
type Available struct {
	Assistants []Person `json:"assistants"`
}

var availableSetting = setting[Available]{res: ResAvailable,
	view: ofExecutive(func(cfg *config.Config, _ config.Runtime, u *config.User) Available {
		out := Available{Assistants: []Person{}}
		for _, a := range cfg.Users {
			if a.Assistant != nil && a.Extension != u.Extension && !slices.Contains(u.Executive.Assistants, a.Extension) {
				first, last, direct := webexName(&a)
				out.Assistants = append(out.Assistants, Person{ID: a.Extension, DisplayName: a.Name, FirstName: first, LastName: last,
					Extension: a.Extension, DirectNumber: direct})
			}
		}
		return out
	})}

// Criterion is one custom filter as callFiltering lists it.
type Criterion struct {
	ID                string `json:"id"`
	FilterName        string `json:"filterName"`
	Source            string `json:"source"` // ALL_NUMBERS or SPECIFIC_NUMBERS (who it takes)
	ActivationEnabled bool   `json:"activationEnabled"`
	FilterEnabled     bool   `json:"filterEnabled"` // true: filter; false: do not filter
}

// CallFiltering is people/{id}/executive/callFiltering. A write sets enabled,
// filterType and the activation of existing criteria (by id); criteria themselves are
// created, changed and deleted under callFiltering/criteria.
type CallFiltering struct {
	Enabled    bool        `json:"enabled"`
	FilterType string      `json:"filterType"`
	Criteria   []Criterion `json:"criteria"`
	// CriteriaActivation is how Webex writes the criteria's activation (written only).
	CriteriaActivation []CriterionActivation `json:"criteriaActivation,omitempty"`
}

// CriterionActivation turns one criterion on or off (Webex's PUT callFiltering).
type CriterionActivation struct {
	ID                string `json:"id"`
	ActivationEnabled bool   `json:"activationEnabled"`
}

var filteringSetting = setting[CallFiltering]{res: ResFiltering,
	view: ofExecutive(func(cfg *config.Config, rt config.Runtime, u *config.User) CallFiltering {
		f := u.Executive.Filtering
		on, _ := rt.FilteringOn(u)
		mode := f.Mode
		if mode == "" {
			mode = "all"
		}
		out := CallFiltering{Enabled: on, FilterType: filterTypes[mode], Criteria: []Criterion{}}
		for _, c := range f.Filters {
			src := "SPECIFIC_NUMBERS"
			if c.CallsFrom.AnyCaller() {
				src = "ALL_NUMBERS"
			}
			out.Criteria = append(out.Criteria, Criterion{ID: criterionID(c.Name), FilterName: c.Name, Source: src,
				ActivationEnabled: c.Active == nil || *c.Active, FilterEnabled: c.Action != "dont-filter"})
		}
		return out
	}),
	change: func(cfg *config.Config, rt *config.Runtime, owner string, b *CallFiltering) error {
		mode := ""
		for k, v := range filterTypes {
			if v == b.FilterType {
				mode = k
			}
		}
		if mode == "" {
			return enumIn("filterType", b.FilterType, "ALL_CALLS", "ALL_INTERNAL_CALLS", "ALL_EXTERNAL_CALLS", "CUSTOM_CALL_FILTERS")
		}
		u := cfg.User(owner)
		filters := slices.Clone(u.Executive.Filtering.Filters)
		activations := b.CriteriaActivation
		for _, c := range b.Criteria {
			activations = append([]CriterionActivation{{ID: c.ID, ActivationEnabled: c.ActivationEnabled}}, activations...)
		}
		for _, c := range activations { // Webex's criteriaActivation after ours: it wins
			i, err := findCriterion(filters, c.ID)
			if err != nil {
				return errorf(http.StatusBadRequest, "invalid", "criteriaActivation", "no criterion %q", c.ID)
			}
			active := c.ActivationEnabled
			filters[i].Active = &active
		}
		st := execState(rt, owner)
		on := b.Enabled
		st.Filtering, st.FilterMode, st.Filters = &on, &mode, &filters
		rt.Executives[owner] = st
		return nil
	}}

// Screening is people/{id}/executive/screening.
type Screening struct {
	Enabled                                  bool   `json:"enabled"`
	AlertType                                string `json:"alertType"`
	AlertMobilityLocationEnabled             bool   `json:"alertMobilityLocationEnabled"`
	AlertAnywhereLocationEnabled             bool   `json:"alertAnywhereLocationEnabled"`
	AlertSharedCallAppearanceLocationEnabled bool   `json:"alertSharedCallAppearanceLocationEnabled"`
}

var screeningSetting = setting[Screening]{res: ResScreening,
	view: ofExecutive(func(cfg *config.Config, _ config.Runtime, u *config.User) Screening {
		e := cfg.ExecutiveSettings(u)
		return Screening{Enabled: e.ScreeningEnabled, AlertType: webexEnum(e.ScreeningAlert),
			AlertMobilityLocationEnabled:             slices.Contains(e.ScreeningLocations, "mobility"),
			AlertAnywhereLocationEnabled:             slices.Contains(e.ScreeningLocations, "anywhere"),
			AlertSharedCallAppearanceLocationEnabled: slices.Contains(e.ScreeningLocations, "shared-call-appearance")}
	}),
	change: func(_ *config.Config, rt *config.Runtime, owner string, b *Screening) error {
		if err := enumIn("alertType", b.AlertType, "SILENT", "RING_SPLASH"); err != nil {
			return err
		}
		locs := []string{}
		for name, on := range map[string]bool{"mobility": b.AlertMobilityLocationEnabled, "anywhere": b.AlertAnywhereLocationEnabled,
			"shared-call-appearance": b.AlertSharedCallAppearanceLocationEnabled} {
			if on {
				locs = append(locs, name)
			}
		}
		slices.Sort(locs)
		enabled := b.Enabled
		st := execState(rt, owner)
		st.Screening = &config.Screening{Enabled: &enabled, Alert: oursEnum(b.AlertType), Locations: locs}
		rt.Executives[owner] = st
		return nil
	}}

// HandOffs is people/{id}/executive/handOffs (ours; Webex has no such resource): how a
// call is handed over. With announcePushEnabled a pushed call is announced to the
// executive, who presses 1 (take), 2 (back to the assistant) or 3 (voicemail); no key
// within announcePushTimeoutInSecs takes it. With recordCallerNameEnabled an outside
// caller of a filtered call says their name, which the answering assistant hears.
type HandOffs struct {
	AnnouncePushEnabled       bool `json:"announcePushEnabled"`
	AnnouncePushTimeoutInSecs int  `json:"announcePushTimeoutInSecs"`
	RecordCallerNameEnabled   bool `json:"recordCallerNameEnabled"`
}

var handOffsSetting = setting[HandOffs]{res: ResHandOffs,
	view: ofExecutive(func(cfg *config.Config, _ config.Runtime, u *config.User) HandOffs {
		e := cfg.ExecutiveSettings(u)
		return HandOffs{AnnouncePushEnabled: e.AnnouncePush, AnnouncePushTimeoutInSecs: int(e.AnnounceTimeout / time.Second),
			RecordCallerNameEnabled: e.RecordCallerName}
	}),
	change: func(_ *config.Config, rt *config.Runtime, owner string, b *HandOffs) error {
		if b.AnnouncePushTimeoutInSecs < 2 || b.AnnouncePushTimeoutInSecs > 30 {
			return errorf(http.StatusBadRequest, "invalid", "announcePushTimeoutInSecs", "the executive has 2 to 30 seconds to choose, not %d", b.AnnouncePushTimeoutInSecs)
		}
		on, name := b.AnnouncePushEnabled, b.RecordCallerNameEnabled
		timeout := config.Duration(time.Duration(b.AnnouncePushTimeoutInSecs) * time.Second)
		st := execState(rt, owner)
		st.AnnouncePush = &config.AnnouncePush{Enabled: &on, Timeout: &timeout}
		st.RecordCallerName = &name
		rt.Executives[owner] = st
		return nil
	}}

// AssistantSettings is people/{id}/executive/assistant: the assistant's divert and
// the executives they serve, with opt-in where the executive allows it.
type AssistantSettings struct {
	ForwardFilteredCallsEnabled bool            `json:"forwardFilteredCallsEnabled"`
	ForwardToPhoneNumber        string          `json:"forwardToPhoneNumber"`
	Executives                  []ExecutiveLink `json:"executives"`
}

// ExecutiveLink is one executive an assistant serves.
type ExecutiveLink struct {
	ID              string `json:"id"`
	DisplayName     string `json:"displayName"`
	OptInEnabled    bool   `json:"optInEnabled"`
	OptInOutAllowed bool   `json:"optInOutAllowed"`
	// PersonID is how Webex scripts name the executive in a write (same as id here).
	PersonID     string `json:"personId,omitempty"`
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Extension    string `json:"extension,omitempty"`
	DirectNumber string `json:"directNumber,omitempty"`
}

var assistantSetting = setting[AssistantSettings]{res: ResAssistantView,
	view: func(cfg *config.Config, rt config.Runtime, owner string) (AssistantSettings, error) {
		u := cfg.User(owner)
		if u == nil || u.Assistant == nil {
			return AssistantSettings{}, errorf(http.StatusNotFound, "not_found", "", "%s does not have the assistant service", owner)
		}
		d := u.Assistant.Divert
		if st := rt.Assistants[owner]; st.Divert != nil {
			d = st.Divert
		}
		out := AssistantSettings{Executives: []ExecutiveLink{}}
		if d != nil {
			out.ForwardFilteredCallsEnabled, out.ForwardToPhoneNumber = d.Enabled, d.To
		}
		for _, e := range cfg.Users {
			if e.Executive == nil || !slices.Contains(e.Executive.Assistants, owner) {
				continue
			}
			in := true
			if v, set := rt.Assistants[owner].OptedIn[e.Extension]; set && e.Executive.OptInOutAllowed() {
				in = v
			}
			first, last, direct := webexName(&e)
			out.Executives = append(out.Executives, ExecutiveLink{ID: e.Extension, DisplayName: e.Name, OptInEnabled: in,
				OptInOutAllowed: e.Executive.OptInOutAllowed(), FirstName: first, LastName: last, Extension: e.Extension, DirectNumber: direct})
		}
		return out, nil
	},
	change: func(cfg *config.Config, rt *config.Runtime, owner string, b *AssistantSettings) error {
		switch {
		case b.ForwardFilteredCallsEnabled && b.ForwardToPhoneNumber == "":
			return errorf(http.StatusBadRequest, "invalid", "forwardToPhoneNumber", "a divert number is required to forward filtered calls")
		case b.ForwardToPhoneNumber != "":
			// The divert is dialled with each served executive's identity: the dial gate.
			if err := cfg.GateDivert(owner, b.ForwardToPhoneNumber); err != nil {
				return errorf(http.StatusBadRequest, "invalid", "forwardToPhoneNumber", "divert number: %v", err)
			}
		}
		if rt.Assistants == nil {
			rt.Assistants = map[string]config.AssistantState{}
		}
		st := rt.Assistants[owner]
		st.Divert = &config.Divert{Enabled: b.ForwardFilteredCallsEnabled, To: b.ForwardToPhoneNumber}
		opted := map[string]bool{}
		for k, v := range st.OptedIn {
			opted[k] = v
		}
		for _, l := range b.Executives {
			if l.PersonID != "" && l.PersonID != l.ID {
				l.ID = l.PersonID
			}
			e := cfg.User(l.ID)
			switch {
			case e == nil || e.Executive == nil || !slices.Contains(e.Executive.Assistants, owner):
				return errorf(http.StatusBadRequest, "invalid", "executives", "%s is not in %q's pool", owner, l.ID)
			case !e.Executive.OptInOutAllowed():
				if !l.OptInEnabled {
					return errorf(http.StatusForbidden, "forbidden", "executives", "%s does not allow assistants to opt in or out", l.ID)
				}
			default:
				opted[l.ID] = l.OptInEnabled
			}
		}
		st.OptedIn = opted
		rt.Assistants[owner] = st
		return nil
	}}

// DoNotDisturb is people/{id}/doNotDisturb (as Webex's features/doNotDisturb): a user's
// own DND. SPEC 3: an executive on DND gets no screening legs; an assistant on DND is
// skipped as if busy.
type DoNotDisturb struct {
	Enabled bool `json:"enabled"`
}

var dndSetting = setting[DoNotDisturb]{res: ResDND,
	view: func(_ *config.Config, rt config.Runtime, owner string) (DoNotDisturb, error) {
		return DoNotDisturb{Enabled: rt.OnDND(owner)}, nil
	},
	change: func(_ *config.Config, rt *config.Runtime, owner string, b *DoNotDisturb) error {
		dnd := map[string]bool{}
		for k, v := range rt.DoNotDisturb {
			dnd[k] = v
		}
		if b.Enabled {
			dnd[owner] = true
		} else {
			delete(dnd, owner)
		}
		rt.DoNotDisturb = dnd
		return nil
	}}

// webexName splits a user's name as Webex lists people (first name, last name) and
// gives their direct number (the first of their numbers).
func webexName(u *config.User) (first, last, direct string) {
	first, last, _ = strings.Cut(u.Name, " ")
	if len(u.Numbers) > 0 {
		direct = u.Numbers[0]
	}
	return first, last, direct
}
