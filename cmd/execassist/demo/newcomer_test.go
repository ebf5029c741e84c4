package demo

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/poll"
)

// press clicks the button a newcomer reads as label in the row of a call in state (the
// words on the screen, not our selectors), waiting for it to appear.
func press(t *testing.T, ctx context.Context, state, label string) {
	t.Helper()
	sel := `//li[@data-state="` + state + `"]//button[normalize-space()="` + label + `"]`
	run(t, ctx, label, chromedp.WaitVisible(sel, chromedp.BySearch), chromedp.Click(sel, chromedp.BySearch))
}

// TestANewcomerDoesEveryHandOffInTheDemo walks the demo as someone new to it, by the
// words on the buttons: Ann answers a call from the console and pushes it to Erin, then
// bridges into it; Erin retrieves a second call from Ann; Ann calls out as Erin, typing
// the number with spaces as people do; and sends a fourth call to Erin's voicemail. The
// executive's phone picks up a second after ringing, as the demo's do; Ann picks up
// hers when it rings for her (a bridge, a call placed as Erin). What it took (clicks,
// the time from the first click) is logged, not asserted: the issue asks a newcomer to
// manage it within a minute, and the walk is seven clicks and a number.
func TestANewcomerDoesEveryHandOffInTheDemo(t *testing.T) {
	w := world(t)
	ann, erin := browser(t), browser(t)
	signIn(t, ann, w, "1002")
	signIn(t, erin, w, "1001")
	w.Fake.SetScript("PJSIP/1001", aritest.Script{Mode: aritest.Answer, After: time.Second})
	annPicksUp := func() { _ = w.Fake.Answer(ringingLeg(t, w, "PJSIP/1002")) }
	began, clicks := time.Now(), 0
	step := func(ctx context.Context, state, label string) { press(t, ctx, state, label); clicks++ }
	callWith := func(state string) {
		t.Helper()
		poll.Until(t, 0, "a call "+state, func() bool {
			calls, _ := w.App.LiveCalls()
			for _, c := range calls {
				if c.State == state {
					return true
				}
			}
			return false
		}, func() string { calls, _ := w.App.LiveCalls(); return fmt.Sprintf("the live calls: %+v", calls) })
	}

	// 1. Answer from the console, push to Erin, bridge in.
	first := w.Call("1001", "Bob Caller", "+15550001111")
	step(ann, "ringing", "Answer")
	step(ann, "answered", "Push to executive")
	callWith("executive")
	step(ann, "executive", "Bridge in")
	annPicksUp()
	callWith("bridged")
	_ = w.Fake.Hangup(first)

	// 2. Erin retrieves a call Ann answered.
	second := w.Call("1001", "Carla Customer", "+15550002222")
	step(ann, "ringing", "Answer")
	callWith("answered")
	step(erin, "answered", "Retrieve")
	callWith("executive")
	_ = w.Fake.Hangup(second)

	// 3. Ann calls out as Erin.
	run(t, ann, "call as executive", chromedp.WaitVisible("#callas-number", chromedp.ByQuery),
		chromedp.SendKeys("#callas-number", "+1 555 123 4567", chromedp.ByQuery),
		chromedp.Click(`//form[@id="call-as"]//button[normalize-space()="Call"]`, chromedp.BySearch))
	clicks++
	annPicksUp()
	var placed string
	poll.Until(t, 0, "Ann's call as Erin to reach +15551234567", func() bool {
		calls, _ := w.App.LiveCalls()
		for _, c := range calls {
			if c.Direction == "outgoing" && c.PlacedBy == "1002" && c.State != "ringing" {
				placed = c.ID
				return true
			}
		}
		return false
	})
	var row string
	run(t, ann, "the outgoing row", chromedp.WaitVisible(`#calls li[data-direction="outgoing"]`, chromedp.ByQuery),
		chromedp.Text(`#calls li[data-direction="outgoing"] .who`, &row, chromedp.ByQuery))
	if !strings.Contains(row, "Ann Assist calling") || !strings.Contains(row, "for Erin Exec") {
		t.Errorf("the outgoing call reads %q", row)
	}
	_ = w.App.Hangup(placed, "1002")

	// 4. Send a ringing call to Erin's voicemail.
	fourth := w.Call("1001", "Dan Vendor", "+15550003333")
	step(ann, "ringing", "Send to voicemail")
	poll.Until(t, 0, "the fourth caller at Erin's voicemail", func() bool {
		to, ok := w.Fake.Continued(fourth)
		return ok && strings.HasPrefix(to.String(), "execassist-voicemail,1001")
	})
	t.Logf("newcomer walk: %d clicks and one number typed, %s from the first click (phones answering after 1 s)", clicks, time.Since(began).Round(100*time.Millisecond))
}
