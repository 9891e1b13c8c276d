package wassisttest

import (
	"fmt"
	"net/http"
)

// LinkSession is a WhatsApp onboarding session. Only the user finishing Meta's signup moves
// it out of PENDING; tests stand in for the user with FinishLinkSession.
type LinkSession struct {
	ID         string `json:"id"`
	SuccessURL string `json:"successUrl"`
	ReturnURL  string `json:"returnUrl"`
	Status     string `json:"status"`
	LinkURL    string `json:"linkUrl"`
}

// Link session statuses; all but LinkSessionPending are terminal.
const (
	LinkSessionPending = "PENDING"
	LinkSessionSuccess = "SUCCESS"
	LinkSessionFailed  = "FAILED"
	LinkSessionExpired = "EXPIRED"
)

const linkURLPrefix = "https://wassist.app/link/"

func copySession(ls *LinkSession) LinkSession {
	return *ls
}

func listLinkSessions(c *call) response {
	return listOf(c, c.t.sessions, copySession)
}

func createLinkSession(c *call) response {
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	ls := &LinkSession{ID: newUUID(), Status: LinkSessionPending, LinkURL: linkURLPrefix + newToken()}
	errs := fieldErrs{}
	errs.link(body, "successUrl", &ls.SuccessURL, true)
	errs.link(body, "returnUrl", &ls.ReturnURL, true)
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	c.t.sessions = append(c.t.sessions, ls)
	c.t.sessionByID[ls.ID] = ls
	return jsonResponse(http.StatusCreated, *ls)
}

func (c *call) linkSession() (*LinkSession, *response) {
	ls := c.t.sessionByID[c.params["id"]]
	if ls == nil {
		res := notFound("Link session not found")
		return nil, &res
	}
	return ls, nil
}

func getLinkSession(c *call) response {
	ls, missing := c.linkSession()
	if missing != nil {
		return *missing
	}
	return jsonResponse(http.StatusOK, *ls)
}

// expireLinkSession only moves a pending session; a finished one cannot be expired.
func expireLinkSession(c *call) response {
	ls, missing := c.linkSession()
	if missing != nil {
		return *missing
	}
	if ls.Status != LinkSessionPending {
		msg := fmt.Sprintf("Link session is %s and can no longer be expired.", ls.Status)
		return errorResponse(http.StatusBadRequest, msg, "invalid_state")
	}
	ls.Status = LinkSessionExpired
	return jsonResponse(http.StatusOK, *ls)
}
