package wassisttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// msgNoAccount is the publishErrors and unpublishErrors entry of an account id the key does
// not have.
const msgNoAccount = "WhatsApp account not found"

// settleReviews lands every review that is due before the call reads templates.
func (c *call) settleReviews() {
	c.t.settleReviews(c.now, c.s.reviewDelay())
}

func listTemplates(c *call) response {
	c.settleReviews()
	return listOf(c, c.t.templates, renderTemplate)
}

// template finds the template named in the path or answers the documented 404.
func (c *call) template() (*templateRecord, *response) {
	c.settleReviews()
	rec := c.t.templateByID[c.params["id"]]
	if rec == nil {
		res := notFound("Template not found")
		return nil, &res
	}
	return rec, nil
}

func getTemplate(c *call) response {
	rec, missing := c.template()
	if missing != nil {
		return *missing
	}
	return jsonResponse(http.StatusOK, renderTemplate(rec))
}

// duplicateTemplate answers a name and language the key already has with a template. It is
// the one 409 of the API that comes from real state rather than an injected fault: the body
// is valid by itself and fails only because of what the key holds (Meta keeps one template
// per name and language in a WABA), and sent again unchanged it fails again until the other
// template is renamed or deleted, which is what the SDK's conflict class says.
func duplicateTemplate(tpl Template) response {
	return errorResponse(http.StatusConflict,
		fmt.Sprintf("A template named %q in %s already exists.", tpl.Name, tpl.Language), "conflict")
}

func createTemplate(c *call) response {
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	tpl, errs := writeTemplate(Template{}, body, true)
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	if c.t.templateNamed(tpl.Name, tpl.Language, "") != nil {
		return duplicateTemplate(tpl)
	}
	tpl.ID = newUUID()
	tpl.CreatedAt = c.now.UTC().Truncate(time.Microsecond)
	tpl.UpdatedAt = tpl.CreatedAt
	return jsonResponse(http.StatusCreated, renderTemplate(c.t.addTemplate(tpl)))
}

// patchTemplate applies the fields sent. A change of components or category is new content
// for Meta: every account link is submitted again, PENDING until its new review.
func patchTemplate(c *call) response {
	rec, missing := c.template()
	if missing != nil {
		return *missing
	}
	body, bad := c.object()
	if bad != nil {
		return *bad
	}
	tpl, errs := writeTemplate(rec.tpl, body, false)
	if len(errs) > 0 {
		return validationFailed(errs)
	}
	if c.t.templateNamed(tpl.Name, tpl.Language, tpl.ID) != nil {
		return duplicateTemplate(tpl)
	}
	c.t.replaceTemplate(rec, tpl, c.now)
	return jsonResponse(http.StatusOK, renderTemplate(rec))
}

// replaceTemplate stores tpl as rec's content, resubmitting the links if Meta has to review
// it again.
func (t *tenant) replaceTemplate(rec *templateRecord, tpl Template, now time.Time) {
	resubmit := tpl.Category != rec.tpl.Category || !sameJSON(tpl.Components, rec.tpl.Components)
	tpl.UpdatedAt = now.UTC().Truncate(time.Microsecond)
	tpl.AccountLinks = nil
	rec.tpl = tpl
	if resubmit {
		for _, l := range rec.links {
			t.submit(l, tpl, now)
		}
	}
}

func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func deleteTemplate(c *call) response {
	rec, missing := c.template()
	if missing != nil {
		return *missing
	}
	c.t.removeTemplate(rec.tpl.ID)
	return noContent()
}

// publishResult is one entry of publishResults or publishErrors (and of unpublishErrors).
type publishResult struct {
	AccountID      string `json:"accountId"`
	MetaTemplateID string `json:"metaTemplateId,omitempty"`
	Status         string `json:"status,omitempty"`
	Error          string `json:"error,omitempty"`
}

// unpublishResult is one entry of unpublishResults: unpublished is false when the template
// was not on the account.
type unpublishResult struct {
	AccountID   string `json:"accountId"`
	Unpublished bool   `json:"unpublished"`
}

// publishAnswer and unpublishAnswer are the SDK's WhatsAppTemplateWithPublishResults: the
// template with the per-account arrays beside its fields.
type publishAnswer struct {
	Template
	PublishResults []publishResult `json:"publishResults"`
	PublishErrors  []publishResult `json:"publishErrors"`
}

type unpublishAnswer struct {
	Template
	UnpublishResults []unpublishResult `json:"unpublishResults"`
	UnpublishErrors  []publishResult   `json:"unpublishErrors"`
}

// publishTemplate submits the template to each account of the body. An id that is not one of
// the key's accounts fails alone, in publishErrors. An account it is already on keeps its
// link as it is (publishing again is not a new submission), so a retried publish is harmless.
func publishTemplate(c *call) response {
	rec, ids, bad := c.templateAndAccounts()
	if bad != nil {
		return *bad
	}
	results, failed := []publishResult{}, []publishResult{}
	for _, id := range ids {
		acc := c.t.accountByID[id]
		if acc == nil {
			failed = append(failed, publishResult{AccountID: id, Error: msgNoAccount})
			continue
		}
		l := rec.linkFor(id)
		if l == nil {
			l = &templateLink{link: TemplateAccountLink{AccountID: id, AccountName: acc.name, WabaID: acc.waID, MetaTemplateID: newMetaID()}}
			c.t.submit(l, rec.tpl, c.now)
			rec.links = append(rec.links, l)
		}
		results = append(results, publishResult{AccountID: id, MetaTemplateID: l.link.MetaTemplateID, Status: l.link.Status})
	}
	return jsonResponse(http.StatusOK, publishAnswer{Template: renderTemplate(rec), PublishResults: results, PublishErrors: failed})
}

// unpublishTemplate removes the template from each account of the body.
func unpublishTemplate(c *call) response {
	rec, ids, bad := c.templateAndAccounts()
	if bad != nil {
		return *bad
	}
	results, failed := []unpublishResult{}, []publishResult{}
	for _, id := range ids {
		if c.t.accountByID[id] == nil {
			failed = append(failed, publishResult{AccountID: id, Error: msgNoAccount})
			continue
		}
		results = append(results, unpublishResult{AccountID: id, Unpublished: rec.unlink(id)})
	}
	return jsonResponse(http.StatusOK, unpublishAnswer{Template: renderTemplate(rec), UnpublishResults: results, UnpublishErrors: failed})
}

// templateAndAccounts reads the template of the path and the body's accountIds: a list of at
// least one uuid, duplicates counted once.
func (c *call) templateAndAccounts() (*templateRecord, []string, *response) {
	rec, missing := c.template()
	if missing != nil {
		return nil, nil, missing
	}
	body, bad := c.object()
	if bad != nil {
		return nil, nil, bad
	}
	const field = "accountIds"
	errs := fieldErrs{}
	v, ok := errs.field(body, field, true)
	items, isList := v.([]any)
	switch {
	case !ok:
	case v == nil:
		errs.add(field, msgNull)
	case !isList:
		errs.add(field, notAList(v))
	case len(items) == 0:
		errs.add(field, msgEmptyList)
	}
	var ids []string
	perIndex := fieldErrs{}
	for i, item := range items {
		id, isString := item.(string)
		switch {
		case !isString || !isUUID(id):
			perIndex[strconv.Itoa(i)] = []string{msgUUID}
		case !slices.Contains(ids, id):
			ids = append(ids, id)
		}
	}
	if len(perIndex) > 0 {
		errs[field] = perIndex
	}
	if len(errs) > 0 {
		res := validationFailed(errs)
		return nil, nil, &res
	}
	return rec, ids, nil
}
