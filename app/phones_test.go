package app_test

import (
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari/aritest"
)

func watchPhones(o *app.Options) { o.PhoneEvery = 2 * time.Second }

// phoneIs waits (advancing the clock past a reading) for the executive's phone state.
func (h *harness) phoneIs(exec string, want app.PhoneState) {
	h.t.Helper()
	h.eventually("1001's phone "+string(want), func() bool {
		h.clock.Advance(2 * time.Second)
		st, _ := h.app.Phones()
		return st[exec] == want
	})
}

// TestTheExecutivesPhoneStateComesFromAsterisk: Erin's phone is idle, in use while she
// talks on a call that never passed through execassist (dialled in the plain dialplan),
// idle again when she hangs up, and offline when her qualified phone is unreachable.
func TestTheExecutivesPhoneStateComesFromAsterisk(t *testing.T) {
	h := newHarnessWith(t, watchPhones, baseYAML)
	h.phoneIs("1001", app.PhoneIdle)
	_, changed := h.app.Phones()
	own := h.fake.PhoneDials("PJSIP/1001", "1005")
	h.phoneIs("1001", app.PhoneInUse)
	select {
	case <-changed:
	default:
		t.Error("the change channel was not closed when the phone went in use")
	}
	if err := h.fake.Hangup(own); err != nil {
		t.Fatal(err)
	}
	h.phoneIs("1001", app.PhoneIdle)
	h.fake.SetScript("PJSIP/1001", aritest.Script{Mode: aritest.Unavailable})
	h.phoneIs("1001", app.PhoneOffline)
	if st, _ := h.app.Phones(); st["1002"] != "" {
		t.Errorf("an assistant's phone is watched: %q", st["1002"])
	}
}

// TestAPhoneOnlyRingingIsNotInUse: a push rings Erin's phone (not in use: she may be
// free to take it); once she answers, it is.
func TestAPhoneOnlyRingingIsNotInUse(t *testing.T) {
	h := newHarnessWith(t, watchPhones, baseYAML)
	h.answeredAt("PJSIP/1002")
	h.fac("PJSIP/1002", "#63")
	exec := h.ringing("PJSIP/1001")
	h.phoneIs("1001", app.PhoneIdle)
	h.fake.Answer(exec)
	h.phoneIs("1001", app.PhoneInUse)
}
