package wassisttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// call is one API request being served, with the server lock held.
type call struct {
	s      *Server
	t      *tenant
	r      *http.Request
	params map[string]string
	body   []byte
	now    time.Time
}

// object parses the body as DRF would for a JSON view: an empty body is an empty object,
// anything but application/json is a 415, and anything but a JSON object is a 400.
func (c *call) object() (map[string]any, *response) {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return map[string]any{}, nil
	}
	if ct := c.r.Header.Get("Content-Type"); !isJSONMediaType(ct) {
		res := detail(http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", ct))
		return nil, &res
	}
	v, err := decodeJSON(c.body)
	if err != nil {
		res := detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
		return nil, &res
	}
	obj, ok := v.(map[string]any)
	if !ok {
		msg := "No data provided"
		if v != nil {
			msg = notADict(v)
		}
		res := validationFailed(fieldErrs{nonFieldErrors: []string{msg}})
		return nil, &res
	}
	return obj, nil
}

func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// decodeJSON reads exactly one JSON value, keeping numbers exact so that 1.0 and 1 can be
// told apart the way a strict integer field must.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("extra data after the JSON value")
	}
	return v, nil
}
