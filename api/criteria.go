package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
)

// criterionID is the opaque id of a custom filter: its name (unique per executive, the
// validator checks) in URL-safe base64, so that no name can play tricks with the path
// and deleting the same id twice cannot remove a second filter (as list indexes would).
func criterionID(name string) string { return base64.RawURLEncoding.EncodeToString([]byte(name)) }

// Webex's callsFrom values.
const (
	fromAny      = "ANY_PHONE_NUMBER"
	fromSelected = "SELECT_PHONE_NUMBERS"
	fromInternal = "ANY_INTERNAL"
	fromExternal = "ANY_EXTERNAL"
)

// CriterionDetail is people/{id}/executive/callFiltering/criteria/{criteriaId}: one
// custom filter in full (Webex field names). scheduleName and holidayScheduleName name
// schedules of the YAML; callsToNumbers holds primary, mobility or one of the
// executive's numbers; filterEnabled false means "do not filter".
type CriterionDetail struct {
	ID                        string   `json:"id"`
	FilterName                string   `json:"filterName"`
	ScheduleName              string   `json:"scheduleName"`
	HolidayScheduleName       string   `json:"holidayScheduleName"`
	CallsFrom                 string   `json:"callsFrom"`
	AnonymousCallersEnabled   bool     `json:"anonymousCallersEnabled"`
	UnavailableCallersEnabled bool     `json:"unavailableCallersEnabled"`
	PhoneNumbers              []string `json:"phoneNumbers"`
	// NumberLists (ours): with SELECT_PHONE_NUMBERS, named number lists (the
	// organisation's or the executive's) whose callers the filter takes too.
	NumberLists       []string `json:"numberLists"`
	CallsToNumbers    []string `json:"callsToNumbers"`
	FilterEnabled     bool     `json:"filterEnabled"`
	ActivationEnabled bool     `json:"activationEnabled"`
}

// criterionView renders one filter.
func criterionView(f config.Filter) CriterionDetail {
	out := CriterionDetail{ID: criterionID(f.Name), FilterName: f.Name, ScheduleName: f.When, HolidayScheduleName: f.Holidays,
		CallsFrom: fromAny, PhoneNumbers: []string{}, NumberLists: []string{}, CallsToNumbers: slices.Clone(f.CallsTo),
		FilterEnabled: f.Action != "dont-filter", ActivationEnabled: f.Active == nil || *f.Active}
	if out.CallsToNumbers == nil {
		out.CallsToNumbers = []string{}
	}
	if cf := f.CallsFrom; !cf.AnyCaller() {
		out.AnonymousCallersEnabled, out.UnavailableCallersEnabled = cf.Anonymous, cf.Unavailable
		out.PhoneNumbers = slices.Clone(cf.Numbers)
		if out.PhoneNumbers == nil {
			out.PhoneNumbers = []string{}
		}
		if len(cf.Lists) > 0 {
			out.NumberLists = slices.Clone(cf.Lists)
		}
		switch {
		case cf.Internal && !cf.External && len(cf.Numbers) == 0 && len(cf.Lists) == 0:
			out.CallsFrom = fromInternal
		case cf.External && !cf.Internal && len(cf.Numbers) == 0 && len(cf.Lists) == 0:
			out.CallsFrom = fromExternal
		case cf.Internal && cf.External:
			out.CallsFrom = fromAny
		default:
			out.CallsFrom = fromSelected
		}
	}
	return out
}

// filterFrom turns a criterion into a filter. prev is the filter it replaces (nil for a
// new one): its caller selection is kept when the client did not change the Webex view
// of it, so a YAML selection Webex cannot express (internal callers plus numbers) is not
// lost by renaming the filter.
func filterFrom(c CriterionDetail, prev *config.Filter) (config.Filter, error) {
	if err := enumIn("callsFrom", c.CallsFrom, fromAny, fromSelected, fromInternal, fromExternal); err != nil {
		return config.Filter{}, err
	}
	f := config.Filter{Name: c.FilterName, When: c.ScheduleName, Holidays: c.HolidayScheduleName,
		CallsTo: slices.Clone(c.CallsToNumbers), Action: "filter"}
	if len(f.CallsTo) == 0 {
		f.CallsTo = nil
	}
	if !c.FilterEnabled {
		f.Action = "dont-filter"
	}
	if !c.ActivationEnabled {
		off := false
		f.Active = &off
	}
	if prev != nil {
		was := criterionView(*prev)
		if was.CallsFrom == c.CallsFrom && slices.Equal(was.PhoneNumbers, c.PhoneNumbers) && slices.Equal(was.NumberLists, c.NumberLists) &&
			was.AnonymousCallersEnabled == c.AnonymousCallersEnabled && was.UnavailableCallersEnabled == c.UnavailableCallersEnabled {
			f.CallsFrom = prev.CallsFrom
			return f, nil
		}
	}
	cf := &config.CallsFrom{Anonymous: c.AnonymousCallersEnabled, Unavailable: c.UnavailableCallersEnabled}
	switch c.CallsFrom {
	case fromAny:
		if !cf.Anonymous && !cf.Unavailable {
			cf = nil
		} else {
			cf.Any = true
		}
	case fromInternal:
		cf.Internal = true
	case fromExternal:
		cf.External = true
	case fromSelected:
		cf.Numbers = slices.Clone(c.PhoneNumbers)
		if len(c.NumberLists) > 0 {
			cf.Lists = slices.Clone(c.NumberLists)
		}
		if len(cf.Numbers) == 0 && len(cf.Lists) == 0 && !cf.Anonymous && !cf.Unavailable {
			return config.Filter{}, errorf(http.StatusBadRequest, "invalid", "phoneNumbers", "SELECT_PHONE_NUMBERS needs phoneNumbers, numberLists or anonymous/unavailable callers")
		}
	}
	if c.CallsFrom != fromSelected && len(c.PhoneNumbers) > 0 {
		return config.Filter{}, errorf(http.StatusBadRequest, "invalid", "phoneNumbers", "phoneNumbers apply only with callsFrom SELECT_PHONE_NUMBERS")
	}
	if c.CallsFrom != fromSelected && len(c.NumberLists) > 0 {
		return config.Filter{}, errorf(http.StatusBadRequest, "invalid", "numberLists", "numberLists apply only with callsFrom SELECT_PHONE_NUMBERS")
	}
	f.CallsFrom = cf
	return f, nil
}

// currentFilters is the executive's effective filter list (runtime over provisioning).
func currentFilters(cfg *config.Config, owner string) ([]config.Filter, error) {
	u, err := executiveOf(cfg, owner)
	if err != nil {
		return nil, err
	}
	return slices.Clone(u.Executive.Filtering.Filters), nil
}

func findCriterion(filters []config.Filter, id string) (int, error) {
	for i, f := range filters {
		if criterionID(f.Name) == id {
			return i, nil
		}
	}
	return -1, errorf(http.StatusNotFound, "not_found", "", "no criterion %q", id)
}

// setFilters stores a new filter list as the executive's runtime state (the mode stays).
func setFilters(cfg *config.Config, rt *config.Runtime, owner string, filters []config.Filter) {
	st := execState(rt, owner)
	mode := cfg.User(owner).Executive.Filtering.Mode
	st.Filters, st.FilterMode = &filters, &mode
	rt.Executives[owner] = st
}

// criterionSetting is one criterion as a setting, so GET and partial PUT (with ETag and
// If-Match) work as for the other resources.
func criterionSetting(id string) setting[CriterionDetail] {
	return setting[CriterionDetail]{res: ResFiltering,
		view: func(cfg *config.Config, _ config.Runtime, owner string) (CriterionDetail, error) {
			filters, err := currentFilters(cfg, owner)
			if err != nil {
				return CriterionDetail{}, err
			}
			i, err := findCriterion(filters, id)
			if err != nil {
				return CriterionDetail{}, err
			}
			return criterionView(filters[i]), nil
		},
		change: func(cfg *config.Config, rt *config.Runtime, owner string, c *CriterionDetail) error {
			filters, _ := currentFilters(cfg, owner)
			i, err := findCriterion(filters, id)
			if err != nil {
				return err
			}
			f, err := filterFrom(*c, &filters[i])
			if err != nil {
				return err
			}
			filters[i] = f
			setFilters(cfg, rt, owner, filters)
			id = criterionID(f.Name) // a rename: the view after the change finds it by its new id
			return nil
		}}
}

func handleCriterionGet(s *Server, w http.ResponseWriter, r *request) error {
	return criterionSetting(r.PathValue("criteriaId")).get(s, w, r)
}

func handleCriterionPut(s *Server, w http.ResponseWriter, r *request) error {
	return criterionSetting(r.PathValue("criteriaId")).put(s, w, r)
}

// handleCriterionCreate appends a custom filter (201 with its id and Location).
func handleCriterionCreate(s *Server, w http.ResponseWriter, r *request) error {
	owner := r.owner()
	if err := s.allow(r, ResFiltering, owner, "", true); err != nil {
		return err
	}
	body := CriterionDetail{CallsFrom: fromAny, FilterEnabled: true, ActivationEnabled: true}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.ID != "" {
		return errorf(http.StatusBadRequest, "invalid", "id", "the server chooses the id")
	}
	created, err := s.createCriterion(r, owner, body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+created.ID)
	w.Header().Set("ETag", etag(created))
	writeJSON(w, http.StatusCreated, created)
	return nil
}

// createCriterion appends a custom filter made of body and returns it as stored.
func (s *Server) createCriterion(r *request, owner string, body CriterionDetail) (CriterionDetail, error) {
	var created CriterionDetail
	err := s.changeFilters(r, owner, func(cfg *config.Config, filters []config.Filter) ([]config.Filter, error) {
		f, err := filterFrom(body, nil)
		if err != nil {
			return nil, err
		}
		created = criterionView(f)
		return append(filters, f), nil
	})
	return created, err
}

// handleCriterionDelete removes a custom filter; If-Match guards it like a PUT.
func handleCriterionDelete(s *Server, w http.ResponseWriter, r *request) error {
	owner, id := r.owner(), r.PathValue("criteriaId")
	if err := s.allow(r, ResFiltering, owner, "", true); err != nil {
		return err
	}
	ifMatch := r.Header.Get("If-Match")
	err := s.changeFilters(r, owner, func(_ *config.Config, filters []config.Filter) ([]config.Filter, error) {
		i, err := findCriterion(filters, id)
		if err != nil {
			return nil, err
		}
		if ifMatch != "" && ifMatch != "*" && ifMatch != etag(criterionView(filters[i])) {
			return nil, errorf(http.StatusPreconditionFailed, "conflict", "", "changed by someone else since you read it: reload and try again")
		}
		return slices.Delete(filters, i, i+1), nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// changeFilters edits the executive's filter list in one store transaction with an
// audit record of the filters it changed; the effective configuration is
// validated as for an import (a custom mode left without filters is refused).
func (s *Server) changeFilters(r *request, owner string, edit func(cfg *config.Config, filters []config.Filter) ([]config.Filter, error)) error {
	audit := &store.AuditEntry{Who: r.who.Name, Role: role(r.who), From: r.RemoteAddr, Resource: r.URL.Path}
	err := s.store.ChangeRuntime(audit, func(prov *config.Config, rt *config.Runtime) error {
		cur := config.WithRuntime(prov, *rt)
		before, err := currentFilters(cur, owner)
		if err != nil {
			return err
		}
		after, err := edit(cur, slices.Clone(before))
		if err != nil {
			return err
		}
		setFilters(cur, rt, owner, after)
		audit.Before, _ = json.Marshal(criteriaViews(before))
		audit.After, _ = json.Marshal(criteriaViews(after))
		return nil
	})
	if err == nil {
		s.log.Info().Str("who", r.who.Name).Str("resource", r.URL.Path).Str("method", r.Method).Msg("setting changed")
	}
	return err
}

func criteriaViews(filters []config.Filter) []CriterionDetail {
	out := make([]CriterionDetail, len(filters))
	for i, f := range filters {
		out[i] = criterionView(f)
	}
	return out
}
