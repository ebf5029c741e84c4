package api

import (
	"net/http"
	"slices"

	"github.com/execassist/execassist/internal/config"
)

// NumberLists is people/{id}/executive/numberLists (ours; Webex has none): the number
// lists an executive's custom filters may name (numberLists of a criterion) and which
// of them go straight to the executive (bypassEnabled). The organisation's lists come
// from the YAML (an admin changes them there); only their bypass is the executive's.
// A write with lists replaces the executive's own lists and the bypass choice.
type NumberLists struct {
	Lists []NumberList `json:"lists"`
}

// NumberList is one list.
type NumberList struct {
	Name          string   `json:"name"`
	PhoneNumbers  []string `json:"phoneNumbers"`
	Organisation  bool     `json:"organisation"`
	BypassEnabled bool     `json:"bypassEnabled"`
}

var listsSetting = setting[NumberLists]{res: ResNumberLists,
	view: ofExecutive(func(cfg *config.Config, _ config.Runtime, u *config.User) NumberLists {
		out := NumberLists{Lists: []NumberList{}}
		bypass := cfg.ExecutiveSettings(u).Bypass
		for _, name := range cfg.ListNames(u) {
			nums, _ := cfg.NumberList(u, name)
			_, org := cfg.Lists[name]
			out.Lists = append(out.Lists, NumberList{Name: name, PhoneNumbers: append([]string{}, nums...), Organisation: org,
				BypassEnabled: slices.Contains(bypass, name)})
		}
		return out
	}),
	change: func(cfg *config.Config, rt *config.Runtime, owner string, b *NumberLists) error {
		own, bypass := map[string][]string{}, []string{}
		for _, l := range b.Lists {
			if org, ok := cfg.Lists[l.Name]; ok {
				if !slices.Equal(org, l.PhoneNumbers) && l.PhoneNumbers != nil {
					return errorf(http.StatusForbidden, "forbidden", "lists", "%q is the organisation's list: an admin changes its numbers in the YAML", l.Name)
				}
			} else {
				if _, twice := own[l.Name]; twice {
					return errorf(http.StatusBadRequest, "invalid", "lists", "%q is listed twice", l.Name)
				}
				own[l.Name] = slices.Clone(l.PhoneNumbers)
				if own[l.Name] == nil {
					own[l.Name] = []string{}
				}
			}
			if l.BypassEnabled {
				bypass = append(bypass, l.Name)
			}
		}
		st := execState(rt, owner)
		st.Lists, st.Bypass = &own, &bypass
		rt.Executives[owner] = st
		return nil
	}}
