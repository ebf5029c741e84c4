package aritest

import (
	"strings"

	"github.com/execassist/execassist/internal/clock"
)

type playback struct {
	id     string
	media  []string
	idx    int
	target string
	apps   []string
	state  string
	timer  clock.Timer
}

// playbackJSON is ARI's Playback model.
type playbackJSON struct {
	ID           string `json:"id"`
	MediaURI     string `json:"media_uri"`
	NextMediaURI string `json:"next_media_uri,omitempty"`
	TargetURI    string `json:"target_uri"`
	Language     string `json:"language"`
	State        string `json:"state"`
}

func (pb *playback) snapshot() *playbackJSON {
	j := &playbackJSON{ID: pb.id, MediaURI: pb.media[pb.idx], TargetURI: pb.target, Language: "en", State: pb.state}
	if pb.idx+1 < len(pb.media) {
		j.NextMediaURI = pb.media[pb.idx+1]
	}
	return j
}

func (s *Server) playLocked(target string, apps []string, id string, p params) reply {
	media := strings.Split(p.get("media"), ",")
	if p.get("media") == "" {
		return fail(400, "media parameter is required")
	}
	if id == "" {
		id = p.get("playbackId")
	}
	if id == "" {
		id = randomID()
	}
	pb := &playback{id: id, media: media, target: target, apps: apps, state: "queued"}
	s.playbacks[id] = pb
	resp := pb.snapshot()
	pb.state = "playing"
	s.emitLocked(apps, map[string]any{"type": "PlaybackStarted", "playback": pb.snapshot()})
	s.schedulePlaybackLocked(pb)
	return reply{201, resp}
}

// schedulePlaybackLocked finishes a media item after MediaDuration. A tone (tone:...)
// plays until it is stopped (DELETE /playbacks/{id}) or its target goes away, as in
// Asterisk, where an indication such as the US stutter ends in a continuous tone.
func (s *Server) schedulePlaybackLocked(pb *playback) {
	if s.neverEnds(pb.media[pb.idx]) {
		return
	}
	pb.timer = s.clock.AfterFunc(s.mediaDur, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.playbacks[pb.id] != pb {
			return
		}
		if pb.idx+1 < len(pb.media) {
			pb.state = "continuing"
			s.emitLocked(pb.apps, map[string]any{"type": "PlaybackContinuing", "playback": pb.snapshot()})
			pb.idx++
			pb.state = "playing"
			s.emitLocked(pb.apps, map[string]any{"type": "PlaybackStarted", "playback": pb.snapshot()})
			s.schedulePlaybackLocked(pb)
			return
		}
		s.finishPlaybackLocked(pb)
	})
}

func (s *Server) finishPlaybackLocked(pb *playback) {
	if pb.timer != nil {
		pb.timer.Stop()
	}
	pb.state = "done"
	delete(s.playbacks, pb.id)
	s.emitLocked(pb.apps, map[string]any{"type": "PlaybackFinished", "playback": pb.snapshot()})
}

func (s *Server) playbackOp(method, id string) reply {
	pb := s.playbacks[id]
	if pb == nil {
		return fail(404, "The playback cannot be found")
	}
	switch method {
	case "GET":
		return ok(pb.snapshot())
	case "DELETE":
		s.finishPlaybackLocked(pb)
		return noContent()
	}
	return fail(404, "Resource not found")
}
