package policy

import (
	"testing"

	"github.com/execassist/execassist/app/config"
)

func TestCallingPermissions(t *testing.T) {
	cfg := load(t, "all", "")
	cfg.Dialing.Premium = []string{"+1900*"}
	exec := cfg.User("1001")
	for _, c := range []struct {
		number, class string
		ok            bool
	}{
		{"1002", Internal, true}, {"1234", Internal, true}, {"+15551234567", National, true}, {"5551234567", National, true},
		{"+442071234567", International, false}, {"+19005550000", Premium, false},
	} {
		if got := ClassifyDestination(cfg, c.number); got != c.class {
			t.Errorf("%s: class %s want %s", c.number, got, c.class)
		}
		if ok, why := MayCall(cfg, exec, c.number); ok != c.ok {
			t.Errorf("%s: %v (%s)", c.number, ok, why)
		}
	}
	// A user-level override allows international for this executive only.
	yes := true
	exec.CallingPerms = &config.Permissions{International: &yes}
	if ok, why := MayCall(cfg, exec, "+442071234567"); !ok {
		t.Errorf("override: %s", why)
	}
	if ok, _ := MayCall(cfg, exec, "+19005550000"); ok {
		t.Error("premium must stay refused")
	}
}
