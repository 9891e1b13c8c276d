package wassisttest

import (
	"net/http"
	"net/url"
	"strconv"
)

// The documented page sizes (documented for conversations, assumed for every paginated list).
const (
	defaultPageLimit = 20
	maxPageLimit     = 100
	maxOffset        = 1 << 31
)

// pageEnvelope is DRF's limit/offset envelope; next and previous are absolute URLs or null.
type pageEnvelope struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  any     `json:"results"`
}

// paginate serves items the way DRF's LimitOffsetPagination does, rendering only the page.
func paginate[T, U any](c *call, items []T, render func(T) U) response {
	limit, offset := pageParams(c.r.URL.Query())
	start, end := min(offset, len(items)), min(offset+limit, len(items))
	results := make([]U, 0, end-start)
	for _, item := range items[start:end] {
		results = append(results, render(item))
	}
	return jsonResponse(http.StatusOK, pageEnvelope{
		Count:    len(items),
		Next:     nextPage(c.r, limit, offset, len(items)),
		Previous: previousPage(c.r, limit, offset),
		Results:  results,
	})
}

// listOf serves a list that third parties saw as a bare array: in the paginated envelope,
// as the SDK reads it, unless Options.BareLists asks for the bare array (limit and offset
// ignored), so clients can be tested on both shapes.
func listOf[T, U any](c *call, items []T, render func(T) U) response {
	if !c.s.opts.BareLists {
		return paginate(c, items, render)
	}
	out := make([]U, 0, len(items))
	for _, item := range items {
		out = append(out, render(item))
	}
	return jsonResponse(http.StatusOK, out)
}

// pageParams reads limit and offset as DRF does: a missing, invalid or non-positive limit
// is the default, a limit above the maximum is the maximum, a bad offset is 0.
func pageParams(q url.Values) (limit, offset int) {
	limit = defaultPageLimit
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, maxPageLimit)
	}
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 {
		offset = min(n, maxOffset)
	}
	return limit, offset
}

func nextPage(r *http.Request, limit, offset, count int) *string {
	if offset+limit >= count {
		return nil
	}
	return pageURL(r, limit, offset+limit)
}

// previousPage drops the offset parameter when it would be zero, as DRF does.
func previousPage(r *http.Request, limit, offset int) *string {
	if offset <= 0 {
		return nil
	}
	return pageURL(r, limit, max(offset-limit, 0))
}

// pageURL is the request's own URL with limit and offset replaced; other query parameters
// are kept and the parameters are sorted, as DRF's replace_query_param leaves them.
func pageURL(r *http.Request, limit, offset int) *string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	q := r.URL.Query()
	q.Set("limit", strconv.Itoa(limit))
	q.Del("offset")
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	s := u.String()
	return &s
}
