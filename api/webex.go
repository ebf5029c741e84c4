package api

// Webex Calling's executive API paths, served next to ours so that a script written
// for Webex works against execassist with a change of base URL (https://webexapis.com/v1
// becomes http(s)://<execassist>/v1). The resources are ours where Webex's shape is
// ours already (alert, screening, assignedAssistants, availableAssistants, assistant,
// callFiltering); a criterion differs (one schedule with its type, callsToNumbers as
// objects) and is translated here.

import (
	"net/http"
	"slices"
	"strings"

	"github.com/execassist/execassist/internal/config"
)

// webexPrefixes are Webex's two path families: an admin's people/{id} and a user's own
// people/me/settings.
var webexPrefixes = []string{"/v1/telephony/config/people/{id}/executive/", "/v1/telephony/config/people/me/settings/executive/"}

// webexRoutes are Webex's executive operations, on both prefixes.
func webexRoutes() []route {
	var out []route
	for _, p := range webexPrefixes {
		out = append(out,
			route{method: "GET", pattern: p + "alert", summary: "Webex: executive alert settings", resp: Alert{}, handle: alertSetting.get},
			route{method: "PUT", pattern: p + "alert", summary: "Webex: modify executive alert settings", body: Alert{}, resp: Alert{}, handle: alertSetting.put},
			route{method: "GET", pattern: p + "assignedAssistants", summary: "Webex: assigned assistants", resp: AssignedAssistants{}, handle: poolSetting.get},
			route{method: "PUT", pattern: p + "assignedAssistants", summary: "Webex: modify assigned assistants (assistantIds null removes all)", body: AssignedAssistants{}, resp: AssignedAssistants{}, handle: poolSetting.put},
			route{method: "GET", pattern: p + "availableAssistants", summary: "Webex: available assistants (?name=, ?phoneNumber=)", resp: Available{}, handle: handleAvailableSearch},
			route{method: "GET", pattern: p + "assistant", summary: "Webex: executive assistant settings", resp: AssistantSettings{}, handle: assistantSetting.get},
			route{method: "PUT", pattern: p + "assistant", summary: "Webex: modify executive assistant settings", body: AssistantSettings{}, resp: AssistantSettings{}, handle: assistantSetting.put},
			route{method: "GET", pattern: p + "callFiltering", summary: "Webex: executive call filtering", resp: CallFiltering{}, handle: filteringSetting.get},
			route{method: "PUT", pattern: p + "callFiltering", summary: "Webex: modify executive call filtering (criteriaActivation)", body: CallFiltering{}, resp: CallFiltering{}, handle: filteringSetting.put},
			route{method: "POST", pattern: p + "callFiltering/criteria", summary: "Webex: add a call filtering criteria (201 {id})", body: WebexCriterion{}, resp: WebexCriterionID{}, handle: handleWebexCriterionCreate},
			route{method: "GET", pattern: p + "callFiltering/criteria/{criteriaId}", summary: "Webex: a call filtering criteria", resp: WebexCriterion{}, handle: handleWebexCriterionGet},
			route{method: "PUT", pattern: p + "callFiltering/criteria/{criteriaId}", summary: "Webex: modify a call filtering criteria", body: WebexCriterion{}, resp: WebexCriterion{}, handle: handleWebexCriterionPut},
			route{method: "DELETE", pattern: p + "callFiltering/criteria/{criteriaId}", summary: "Webex: delete a call filtering criteria", handle: handleCriterionDelete},
			route{method: "GET", pattern: p + "screening", summary: "Webex: executive screening", resp: Screening{}, handle: screeningSetting.get},
			route{method: "PUT", pattern: p + "screening", summary: "Webex: modify executive screening", body: Screening{}, resp: Screening{}, handle: screeningSetting.put},
		)
	}
	return out
}

// handleAvailableSearch is availableAssistants with Webex's search: name (part of the
// first or last name, any case) and phoneNumber (part of the number or extension).
func handleAvailableSearch(s *Server, w http.ResponseWriter, r *request) error {
	owner := r.owner()
	if err := s.allow(r, ResAvailable, owner, "", false); err != nil {
		return err
	}
	snap := s.store.Snapshot()
	v, err := availableSetting.view(snap.Config, snap.Runtime, owner)
	if err != nil {
		return err
	}
	name, number := strings.ToLower(r.URL.Query().Get("name")), r.URL.Query().Get("phoneNumber")
	v.Assistants = slices.DeleteFunc(v.Assistants, func(p Person) bool {
		return (name != "" && !strings.Contains(strings.ToLower(p.DisplayName), name)) ||
			(number != "" && !strings.Contains(p.DirectNumber, number) && !strings.Contains(p.Extension, number))
	})
	w.Header().Set("ETag", etag(v))
	writeJSON(w, http.StatusOK, v)
	return nil
}

// WebexCriterion is a call filtering criteria in Webex's shape: one schedule with its
// type (businessHours or holidays) and level (PEOPLE, GROUP or LOCATION: execassist's
// schedules are the organisation's, shown as GROUP), callsToNumbers as objects (PRIMARY,
// or ALTERNATE/SECONDARY with one of the executive's numbers or their mobile).
type WebexCriterion struct {
	ID                        string         `json:"id,omitempty"`
	FilterName                string         `json:"filterName"`
	ScheduleName              string         `json:"scheduleName,omitempty"`
	ScheduleType              string         `json:"scheduleType,omitempty"`
	ScheduleLevel             string         `json:"scheduleLevel,omitempty"`
	CallsFrom                 string         `json:"callsFrom"`
	AnonymousCallersEnabled   bool           `json:"anonymousCallersEnabled"`
	UnavailableCallersEnabled bool           `json:"unavailableCallersEnabled"`
	PhoneNumbers              []string       `json:"phoneNumbers"`
	FilterEnabled             bool           `json:"filterEnabled"`
	CallsToNumbers            []WebexCallsTo `json:"callsToNumbers"`
}

// WebexCallsTo is one number of the executive a criterion applies to when called.
type WebexCallsTo struct {
	Type        string `json:"type"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// WebexCriterionID is what Webex answers a create with.
type WebexCriterionID struct {
	ID string `json:"id"`
}

// toWebex renders our criterion as Webex does.
func toWebex(u *config.User, c CriterionDetail) WebexCriterion {
	out := WebexCriterion{ID: c.ID, FilterName: c.FilterName, CallsFrom: c.CallsFrom, AnonymousCallersEnabled: c.AnonymousCallersEnabled,
		UnavailableCallersEnabled: c.UnavailableCallersEnabled, PhoneNumbers: c.PhoneNumbers, FilterEnabled: c.FilterEnabled,
		CallsToNumbers: []WebexCallsTo{}}
	switch {
	case c.ScheduleName != "":
		out.ScheduleName, out.ScheduleType, out.ScheduleLevel = c.ScheduleName, "businessHours", "GROUP"
	case c.HolidayScheduleName != "":
		out.ScheduleName, out.ScheduleType, out.ScheduleLevel = c.HolidayScheduleName, "holidays", "GROUP"
	}
	for _, to := range c.CallsToNumbers {
		switch to {
		case "primary":
			n := u.Extension
			if len(u.Numbers) > 0 {
				n = u.Numbers[0]
			}
			out.CallsToNumbers = append(out.CallsToNumbers, WebexCallsTo{Type: "PRIMARY", PhoneNumber: n})
		case "mobility":
			out.CallsToNumbers = append(out.CallsToNumbers, WebexCallsTo{Type: "ALTERNATE", PhoneNumber: u.Mobile})
		default:
			out.CallsToNumbers = append(out.CallsToNumbers, WebexCallsTo{Type: "ALTERNATE", PhoneNumber: to})
		}
	}
	return out
}

// fromWebex lays a Webex criterion over ours (base: the criterion it changes, or a new
// one's defaults): what Webex cannot say (the activation, number lists) is kept.
func fromWebex(u *config.User, w WebexCriterion, base CriterionDetail) (CriterionDetail, error) {
	out := base
	out.FilterName, out.CallsFrom, out.AnonymousCallersEnabled, out.UnavailableCallersEnabled = w.FilterName, w.CallsFrom, w.AnonymousCallersEnabled, w.UnavailableCallersEnabled
	out.PhoneNumbers, out.FilterEnabled = w.PhoneNumbers, w.FilterEnabled
	if out.PhoneNumbers == nil {
		out.PhoneNumbers = []string{}
	}
	if w.ScheduleLevel != "" {
		if err := enumIn("scheduleLevel", w.ScheduleLevel, "PEOPLE", "GROUP", "LOCATION"); err != nil {
			return out, err
		}
	}
	out.ScheduleName, out.HolidayScheduleName = "", ""
	switch w.ScheduleType {
	case "", "businessHours":
		out.ScheduleName = w.ScheduleName
	case "holidays":
		out.HolidayScheduleName = w.ScheduleName
	default:
		return out, errorf(http.StatusBadRequest, "invalid", "scheduleType", "%q is not businessHours or holidays", w.ScheduleType)
	}
	out.CallsToNumbers = []string{}
	for _, to := range w.CallsToNumbers {
		switch {
		case to.Type == "PRIMARY":
			out.CallsToNumbers = append(out.CallsToNumbers, "primary")
		case to.Type != "ALTERNATE" && to.Type != "SECONDARY":
			return out, errorf(http.StatusBadRequest, "invalid", "callsToNumbers", "%q is not PRIMARY, ALTERNATE or SECONDARY", to.Type)
		case to.PhoneNumber != "" && to.PhoneNumber == u.Mobile:
			out.CallsToNumbers = append(out.CallsToNumbers, "mobility")
		default:
			out.CallsToNumbers = append(out.CallsToNumbers, to.PhoneNumber) // validated as one of the executive's numbers
		}
	}
	return out, nil
}

func handleWebexCriterionCreate(s *Server, w http.ResponseWriter, r *request) error {
	owner := r.owner()
	if err := s.allow(r, ResFiltering, owner, "", true); err != nil {
		return err
	}
	var body WebexCriterion
	body.CallsFrom = fromAny
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.ID != "" {
		return errorf(http.StatusBadRequest, "invalid", "id", "the server chooses the id")
	}
	u, err := executiveOf(s.store.Snapshot().Config, owner)
	if err != nil {
		return err
	}
	ours, err := fromWebex(u, body, CriterionDetail{ActivationEnabled: true, NumberLists: []string{}})
	if err != nil {
		return err
	}
	created, err := s.createCriterion(r, owner, ours)
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+created.ID)
	writeJSON(w, http.StatusCreated, WebexCriterionID{ID: created.ID})
	return nil
}

// webexCriterionSetting is one criterion in Webex's shape over ours (same ETag rules).
func webexCriterionSetting(id string) setting[WebexCriterion] {
	inner := criterionSetting(id)
	return setting[WebexCriterion]{res: ResFiltering,
		view: func(cfg *config.Config, rt config.Runtime, owner string) (WebexCriterion, error) {
			c, err := inner.view(cfg, rt, owner)
			if err != nil {
				return WebexCriterion{}, err
			}
			return toWebex(cfg.User(owner), c), nil
		},
		change: func(cfg *config.Config, rt *config.Runtime, owner string, b *WebexCriterion) error {
			base, err := inner.view(cfg, *rt, owner)
			if err != nil {
				return err
			}
			ours, err := fromWebex(cfg.User(owner), *b, base)
			if err != nil {
				return err
			}
			return inner.change(cfg, rt, owner, &ours)
		}}
}

func handleWebexCriterionGet(s *Server, w http.ResponseWriter, r *request) error {
	return webexCriterionSetting(r.PathValue("criteriaId")).get(s, w, r)
}

func handleWebexCriterionPut(s *Server, w http.ResponseWriter, r *request) error {
	return webexCriterionSetting(r.PathValue("criteriaId")).put(s, w, r)
}
