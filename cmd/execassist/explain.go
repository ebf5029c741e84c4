package main

import (
	"cmp"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"strings"
	"time"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/safetext"
	"github.com/execassist/execassist/policy"
	"github.com/execassist/execassist/store"
)

// explainCmd prints what execassist would do with a call, from the same policy code the
// sessions run, without Asterisk. It reads the store (with runtime state), or with
// --config a YAML file (provisioning only, e.g. before importing it).
func explainCommand(stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "explain", Short: "what execassist would do with a call or a feature access code, and every rule on the way"}
	fs := c.Flags()
	v := storeFlags(fs)
	exec := fs.String("exec", "", "executive extension (required)")
	from := fs.String("from", "", "caller number; 'anonymous' or 'unavailable' for withheld numbers")
	name := fs.String("name", "", "caller name")
	to := fs.String("to", "", "number dialled (default: the executive's extension)")
	at := fs.String("at", "", "time of the call, RFC 3339 (default now)")
	origin := fs.String("origin", "", "internal or external, as EXECASSIST_ORIGIN would say")
	fac := fs.String("fac", "", "explain feature access code digits instead, e.g. '#641001*1415551234567' (with --device)")
	device := fs.String("device", "", "the device the FAC is dialled from, e.g. PJSIP/1002")
	c.RunE = func(_ *cobra.Command, args []string) error {
		s, _, err := resolve(fs, v, args)
		if err != nil {
			return err
		}
		if *fac != "" {
			cfg, _, source, err := loadForExplain(s)
			if err != nil {
				return err
			}
			// People write digits with spaces ('#64 1001 19005550000'); a phone sends none.
			digits := strings.Join(strings.Fields(*fac), "")
			printFAC(stdout, policy.ParseFAC(cfg, *device, digits), digits, *device, source)
			return nil
		}
		if *exec == "" {
			return &exitError{code: 2, msg: "usage: execassist explain --exec EXT --from NUMBER [--to NUMBER] [--at RFC3339] [--origin internal|external] [--config FILE]"}
		}
		now := time.Now()
		if *at != "" {
			if now, err = time.Parse(time.RFC3339, *at); err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("--at %q is not RFC 3339 (2026-11-24T10:00:00-05:00)", *at)}
			}
		}
		if *origin != "" && *origin != "internal" && *origin != "external" {
			return &exitError{code: 2, msg: "--origin is internal or external"}
		}
		cfg, rt, source, err := loadForExplain(s)
		if err != nil {
			return err
		}
		u := cfg.User(*exec)
		if u == nil {
			return &exitError{code: 1, msg: fmt.Sprintf("execassist: %s is not a provisioned user in %s", *exec, source)}
		}
		if u.Executive == nil {
			return &exitError{code: 1, msg: fmt.Sprintf("execassist: %s (%s) does not have the executive service", *exec, u.Name)}
		}
		call := policy.Call{CallerNumber: *from, CallerName: *name, Origin: *origin, Dialled: *to}
		switch strings.ToLower(*from) {
		case "anonymous":
			call.Anonymous = true
		case "", "unavailable":
			call.Unavailable, call.CallerNumber = true, ""
		}
		if call.Dialled == "" {
			call.Dialled = *exec
		}
		d := policy.Decide(policy.Compile(cfg, rt), *exec, call, now)
		printDecision(stdout, u, call, now, d, source)
		return nil
	}
	return c
}

func loadForExplain(s settings) (*config.Config, config.Runtime, string, error) {
	if s.ConfigFile != "" {
		cfg, err := config.Load(s.ConfigFile)
		if err != nil {
			return nil, config.Runtime{}, "", &exitError{code: 1, msg: err.Error()}
		}
		return cfg, config.Runtime{}, s.ConfigFile + " (provisioning only, no runtime state)", nil
	}
	st, err := openReader(s)
	if err != nil {
		return nil, config.Runtime{}, "", err
	}
	defer st.Close()
	snap := st.Snapshot()
	return snap.Config, snap.Runtime, storeName(s), nil
}

func printDecision(w io.Writer, u *config.User, call policy.Call, now time.Time, d policy.Decision, source string) {
	esc := safetext.Escape
	fmt.Fprintf(w, "executive %s (%s), call from %s to %s at %s\nfrom %s\n\n", u.Extension, esc(u.Name), esc(call.Who()), esc(call.Dialled), now.Format(time.RFC3339), esc(source))
	if d.Availability.Status != config.Available {
		until := "until cleared"
		if d.Availability.Until != nil {
			until = "until " + d.Availability.Until.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "status: %s, %s\n", d.Availability.Status, until)
	}
	switch {
	case d.ElsewhereAction != "":
		fmt.Fprintf(w, "decision: %s (the executive's status): %s\n", strings.ToUpper(d.ElsewhereAction), esc(d.Elsewhere.String()))
	case !d.Filtered:
		fmt.Fprintf(w, "decision: NORMAL: the call continues in the dialplan to the executive\n")
	default:
		fmt.Fprintf(w, "decision: FILTERED to the assistants, %s", d.Mode)
		if d.Mode == "sequential" {
			fmt.Fprintf(w, ", %d rings (%s) each", d.RingsPerAssistant, time.Duration(d.RingsPerAssistant)*d.RingDuration)
		}
		fmt.Fprintln(w)
		for i, t := range d.Assistants {
			fmt.Fprintf(w, "  %d. %s %s via %s: %s\n", i+1, t.Who, t.Name, t.Location, strings.Join(t.Endpoints, " & "))
		}
		fmt.Fprintf(w, "caller ID on their phones: %q <%s>\n", d.CallerIDName, d.CallerIDNumber)
		if d.AlertInfo != "" {
			fmt.Fprintf(w, "Alert-Info: %s\n", d.AlertInfo)
		}
		for _, t := range d.ExecutivePhones {
			when := "together with the assistants"
			if d.ExecutiveAlerting == "first" {
				when = "first, alone for " + d.ExecutiveFirstFor.String() + ", then with the assistants"
			}
			fmt.Fprintf(w, "the executive's phones ring %s: %s\n", when, strings.Join(t.Endpoints, " & "))
		}
		for _, t := range d.Screening {
			fmt.Fprintf(w, "screening: executive %s %s with Alert-Info %s\n", t.Location, strings.Join(t.Endpoints, " & "), t.AlertInfo)
		}
		target := esc(d.RolloverTo.String())
		if d.Rollover.Enabled {
			fmt.Fprintf(w, "rollover: after %s, or when no assistant is left: %s (%s)\n", d.Rollover.After, d.Rollover.Action, target)
		} else {
			fmt.Fprintf(w, "rollover: timer off; when no assistant is left: %s (%s)\n", d.Rollover.Action, target)
		}
		if d.RecordName {
			fmt.Fprintf(w, "the caller is asked for their name first (at most 3 s); the assistant who answers hears it before being connected\n")
		}
		if d.AnnouncePush {
			fmt.Fprintf(w, "a push from an assistant is announced: the executive hears who it is, then 1 takes it, 2 sends it back, 3 to voicemail; no key in %s takes it\n", d.AnnounceTimeout)
		}
	}
	fmt.Fprintln(w, "\nwhy:")
	for i, r := range d.Reasons {
		fmt.Fprintf(w, "  %2d. %s\n", i+1, esc(r))
	}
}

func printFAC(w io.Writer, p policy.FAC, digits, device, source string) {
	esc := safetext.Escape
	fmt.Fprintf(w, "feature code %s dialled from %s\nfrom %s\n\n", esc(digits), esc(device), esc(source))
	switch {
	case p.Refused != "":
		fmt.Fprintf(w, "decision: REFUSED (announcement): %s\n", esc(p.Refused))
	case p.Need != "":
		fmt.Fprintf(w, "decision: PROMPT for the %s (announcement, digits, # ends, 3 tries)\n", p.Need)
	default:
		what := map[string]string{
			"filtering_on": "turn filtering on for " + p.Executive, "filtering_off": "turn filtering off for " + p.Executive,
			"push":   "push the answered executive call at this device to the executive",
			"opt_in": "opt " + p.User + " in to " + p.Executive + "'s calls", "opt_out": "opt " + p.User + " out of " + p.Executive + "'s calls",
			"retrieve": "move " + p.Executive + "'s call at an assistant to this phone", "bridge": "join " + p.Executive + "'s call at an assistant, with warning tone",
		}[p.Code]
		if p.Code == "initiate" {
			switch p.Special {
			case "retrieve":
				what = "take " + p.Executive + "'s held call to this phone"
			case "bridge":
				what = "join " + p.Executive + "'s answered call"
			default:
				what = fmt.Sprintf("call %s as %s (dial %s)", p.Destination, p.Executive, p.Endpoint)
			}
		}
		fmt.Fprintf(w, "decision: %s\n", what)
	}
	fmt.Fprintln(w, "\nwhy:")
	for i, r := range p.Reasons {
		fmt.Fprintf(w, "  %2d. %s\n", i+1, esc(r))
	}
}

// callsCommand lists the call journal.
func callsCommand(stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "calls", Short: "the call journal: who called, who was alerted, who answered, what ended it"}
	fs := c.Flags()
	v := storeFlags(fs)
	exec := fs.String("exec", "", "only this executive")
	since := fs.Duration("since", 24*time.Hour, "how far back")
	limit := fs.Int("limit", 200, "at most this many (the newest)")
	verbose := fs.Bool("why", false, "print each call's reasons and what happened to it after the answer")
	output := outputFlag(fs)
	c.RunE = func(_ *cobra.Command, args []string) error {
		st, err := readStoreFor(*output, fs, v, args)
		if err != nil {
			return err
		}
		defer st.Close()
		entries, err := st.Journal(store.JournalFilter{Executive: *exec, Since: time.Now().Add(-*since), Limit: *limit})
		if err != nil {
			return err
		}
		if *output == "json" {
			if entries == nil {
				entries = []store.JournalEntry{}
			}
			return writeJSONTo(stdout, entries) // whole records, reasons and steps included
		}
		cfg := st.Snapshot().Config
		name := namer(cfg)
		// Several nodes (etcd) share one journal: then each row says which node it was on.
		nodes := st.Health().Shared
		for _, e := range entries {
			nodes = nodes || e.Node != entries[0].Node
		}
		head := []string{"TIME", "KIND", "EXEC", "CALLER", "DECISION", "OUTCOME", "ANSWERED BY", "AFTER", "ENDED", "ALERTED"}
		if nodes {
			head = append([]string{"NODE"}, head...)
		}
		t := newTable(stdout, head...)
		for _, e := range entries {
			after := ""
			if e.AnswerAfter > 0 {
				after = e.AnswerAfter.Round(100 * time.Millisecond).String()
			}
			alerted := make([]string, len(e.Legs))
			for i, l := range e.Legs {
				alerted[i] = name(l)
			}
			caller := e.Caller
			if e.CallerName != "" {
				caller = e.CallerName + " <" + e.Caller + ">"
			}
			answered := ""
			if e.AnsweredBy != "" {
				answered = name(e.AnsweredBy)
			}
			row := []string{e.At.Local().Format("2006-01-02 15:04:05"), e.Kind, name(e.Executive),
				caller, e.Decision, e.Outcome, answered, after, e.EndCause, strings.Join(alerted, ", ")}
			if nodes {
				row = append([]string{e.Node}, row...)
			}
			t.row(row...)
			if *verbose {
				for _, r := range e.Reasons {
					t.note("\t\t\t\t  " + safetext.Escape(r))
				}
				for _, st := range e.Steps {
					line := st.At.Local().Format("15:04:05") + " " + st.What
					if st.By != "" && !strings.Contains(st.What, st.By) {
						line += " (" + cmp.Or(nameOnly(cfg, st.By), st.By) + ")"
					}
					t.note("\t\t\t\t  " + safetext.Escape(line))
				}
			}
		}
		_ = t.flush()
		if len(entries) == 0 {
			fmt.Fprintf(stderr, "no calls in the journal since %s\n", time.Now().Add(-*since).Format(time.RFC3339))
		}
		return nil
	}
	return c
}
