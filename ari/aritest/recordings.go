package aritest

import (
	"strconv"
	"strings"
	"time"

	"github.com/execassist/execassist/internal/clock"
)

// A live recording on a channel, as ari-traces/record-caller-name-then-play-to-leg
// shows it: RecordingStarted at once, RecordingFinished (state done) when
// maxDurationSeconds is reached, or in the same moment as the caller's hang-up (then
// StasisEnd follows); never RecordingFailed. The file is stored in either case and kept
// until DELETE /recordings/stored/{name}.
type recording struct {
	name, format string
	c            *channel
	started      time.Time
	timer        clock.Timer
}

func (r *recording) json(state string, now time.Time) map[string]any {
	j := map[string]any{"name": r.name, "format": r.format, "state": state, "target_uri": "channel:" + r.c.id}
	if state == "done" {
		d := int(now.Sub(r.started) / time.Second)
		j["duration"], j["talking_duration"], j["silence_duration"] = d, d, 0
	}
	return j
}

// SetRecordingFolderMissing is a lab whose spool recording folder does not exist
// (ari-traces/record-when-the-recording-folder-is-missing): record answers 500 with no
// event, GET /recordings/stored 500 "Allocation failed".
func (s *Server) SetRecordingFolderMissing(missing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noRecordingDir = missing
}

// Stored lists the stored recordings' names (tests check none outlives its call).
func (s *Server) Stored() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n := range s.stored {
		out = append(out, n)
	}
	return out
}

// recordLocked is POST /channels/{id}/record.
func (s *Server) recordLocked(c *channel, p params) reply {
	name, format := p.get("name"), p.get("format")
	if name == "" || format == "" {
		return fail(400, "Recording name and format are required")
	}
	if s.noRecordingDir {
		return fail(500, "Internal Server Error")
	}
	if _, exists := s.stored[name]; exists && p.get("ifExists") == "fail" {
		return fail(422, "Recording with the same name already exists")
	}
	max, _ := strconv.Atoi(p.get("maxDurationSeconds"))
	if max <= 0 {
		max = 60
	}
	r := &recording{name: name, format: format, c: c, started: s.clock.Now()}
	s.recordings[name] = r
	c.recording = r
	s.emitLocked(s.appsOf(c), map[string]any{"type": "RecordingStarted", "recording": r.json("recording", s.clock.Now())})
	r.timer = s.clock.AfterFunc(time.Duration(max)*time.Second, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.finishRecordingLocked(r)
	})
	return reply{201, r.json("queued", s.clock.Now())}
}

// finishRecordingLocked stores the file and says RecordingFinished.
func (s *Server) finishRecordingLocked(r *recording) {
	if s.recordings[r.name] != r {
		return
	}
	r.timer.Stop()
	delete(s.recordings, r.name)
	r.c.recording = nil
	s.stored[r.name] = r.format
	s.emitLocked(s.appsOf(r.c), map[string]any{"type": "RecordingFinished", "recording": r.json("done", s.clock.Now())})
}

// recordingOp is /recordings/live/{name} and /recordings/stored[/{name}].
func (s *Server) recordingOp(method string, seg []string) reply {
	switch {
	case len(seg) == 2 && seg[0] == "live" && method == "GET":
		if r := s.recordings[seg[1]]; r != nil {
			return ok(r.json("recording", s.clock.Now()))
		}
		return fail(404, "Recording not found")
	case len(seg) == 1 && seg[0] == "stored" && method == "GET":
		if s.noRecordingDir {
			return fail(500, "Allocation failed")
		}
		out := []map[string]string{}
		for n, f := range s.stored {
			out = append(out, map[string]string{"name": n, "format": f})
		}
		return ok(out)
	case len(seg) == 2 && seg[0] == "stored":
		f, found := s.stored[seg[1]]
		switch {
		case !found:
			return fail(404, "Recording not found")
		case method == "GET":
			return ok(map[string]string{"name": seg[1], "format": f})
		case method == "DELETE":
			delete(s.stored, seg[1])
			return noContent()
		}
	}
	return fail(404, "Resource not found")
}

// neverEnds reports whether a playback's media never finishes: a tone (until stopped)
// or a recording that is not stored (Asterisk starts it and never says Finished).
func (s *Server) neverEnds(media string) bool {
	if strings.HasPrefix(media, "tone:") {
		return true
	}
	if name, ok := strings.CutPrefix(media, "recording:"); ok {
		_, stored := s.stored[name]
		return !stored
	}
	return false
}
