package wassisttest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// response is an answer decided under the server lock and written after it is released.
// Bodies are marshalled when the response is built, so nothing shared escapes the lock.
type response struct {
	status      int
	body        []byte
	contentType string
	header      http.Header
	drop        bool // hang up instead of answering
	aborted     bool // the client went away; there is no one to answer
}

// apiError is the documented error shape, {"error": ..., "code": ...}.
type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func jsonResponse(status int, v any) response {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("wassisttest: marshal response: %v", err))
	}
	return response{status: status, body: b, contentType: "application/json"}
}

func errorResponse(status int, msg, code string) response {
	return jsonResponse(status, apiError{Error: msg, Code: code})
}

func notFound(msg string) response {
	return errorResponse(http.StatusNotFound, msg, "not_found")
}

func unauthorized() response {
	return errorResponse(http.StatusUnauthorized, "Invalid API key", "unauthorized")
}

// permissionDenied is DRF's answer to a valid key that may not do what it asked.
func permissionDenied() response {
	return detail(http.StatusForbidden, "You do not have permission to perform this action.")
}

// detail is DRF's shape for errors that are not about one field.
func detail(status int, msg string) response {
	return jsonResponse(status, map[string]string{"detail": msg})
}

func methodNotAllowed(method string, rt *route) response {
	res := detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", method))
	allowed := make([]string, 0, len(rt.methods))
	for m := range rt.methods {
		allowed = append(allowed, m)
	}
	slices.Sort(allowed)
	res.header = http.Header{"Allow": {strings.Join(allowed, ", ")}}
	return res
}

func validationFailed(errs fieldErrs) response {
	return jsonResponse(http.StatusBadRequest, errs)
}

func noContent() response {
	return response{status: http.StatusNoContent}
}

// serverError looks like an unhandled Django exception or a failing proxy: HTML, not JSON,
// so a client that assumes every error body is JSON is caught.
func serverError(status int) response {
	if status == 0 {
		status = http.StatusInternalServerError
	}
	page := fmt.Sprintf("<!doctype html>\n<html><head><title>Server Error (%d)</title></head>"+
		"<body><h1>Server Error (%d)</h1></body></html>\n", status, status)
	return response{status: status, body: []byte(page), contentType: "text/html; charset=utf-8"}
}

func (res response) write(w http.ResponseWriter) {
	maps.Copy(w.Header(), res.header)
	if res.status == http.StatusNoContent {
		w.WriteHeader(res.status)
		return
	}
	w.Header().Set("Content-Type", res.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(res.body)))
	w.WriteHeader(res.status)
	_, _ = w.Write(res.body)
}

// hangUp closes the connection without a byte of response, the way a crashed worker or a
// lost network path looks to a client.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): aborting the handler resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
