package aritest

import (
	"net/http"
	"regexp"
	"slices"
)

// Fault makes REST calls misbehave as a sick Asterisk does, so that tests can prove
// execassist fails open: an error status instead of the action, or no answer at all
// until the client gives up (a hung Asterisk). The call is not performed either way.
type Fault struct {
	// Method and Path select the calls: Method "" is any; Path is a regular expression
	// matched against the path below /ari, e.g. `^/bridges/[^/]+/addChannel$`.
	Method string
	Path   string
	// Status and Message are the answer (e.g. 500 "Internal Server Error"); ignored
	// when Hang is set.
	Status  int
	Message string
	// Hang holds the call without an answer until the client's request ends.
	Hang bool
	// Times limits how many calls the fault hits; 0 means every matching call.
	Times int
}

type fault struct {
	Fault
	re   *regexp.Regexp
	hits int
}

// InjectFault arms f until the returned function removes it.
func (s *Server) InjectFault(f Fault) (remove func()) {
	ft := &fault{Fault: f, re: regexp.MustCompile(f.Path)}
	s.mu.Lock()
	s.faults = append(s.faults, ft)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.faults = slices.DeleteFunc(s.faults, func(x *fault) bool { return x == ft })
	}
}

// faultFor returns the armed fault for a call, counting the hit; the caller holds s.mu.
func (s *Server) faultFor(method, path string) *fault {
	for _, f := range s.faults {
		if (f.Method == "" || f.Method == method) && f.re.MatchString(path) && (f.Times == 0 || f.hits < f.Times) {
			f.hits++
			return f
		}
	}
	return nil
}

// serveFault answers a faulted call; it returns the status recorded for it.
func serveFault(w http.ResponseWriter, r *http.Request, f *fault) int {
	if f.Hang {
		<-r.Context().Done()
		return 0
	}
	status, message := f.Status, f.Message
	if status == 0 {
		status = 500
	}
	if message == "" {
		message = http.StatusText(status)
	}
	writeJSON(w, status, msg{message})
	return status
}
