package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAdminPagesAreForAdminsOnly: every admin resource refuses a user (403) and an
// anonymous client (401), and answers an admin.
func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	r := newRig(t)
	user, admin := r.login("1001"), r.login("root")
	anon := &client{r: r, http: user.http}
	for _, path := range []string{"/v1/admin/users", "/v1/admin/audit", "/v1/admin/journal", "/v1/admin/health"} {
		if code, _ := user.do("GET", path, nil, nil); code != 403 {
			t.Errorf("user %s: %d", path, code)
		}
		if code, _ := anon.do("GET", path, nil, nil); code != 401 {
			t.Errorf("anonymous %s: %d", path, code)
		}
		if code, body := admin.do("GET", path, nil, nil); code != 200 {
			t.Errorf("admin %s: %d %s", path, code, body)
		}
	}
	if code, _ := user.do("PUT", "/v1/admin/users/1002/secret", map[string]string{"secret": "long enough secret"}, nil); code != 403 {
		t.Errorf("a user setting a secret: %d", code)
	}
}

// TestAdminSetsASecretNeverShownAndAudited: the admin resets Uma's secret; Uma signs in
// with it (not with the old one); a short one is refused naming the field; the audit log
// says who did it and no response or audit entry holds the secret or its hash.
func TestAdminSetsASecretNeverShownAndAudited(t *testing.T) {
	r := newRig(t)
	admin := r.login("root")
	if code, body := admin.do("PUT", "/v1/admin/users/1005/secret", map[string]string{"secret": "short"}, nil); code != 400 || !strings.Contains(body, `"field":"secret"`) {
		t.Fatalf("a short secret: %d %s", code, body)
	}
	if code, body := admin.do("PUT", "/v1/admin/users/9999/secret", map[string]string{"secret": "long enough secret"}, nil); code != 404 {
		t.Fatalf("an unknown user: %d %s", code, body)
	}
	if code, body := admin.do("PUT", "/v1/admin/users/1005/secret", map[string]string{"secret": "uma's new secret"}, nil); code != 204 {
		t.Fatalf("set: %d %s", code, body)
	}
	anon := &client{r: r, http: admin.http}
	if code, _ := anon.do("POST", "/v1/login", map[string]string{"user": "1005", "secret": "uma's new secret"}, nil); code != 200 {
		t.Fatalf("Uma with the new secret: %d", code)
	}
	if code, _ := anon.do("POST", "/v1/login", map[string]string{"user": "1005", "secret": "secret-1005"}, nil); code != 401 {
		t.Fatalf("Uma with the old secret: %d", code)
	}
	_, users := admin.do("GET", "/v1/admin/users", nil, nil)
	_, audit := admin.do("GET", "/v1/admin/audit", nil, nil)
	for _, body := range []string{users, audit} {
		if strings.Contains(body, "uma's new secret") || strings.Contains(body, "$argon2") {
			t.Fatalf("a secret or hash shown: %s", body)
		}
	}
	var a AdminAudit
	json.Unmarshal([]byte(audit), &a)
	if len(a.Items) == 0 || a.Items[0].Who != "root" || a.Items[0].Resource != "user 1005 secret" {
		t.Fatalf("audit: %s", audit)
	}
}

// TestAdminAuditSaysWhatChangedInWords: a self-service change appears in the audit as
// "field: before → after" lines, not raw JSON.
func TestAdminAuditSaysWhatChangedInWords(t *testing.T) {
	r := newRig(t)
	exec, admin := r.login("1001"), r.login("root")
	if code, body := exec.do("PUT", "/v1/people/1001/executive/alert", map[string]any{"nextAssistantNumberOfRings": 4}, nil); code != 200 {
		t.Fatalf("change: %d %s", code, body)
	}
	_, audit := admin.do("GET", "/v1/admin/audit", nil, nil)
	var a AdminAudit
	json.Unmarshal([]byte(audit), &a)
	if len(a.Items) == 0 || a.Items[0].Who != "1001" || strings.Join(a.Items[0].Changes, "; ") != "nextAssistantNumberOfRings: 3 → 4" {
		t.Fatalf("audit: %s", audit)
	}
}
