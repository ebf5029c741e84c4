package api

import (
	"net/http"
	"slices"

	"github.com/execassist/execassist/internal/config"
)

// AssistantPermissionsList is people/{id}/executive/assistantPermissions (ours; Webex
// has no per-assistant permissions, Teams' delegates do): what each assistant of the
// pool may do for the executive. A write lists the assistants to change; a permission
// left out of an entry, and an assistant left out of the list, keep theirs.
type AssistantPermissionsList struct {
	Assistants []AssistantPermission `json:"assistants"`
}

// AssistantPermission is one assistant's permissions; the view sets every field.
type AssistantPermission struct {
	ID                          string `json:"id"`
	DisplayName                 string `json:"displayName,omitempty"`
	ReceiveFilteredCallsEnabled *bool  `json:"receiveFilteredCallsEnabled,omitempty"`
	PlaceCallsEnabled           *bool  `json:"placeCallsEnabled,omitempty"`
	ChangeSettingsEnabled       *bool  `json:"changeSettingsEnabled,omitempty"`
	PickUpHeldCallsEnabled      *bool  `json:"pickUpHeldCallsEnabled,omitempty"`
	JoinCallsEnabled            *bool  `json:"joinCallsEnabled,omitempty"`
}

// fields pairs each API field with the permission it carries.
func (a *AssistantPermission) fields() map[config.Permission]**bool {
	return map[config.Permission]**bool{config.ReceiveFilteredCalls: &a.ReceiveFilteredCallsEnabled,
		config.PlaceCalls: &a.PlaceCallsEnabled, config.ChangeSettings: &a.ChangeSettingsEnabled,
		config.PickUpHeldCalls: &a.PickUpHeldCallsEnabled, config.JoinCalls: &a.JoinCallsEnabled}
}

var permissionsSetting = setting[AssistantPermissionsList]{res: ResAssistantPermissions,
	view: ofExecutive(func(cfg *config.Config, _ config.Runtime, u *config.User) AssistantPermissionsList {
		out := AssistantPermissionsList{Assistants: []AssistantPermission{}}
		for _, ext := range u.Executive.Assistants {
			a := AssistantPermission{ID: ext}
			if x := cfg.User(ext); x != nil {
				a.DisplayName = x.Name
			}
			for p, f := range a.fields() {
				on := u.Executive.Permits(ext, p)
				*f = &on
			}
			out.Assistants = append(out.Assistants, a)
		}
		return out
	}),
	change: func(cfg *config.Config, rt *config.Runtime, owner string, b *AssistantPermissionsList) error {
		e := cfg.User(owner).Executive
		perms := map[string]config.AssistantPermissions{}
		for ext, p := range e.AssistantPermissions {
			perms[ext] = p
		}
		for _, a := range b.Assistants {
			if !slices.Contains(e.Assistants, a.ID) {
				return errorf(http.StatusBadRequest, "invalid", "assistants", "%q is not in %s's pool", a.ID, owner)
			}
			p := perms[a.ID]
			for perm, f := range a.fields() {
				if *f != nil {
					p = p.With(perm, **f)
				}
			}
			perms[a.ID] = p.Withheld()
			if perms[a.ID] == (config.AssistantPermissions{}) {
				delete(perms, a.ID)
			}
		}
		st := execState(rt, owner)
		st.AssistantPermissions = &perms
		rt.Executives[owner] = st
		return nil
	}}
