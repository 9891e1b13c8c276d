package wassist

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// pageSize is the largest page the API serves (limit is capped at 100).
const pageSize = 100

// maxPages stops a list that never ends (a server that keeps sending "next").
const maxPages = 10000

// listPage is one page of a list in either shape the API uses: the paginated envelope
// {count, next, previous, results} or a bare JSON array (accounts, phone numbers, link
// sessions, and some lists the documentation calls paginated).
type listPage[T any] struct {
	Items     []T
	Next      string
	Count     int
	Enveloped bool
}

// UnmarshalJSON accepts both shapes.
func (p *listPage[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		*p = listPage[T]{}
		return json.Unmarshal(data, &p.Items)
	}
	var env struct {
		Count   *int    `json:"count"`
		Next    *string `json:"next"`
		Results *[]T    `json:"results"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return err
	}
	if env.Results == nil {
		return fmt.Errorf("a list answer is neither an array nor an object with results")
	}
	*p = listPage[T]{Items: *env.Results, Enveloped: true}
	if env.Count != nil {
		p.Count = *env.Count
	}
	if env.Next != nil {
		p.Next = *env.Next
	}
	return nil
}

// PageHook is told of each page a list reads: its route, the items read so far, and the
// list's count when the API gives one (0 otherwise).
type PageHook func(route string, read, count int)

type pageHookKey struct{}

// WithPageHook has every list read through ctx call hook after each page (a command's
// progress line).
func WithPageHook(ctx context.Context, hook PageHook) context.Context {
	return context.WithValue(ctx, pageHookKey{}, hook)
}

// listAll reads every page of a list. It follows "next" when it points at the API's own
// host (the key is never sent elsewhere) and otherwise steps offset by the page it got.
func listAll[T any](ctx context.Context, c *Client, route, path string) ([]T, error) {
	var all []T
	r := call{method: http.MethodGet, route: route, path: path, query: pageQuery(0)}
	for range maxPages {
		var page listPage[T]
		if err := c.do(ctx, r, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if hook, ok := ctx.Value(pageHookKey{}).(PageHook); ok {
			hook(route, len(all), page.Count)
		}
		// The list has begun: its next pages wait for their tokens in place, as parts of
		// one read. Handed back to the caller's queue (see Turn), a list of several pages
		// would start over at each token and never end.
		ctx = withoutTurn(ctx)
		if !page.Enveloped {
			return all, nil
		}
		next, ok := nextCall(c, r, page, len(all))
		if !ok {
			return all, nil
		}
		r = next
	}
	return nil, fmt.Errorf("wassist: %s: more than %d pages", r.endpoint(), maxPages)
}

// nextCall is the request for the page after page, or false at the end of the list.
func nextCall[T any](c *Client, prev call, page listPage[T], seen int) (call, bool) {
	if len(page.Items) == 0 {
		return call{}, false
	}
	if page.Next != "" {
		if next, ok := c.sameAPI(page.Next); ok {
			return call{method: prev.method, route: prev.route, path: next.EscapedPath(), query: next.Query()}, true
		}
	}
	if page.Count > seen {
		return call{method: prev.method, route: prev.route, path: prev.path, query: pageQuery(seen)}, true
	}
	return call{}, false
}

// sameAPI parses a "next" link and returns it relative to the base URL, if it is on the
// API's own scheme, host and path.
func (c *Client) sameAPI(link string) (*url.URL, bool) {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != c.base.Scheme || u.Host != c.base.Host || !strings.HasPrefix(u.Path, c.base.Path) {
		return nil, false
	}
	rel := *u
	rel.Scheme, rel.Host = "", ""
	rel.Path = strings.TrimPrefix(u.Path, c.base.Path)
	rel.RawPath = ""
	return &rel, true
}

func pageQuery(offset int) url.Values {
	return url.Values{"limit": {strconv.Itoa(pageSize)}, "offset": {strconv.Itoa(offset)}}
}
