package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/store"
)

// fac dials digits from a desk phone into Stasis(execassist,fac,<digits>).
func (h *harness) fac(from, digits string) string {
	return h.fake.PlaceCall(aritest.Call{From: from, Exten: digits, Args: []string{"fac", digits}})
}

// playedTo lists the media played to channel id.
func (h *harness) playedTo(id string) []string {
	var out []string
	for _, r := range h.fake.Requests() {
		if strings.HasPrefix(r.Path, "/channels/"+id+"/play") {
			out = append(out, r.Query)
		}
	}
	return out
}

func (h *harness) finishFAC(id string) {
	h.t.Helper()
	h.eventually("the announcement to start", func() bool { return len(h.playedTo(id)) > 0 })
	// An announcement of several media plays each for a second of the fake clock.
	h.eventually("the FAC call to be released", func() bool {
		h.clock.Advance(time.Second)
		_, alive := h.fake.ChannelState(id)
		return !alive
	})
}

func TestFilteringFACsPersistConfirmAndSurviveRestart(t *testing.T) {
	h := newHarness(t, baseYAML)
	off := h.fac("PJSIP/1001", "#62")
	h.finishFAC(off)
	if p := h.playedTo(off); len(p) != 1 || !strings.Contains(p[0], "de-activated") {
		t.Fatalf("#62 played %v", p)
	}
	if st := h.store.Snapshot().Runtime.Executives["1001"].Filtering; st == nil || *st {
		t.Fatal("#62 not stored")
	}
	// BLF lamp follows.
	h.eventually("device state", func() bool {
		for _, r := range h.fake.Requests() {
			if r.Path == "/deviceStates/Stasis:execassist-filter-1001" && r.Query == "deviceState=NOT_INUSE" && r.Status == 204 {
				return true
			}
		}
		return false
	})
	// Filtering off: the next call goes straight to the executive.
	c := h.call()
	if to := h.continuedTo(c); to != "from-internal,1001,2" {
		t.Fatalf("after #62: %s", to)
	}
	// Restart execassist on the same store: still off; then #61 turns it on again.
	h.stop()
	var err error
	h.store, err = store.Open(h.dbPath, store.Options{Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h.startApp()
	if st := h.store.Snapshot().Runtime.Executives["1001"].Filtering; st == nil || *st {
		t.Fatal("#62 lost over a restart")
	}
	on := h.fac("PJSIP/1001", "#61")
	h.finishFAC(on)
	if p := h.playedTo(on); !strings.Contains(p[0], "media=sound%3Aactivated") {
		t.Fatalf("#61 played %v", p)
	}
	c = h.call()
	h.ringing("PJSIP/1002")
	h.fake.Hangup(c)
	h.settle()
}

func TestFilteringFACRefusedForNonExecutivesAndBadDigits(t *testing.T) {
	h := newHarness(t, baseYAML)
	for _, tc := range []struct{ from, digits, prompt string }{
		{"PJSIP/1005", "#61", "feature-not-avail-line"},  // a user without the executive service
		{"PJSIP/1002", "#62", "feature-not-avail-line"},  // an assistant
		{"PJSIP/trunk", "#61", "feature-not-avail-line"}, // nobody's device
		{"PJSIP/1001", "#6x1", "pbx-invalid"},
		{"PJSIP/1001", "#61&Dial(PJSIP/9)", "pbx-invalid"},
		{"PJSIP/1001", "#60", "pbx-invalid"},
		{"PJSIP/1001", "#61" + strings.Repeat("1", 40), "pbx-invalid"}, // overlong
	} {
		id := h.fac(tc.from, tc.digits)
		h.finishFAC(id)
		if p := h.playedTo(id); len(p) != 1 || !strings.Contains(p[0], tc.prompt) {
			t.Errorf("%s from %s: played %v, want %s", tc.digits, tc.from, p, tc.prompt)
		}
	}
	if len(h.store.Snapshot().Runtime.Executives) != 0 {
		t.Fatal("a refused FAC changed the store")
	}
	for _, r := range h.fake.Requests() {
		if r.Path == "/channels/create" {
			t.Fatal("a refused FAC dialled something")
		}
	}
	h.settle()
}

func TestFilteringLampsAreSetOnConnect(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.eventually("the lamp of 1001", func() bool {
		for _, r := range h.fake.Requests() {
			if r.Method == "PUT" && r.Path == "/deviceStates/Stasis:execassist-filter-1001" && r.Query == "deviceState=INUSE" {
				return true
			}
		}
		return false
	})
}

// TestVoicemailFACSendsTheCallAtThisPhoneToTheExecutivesMailbox: #67 from Ann's phone
// (a second line) sends the call she answered to Erin's voicemail; with no answered
// call it takes the one ringing for her; with neither it announces "no call".
func TestVoicemailFACSendsTheCallAtThisPhoneToTheExecutivesMailbox(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller, _ := h.answeredAt("PJSIP/1002")
	h.finishFAC(h.fac("PJSIP/1002", "#67"))
	h.eventually("the answered caller at Erin's voicemail", func() bool { return h.atErinsVoicemail(caller) })
	second := h.call()
	h.ringing("PJSIP/1002")
	h.finishFAC(h.fac("PJSIP/1002", "#67"))
	h.eventually("the ringing caller at Erin's voicemail", func() bool { return h.atErinsVoicemail(second) })
	h.settle()
	fac := h.fac("PJSIP/1002", "#67")
	h.finishFAC(fac)
	if played := strings.Join(h.playedTo(fac), " "); !strings.Contains(played, "im-sorry") {
		t.Errorf("#67 with no call played %q, want the no-call announcement", played)
	}
	var rec store.JournalEntry
	h.eventually("the last #67's record", func() bool {
		j, _ := h.store.Journal(store.JournalFilter{})
		for _, e := range j {
			if e.CallID == fac {
				rec = e
			}
		}
		return rec.CallID != ""
	})
	if rec.Decision != "voicemail" || rec.Outcome != "refused" {
		t.Errorf("the last #67's record: %+v", rec)
	}
}

// TestIntercomCallsTheOtherSideWhichAnswersByItself: Erin dials #681002: Ann's phone
// gets a leg with the auto-answer header, answers by itself, the two are bridged; when
// Ann hangs up Erin's side is released too. Ann dials #68 alone (she has one
// executive): Erin's phone answers. Uma, in nobody's pool, is refused.
func TestIntercomCallsTheOtherSideWhichAnswersByItself(t *testing.T) {
	h := newHarness(t, baseYAML)
	erin := h.fac("PJSIP/1001", "#681002")
	var ann string
	h.eventually("Ann's phone answered by itself", func() bool {
		for _, l := range h.fake.ChannelsOn("PJSIP/1002") {
			if st, _ := h.fake.ChannelState(l); st == "Up" {
				ann = l
			}
		}
		return ann != ""
	})
	if v, _ := h.fake.Variable(ann, "PJSIP_HEADER(add,Call-Info)"); !strings.Contains(v, "answer-after=0") {
		t.Errorf("the intercom leg's Call-Info %q", v)
	}
	h.eventually("Erin and Ann bridged", func() bool { return h.bridged(erin, ann) })
	h.fake.Hangup(ann)
	h.eventually("Erin's side released", func() bool { return h.gone(erin) })
	h.settle()

	own := h.fac("PJSIP/1002", "#68")
	h.eventually("Erin's phone answered by itself and bridged", func() bool {
		for _, l := range h.fake.ChannelsOn("PJSIP/1001") {
			if h.bridged(own, l) {
				return true
			}
		}
		return false
	})
	h.fake.Hangup(own)
	h.settle()

	before := h.dialled("endpoint=PJSIP%2F1001")
	uma := h.fac("PJSIP/1005", "#681001")
	h.finishFAC(uma)
	if h.dialled("endpoint=PJSIP%2F1001") != before || before == 0 {
		t.Errorf("Uma's refused intercom rang Erin (%d legs before, %d after)", before, h.dialled("endpoint=PJSIP%2F1001"))
	}
}
