package api

// The admin's pages: users and their services, sign-in secrets, the audit log, the
// call journal and the health of the store and of Asterisk. Only admins reach them.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/execassist/execassist/store"
)

// minSecret is the shortest sign-in secret an admin may set.
const minSecret = 8

// needAdmin refuses anyone but an admin.
func needAdmin(r *request) error {
	if !r.who.Admin {
		return errorf(http.StatusForbidden, "forbidden", "", "only an admin sees and changes this")
	}
	return nil
}

// AdminUsers is GET /v1/admin/users: every provisioned user and their services.
type AdminUsers struct {
	Items []AdminUser `json:"items"`
}

// AdminUser is one user as an admin sees them.
type AdminUser struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName,omitempty"`
	Devices     []string `json:"devices"`
	Executive   bool     `json:"executive"`
	Assistant   bool     `json:"assistant"`
	Pool        []string `json:"pool,omitempty"`       // an executive's assistants, in order
	Executives  []string `json:"executives,omitempty"` // the executives whose pool an assistant is in
	CanSignIn   bool     `json:"canSignIn"`            // has a secret (set here, with `user passwd` or in the YAML)
}

func handleAdminUsers(s *Server, w http.ResponseWriter, r *request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	cfg := s.store.Snapshot().Config
	out := AdminUsers{Items: []AdminUser{}}
	for _, u := range cfg.Users {
		it := AdminUser{ID: u.Extension, DisplayName: u.Name, Devices: slices.Clone(u.Devices), Executive: u.Executive != nil, Assistant: u.Assistant != nil}
		if u.Devices == nil {
			it.Devices = []string{}
		}
		if u.Executive != nil {
			it.Pool = slices.Clone(u.Executive.Assistants)
		}
		for _, e := range cfg.Users {
			if e.Executive != nil && slices.Contains(e.Executive.Assistants, u.Extension) {
				it.Executives = append(it.Executives, e.Extension)
			}
		}
		h, err := s.store.SecretHash(u.Extension)
		if err != nil {
			return errorf(http.StatusServiceUnavailable, "store_unavailable", "", "the store cannot be read: %v", err)
		}
		it.CanSignIn = h != ""
		out.Items = append(out.Items, it)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// SecretBody is PUT /v1/admin/users/{id}/secret: the new sign-in secret. It is hashed
// (argon2id) at once and never stored, logged or shown.
type SecretBody struct {
	Secret string `json:"secret"`
}

func handleAdminSecret(s *Server, w http.ResponseWriter, r *request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if s.store.Snapshot().Config.User(id) == nil {
		return errorf(http.StatusNotFound, "not_found", "", "%q is not a provisioned user", id)
	}
	var b SecretBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if utf8.RuneCountInString(b.Secret) < minSecret || strings.TrimSpace(b.Secret) != b.Secret {
		return errorf(http.StatusBadRequest, "invalid", "secret", "a secret has at least %d characters and no leading or trailing spaces", minSecret)
	}
	h, err := s.hash(b.Secret)
	if err != nil {
		return fmt.Errorf("hash the secret: %w", err)
	}
	audit := store.AuditEntry{At: s.clock.Now().UTC(), Who: r.who.Name, Role: "admin", From: sourceAddress(r.Request), Resource: "user " + id + " secret"}
	if err := s.store.SetSecretHash(id, h, audit); err != nil {
		return err
	}
	s.log.Info().Str("admin", r.who.Name).Str("user", id).Msg("sign-in secret set by an admin")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// AdminAudit is GET /v1/admin/audit: the newest self-service changes first, each with
// what changed in words ("enabled: true → false").
type AdminAudit struct {
	Items []AuditView `json:"items"`
}

// AuditView is one audited change.
type AuditView struct {
	At       time.Time `json:"at"`
	Who      string    `json:"who"`
	Role     string    `json:"role"`
	From     string    `json:"from"`
	Resource string    `json:"resource"`
	Changes  []string  `json:"changes"`
}

func handleAdminAudit(s *Server, w http.ResponseWriter, r *request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	limit := limitParam(r)
	entries, err := s.store.Audit(r.URL.Query().Get("who"), limit)
	if err != nil {
		return errorf(http.StatusServiceUnavailable, "store_unavailable", "", "the audit log cannot be read: %v", err)
	}
	out := AdminAudit{Items: []AuditView{}}
	for _, e := range entries {
		out.Items = append(out.Items, AuditView{At: e.At, Who: e.Who, Role: e.Role, From: e.From, Resource: e.Resource,
			Changes: e.Changes()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// AdminJournal is GET /v1/admin/journal?executive=&limit=: the newest call records
// first, whole (reasons and steps: what `execassist calls --why` prints).
type AdminJournal struct {
	Items []store.JournalEntry `json:"items"`
}

func handleAdminJournal(s *Server, w http.ResponseWriter, r *request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	limit := limitParam(r)
	entries, err := s.store.Journal(store.JournalFilter{Executive: r.URL.Query().Get("executive"), Limit: limit})
	if err != nil {
		return errorf(http.StatusServiceUnavailable, "store_unavailable", "", "the call journal cannot be read: %v", err)
	}
	slices.Reverse(entries)
	if entries == nil {
		entries = []store.JournalEntry{}
	}
	writeJSON(w, http.StatusOK, AdminJournal{Items: entries})
	return nil
}

// AdminHealth is GET /v1/admin/health: whether execassist can take calls and how fresh
// the settings it decides with are.
type AdminHealth struct {
	Node             string    `json:"node,omitempty"`
	ARIConnected     bool      `json:"ariConnected"`
	ActiveSessions   int       `json:"activeSessions"`
	StoreShared      bool      `json:"storeShared"` // etcd
	StoreConnected   bool      `json:"storeConnected"`
	StoreLastContact time.Time `json:"storeLastContact,omitzero"`
	StaleSeconds     float64   `json:"staleSeconds"`
	StoreDamaged     string    `json:"storeDamaged,omitempty"`
	SettingsFrom     string    `json:"settingsFrom,omitempty"` // the imported file
	ImportedAt       time.Time `json:"importedAt,omitzero"`
}

func handleAdminHealth(s *Server, w http.ResponseWriter, r *request) error {
	if err := needAdmin(r); err != nil {
		return err
	}
	h := s.store.Health()
	snap := s.store.Snapshot()
	writeJSON(w, http.StatusOK, AdminHealth{Node: s.app.Node(), ARIConnected: s.app.Healthy(), ActiveSessions: s.app.ActiveSessions(),
		StoreShared: h.Shared, StoreConnected: h.Connected, StoreLastContact: h.LastContact, StaleSeconds: h.Staleness(s.clock.Now()).Seconds(),
		StoreDamaged: h.Damaged, SettingsFrom: snap.Source, ImportedAt: snap.ImportedAt})
	return nil
}

// limitParam is ?limit=: 1-1000, default 100.
func limitParam(r *request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 && n <= 1000 {
		return n
	}
	return 100
}
