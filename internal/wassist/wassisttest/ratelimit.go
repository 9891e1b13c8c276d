package wassisttest

import (
	"net/http"
	"strconv"
	"time"
)

// The documented budget: 100 requests per minute per key.
const (
	defaultRateLimit = 100
	rateWindow       = time.Minute
)

// throttleBody is the 429 body; retry_after is snake_case on the wire.
type throttleBody struct {
	Error      string `json:"error"`
	Code       string `json:"code"`
	RetryAfter int    `json:"retry_after"`
}

func (s *Server) rateLimit() int {
	if s.opts.RateLimit == 0 {
		return defaultRateLimit
	}
	return s.opts.RateLimit
}

// throttle admits a request into the key's sliding window or answers 429 with the time
// until the oldest request in the window leaves it. Refused requests do not enter the window.
func (s *Server) throttle(t *tenant, now time.Time) (response, bool) {
	limit := s.rateLimit()
	if limit < 0 {
		return response{}, false
	}
	expired := 0
	for expired < len(t.window) && now.Sub(t.window[expired]) >= rateWindow {
		expired++
	}
	t.window = t.window[expired:]
	if len(t.window) >= limit {
		return s.throttled(t.window[0].Add(rateWindow).Sub(now)), true
	}
	t.window = append(t.window, now)
	return response{}, false
}

// throttled is the 429 answer. The header is optional because the real API is not known to
// send it; the body's retry_after is always there. Both are whole seconds, at least 1.
func (s *Server) throttled(wait time.Duration) response {
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	res := jsonResponse(http.StatusTooManyRequests, throttleBody{
		Error: "Request was throttled.", Code: "rate_limited", RetryAfter: secs,
	})
	if !s.opts.OmitRetryAfterHeader {
		res.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	}
	return res
}
