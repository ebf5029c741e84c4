package demo

import (
	"context"
	"math/rand/v2"
	"time"
)

var callers = []struct{ name, number string }{
	{"Bob Caller", "+15550001111"}, {"Carla Customer", "+15550002222"}, {"Dan Vendor", "+15550003333"},
	{"Fiona Board", "+15550004444"}, {"Greg Press", "+15550005555"}, {"Hana Partner", "+15550006666"},
}

// simulate is the demo's outside world: a call every few seconds to one of the
// executives (the assistants' phones answer after 5 s, the executives' after 4 s), each
// caller hangs up after 25-50 s, and now and then an answered call is pushed to the
// executive or retrieved by them, so that every state shows up on the console.
func simulate(ctx context.Context, w *World, every time.Duration) {
	call := time.NewTicker(every)
	defer call.Stop()
	look := time.NewTicker(2 * time.Second)
	defer look.Stop()
	acted := map[string]bool{} // calls already pushed or retrieved (this goroutine only)
	hangups := map[string]time.Time{}
	for {
		select {
		case <-ctx.Done():
			for ch := range hangups {
				_ = w.Fake.Hangup(ch)
			}
			return
		case <-call.C:
			live, _ := w.App.LiveCalls()
			if len(live) >= 4 {
				continue
			}
			c := callers[rand.IntN(len(callers))]
			exec := []string{"1001", "1001", "1006"}[rand.IntN(3)]
			ch := w.Call(exec, c.name, c.number)
			hangups[ch] = time.Now().Add(time.Duration(25+rand.IntN(25)) * time.Second)
		case now := <-look.C:
			for ch, at := range hangups {
				if now.After(at) {
					_ = w.Fake.Hangup(ch)
					delete(hangups, ch)
				}
			}
			live, _ := w.App.LiveCalls()
			for _, c := range live {
				if acted[c.ID] || c.State != "answered" || now.Sub(c.AnsweredAt) < 6*time.Second {
					continue
				}
				acted[c.ID] = true
				switch rand.IntN(4) {
				case 0:
					_ = w.App.Push(c.ID)
				case 1:
					_ = w.App.Retrieve(c.ID)
				}
			}
			if len(acted) > 1000 {
				clear(acted)
			}
		}
	}
}
