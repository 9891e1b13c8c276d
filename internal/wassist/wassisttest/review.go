package wassisttest

import (
	"regexp"
	"time"
)

// DefaultTemplateReviewDelay is how long the simulated Meta takes to review a submission
// unless Options.TemplateReviewDelay says otherwise. Meta takes minutes to hours; two
// seconds is long enough for a client to see PENDING and short enough for a demo.
const DefaultTemplateReviewDelay = 2 * time.Second

// TemplateReviewAtNextRead is an Options.TemplateReviewDelay that reviews a submission at
// the first read after it: the publish answer still shows it PENDING, the next GET does not.
const TemplateReviewAtNextRead time.Duration = -1

// TemplateVerdict is the outcome of Meta's review of one submission: Status APPROVED or
// REJECTED, and for a rejection Meta's reason (INVALID_FORMAT, PROMOTIONAL, ...).
type TemplateVerdict struct {
	Status, Reason string
}

// defaultRejectionReason is the reason of a REJECTED verdict given without one.
const defaultRejectionReason = "OTHER"

// promotionalWord makes the built-in rule fire: Meta rejects marketing that promises results,
// and a demo can trigger a rejection with nothing but the template's text.
var promotionalWord = regexp.MustCompile(`(?i)\bguaranteed\b`)

// SetTemplateReview decides Meta's verdict on every submission to accountID (of key) from now
// on, published or resubmitted by an edit; submissions already made keep theirs. The zero
// verdict removes the rule; PENDING leaves those submissions under review for good (a slow
// Meta, for measuring what waiting for it costs). Any other status, or an unknown key,
// panics: it is a bug in the test.
func (s *Server) SetTemplateReview(key, accountID string, verdict TemplateVerdict) {
	switch verdict.Status {
	case "", templateApproved:
		verdict.Reason = ""
	case templateRejected:
		if verdict.Reason == "" {
			verdict.Reason = defaultRejectionReason
		}
	case templatePending:
		verdict.Reason = ""
	default:
		panic("wassisttest: SetTemplateReview: verdict status " + verdict.Status + " is neither APPROVED nor REJECTED")
	}
	ok := s.withTenant(key, func(t *tenant) {
		if verdict.Status == "" {
			delete(t.reviewRules, accountID)
			return
		}
		t.reviewRules[accountID] = verdict
	})
	if !ok {
		panic("wassisttest: SetTemplateReview: unknown API key")
	}
}

// verdictFor is what Meta will say of tpl on accountID: the test's rule for the account if
// there is one, else the built-in rule (MARKETING whose body says "guaranteed" is REJECTED
// as PROMOTIONAL), else APPROVED.
func (t *tenant) verdictFor(accountID string, tpl Template) TemplateVerdict {
	if v, ok := t.reviewRules[accountID]; ok {
		return v
	}
	if tpl.Category == categoryMarketing {
		for _, c := range tpl.Components {
			if c.Type == componentBody && promotionalWord.MatchString(c.Text) {
				return TemplateVerdict{Status: templateRejected, Reason: "PROMOTIONAL"}
			}
		}
	}
	return TemplateVerdict{Status: templateApproved}
}

// submit sends the link's template to Meta (again): PENDING from now until the review.
func (t *tenant) submit(l *templateLink, tpl Template, now time.Time) {
	l.link.Status, l.link.QualityScore, l.link.RejectionReason = templatePending, qualityUnknown, ""
	l.submittedAt = now
	l.verdict = t.verdictFor(l.link.AccountID, tpl)
}

// reviewDelay is Options.TemplateReviewDelay with its default: 0 is the default, negative
// is "at the next read".
func (s *Server) reviewDelay() time.Duration {
	switch d := s.opts.TemplateReviewDelay; {
	case d == 0:
		return DefaultTemplateReviewDelay
	case d < 0:
		return 0
	default:
		return d
	}
}

// settleReviews applies the verdict of every submission whose review time has come. It runs
// before every read of a template (lazily, with the clock of the read), so that there is no
// goroutine and a FakeClock decides exactly when a review lands.
func (t *tenant) settleReviews(now time.Time, delay time.Duration) {
	for _, rec := range t.templates {
		for _, l := range rec.links {
			if l.link.Status != templatePending || now.Before(l.submittedAt.Add(delay)) || l.verdict.Status == templatePending {
				continue
			}
			l.link.Status, l.link.RejectionReason = l.verdict.Status, l.verdict.Reason
			l.link.QualityScore = qualityUnknown
			if l.verdict.Status == templateApproved {
				l.link.QualityScore = qualityGreen
			}
		}
	}
}
